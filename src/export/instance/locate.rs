//! Where a JSON pointer is in the JSON text it was read from (byte ranges of the value and of
//! its member's key), so that a problem can point into the user's file.

use std::ops::Range;

use super::paths::Seg;

/// Where a value is in a JSON text, and the key of the member that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
}

/// Finds the value that a pointer designates in a JSON text (byte ranges). `None` when the
/// text is not JSON there or the pointer leads nowhere.
pub fn locate(text: &str, pointer: &[Seg]) -> Option<Located> {
    let b = text.as_bytes();
    let mut pos = ws(b, 0);
    let mut key = None;
    for seg in pointer {
        match seg {
            Seg::Key(wanted) => {
                if b.get(pos) != Some(&b'{') {
                    return None;
                }
                pos = ws(b, pos + 1);
                loop {
                    if b.get(pos) != Some(&b'"') {
                        return None;
                    }
                    let key_end = string_end(b, pos)?;
                    let name: String = serde_json::from_str(&text[pos..key_end]).ok()?;
                    let colon = ws(b, key_end);
                    if b.get(colon) != Some(&b':') {
                        return None;
                    }
                    let value_start = ws(b, colon + 1);
                    if name == *wanted {
                        key = Some(pos..key_end);
                        pos = value_start;
                        break;
                    }
                    let after = ws(b, value_end(b, value_start)?);
                    match b.get(after) {
                        Some(b',') => pos = ws(b, after + 1),
                        _ => return None,
                    }
                }
            }
            Seg::Index(wanted) => {
                if b.get(pos) != Some(&b'[') {
                    return None;
                }
                pos = ws(b, pos + 1);
                for _ in 0..*wanted {
                    let after = ws(b, value_end(b, pos)?);
                    match b.get(after) {
                        Some(b',') => pos = ws(b, after + 1),
                        _ => return None,
                    }
                }
                key = None;
            }
        }
    }
    let end = value_end(b, pos)?;
    Some(Located {
        key,
        value: pos..end,
    })
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end of the string that starts at `i` (after its closing quote).
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The end of the value that starts at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        b',' | b'}' | b']' | b':' => None,
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            Some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_values_and_keys() {
        let text = r#"{"a": 1, "b": {"c": [10, {"d": "x\"y"}, 30]}, "e": null}"#;
        let at = |p: &[Seg]| {
            let l = locate(text, p).unwrap();
            (
                l.key.map(|k| text[k].to_string()),
                text[l.value].to_string(),
            )
        };
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(at(&[k("a")]), (Some("\"a\"".into()), "1".into()));
        assert_eq!(
            at(&[k("b"), k("c"), Seg::Index(1), k("d")]),
            (Some("\"d\"".into()), "\"x\\\"y\"".into())
        );
        assert_eq!(at(&[k("b"), k("c"), Seg::Index(2)]), (None, "30".into()));
        assert_eq!(at(&[k("e")]).1, "null");
        assert!(locate(text, &[k("z")]).is_none());
        assert!(locate(text, &[k("b"), k("c"), Seg::Index(3)]).is_none());
    }
}
