//! String literal bodies: escape decoding and `{{ }}` interpolation, as Inmanta does them.
//!
//! Inmanta decodes string bodies with Python's `unicode_escape` codec applied to their UTF-8 bytes.
//! That codec reads every byte that is not part of an escape as Latin-1, so non-ASCII text in a
//! plain or multi-line string comes out mangled (`é` becomes `Ã©`). Values must equal the
//! reference compiler's, so the mangling is reproduced; raw strings are not decoded at all.

/// The result of decoding one string body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub value: String,
    /// Byte offset (in the body) of the first escape Python does not know, kept verbatim.
    pub invalid_escape: Option<usize>,
    /// Byte offset of an escape Python refuses outright (`\x4`, `\u12`, `\N{...}`).
    pub broken_escape: Option<usize>,
}

/// Decodes a body as Python's `bytes(body, "utf-8").decode("unicode_escape")`.
pub fn unicode_escape_decode(body: &str) -> Decoded {
    let bytes = body.as_bytes();
    let mut value = String::with_capacity(body.len());
    let mut invalid_escape = None;
    let mut broken_escape = None;
    let mut i = 0;
    // Fast path for the common, escape-free ASCII body.
    if body.is_ascii() && !body.contains('\\') {
        return Decoded {
            value: body.to_string(),
            invalid_escape,
            broken_escape,
        };
    }
    while i < bytes.len() {
        let b = bytes[i];
        if b != b'\\' {
            value.push(b as char);
            i += 1;
            continue;
        }
        let Some(&next) = bytes.get(i + 1) else {
            // A trailing lone backslash: Python raises "\ at end of string".
            broken_escape.get_or_insert(i);
            value.push('\\');
            i += 1;
            continue;
        };
        i += 2;
        match next {
            b'\n' => {}
            b'\\' => value.push('\\'),
            b'\'' => value.push('\''),
            b'"' => value.push('"'),
            b'a' => value.push('\x07'),
            b'b' => value.push('\x08'),
            b'f' => value.push('\x0c'),
            b'n' => value.push('\n'),
            b'r' => value.push('\r'),
            b't' => value.push('\t'),
            b'v' => value.push('\x0b'),
            b'0'..=b'7' => {
                let mut code = (next - b'0') as u32;
                let mut digits = 1;
                while digits < 3 {
                    match bytes.get(i) {
                        Some(d @ b'0'..=b'7') => {
                            code = code * 8 + (d - b'0') as u32;
                            i += 1;
                            digits += 1;
                        }
                        _ => break,
                    }
                }
                value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            b'x' | b'u' | b'U' => {
                let width = match next {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = bytes.get(i..i + width).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                });
                match hex.and_then(char::from_u32) {
                    Some(c) => {
                        value.push(c);
                        i += width;
                    }
                    None => {
                        broken_escape.get_or_insert(i - 2);
                        value.push('\\');
                        value.push(next as char);
                    }
                }
            }
            b'N' => {
                // Named escapes need Unicode's name table, which Inmanta models never use; report.
                broken_escape.get_or_insert(i - 2);
                value.push('\\');
                value.push('N');
            }
            other => {
                invalid_escape.get_or_insert(i - 2);
                value.push('\\');
                if other < 0x80 {
                    value.push(other as char);
                } else {
                    // The byte after the backslash starts a UTF-8 sequence: Latin-1 as well.
                    value.push(other as char);
                }
            }
        }
    }
    Decoded {
        value,
        invalid_escape,
        broken_escape,
    }
}

/// One `{{ name }}` or `{{ a.b.c }}` occurrence in a string value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolation {
    /// Byte range of the whole `{{ ... }}` in the value.
    pub whole: std::ops::Range<usize>,
    /// Byte range of the name inside it.
    pub name: std::ops::Range<usize>,
}

/// Finds the `{{ \s* [.A-Za-z0-9_-]+ \s* }}` occurrences, left to right, without overlap.
pub fn find_interpolations(value: &str) -> Vec<Interpolation> {
    let bytes = value.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    // `find` with a char looks for its byte with memchr; a `&str` pattern would build a
    // substring searcher on every call, which costs more than most strings take to scan.
    while let Some(offset) = value[i..].find('{') {
        let open = i + offset;
        if bytes.get(open + 1) != Some(&b'{') {
            i = open + 1;
            continue;
        }
        let mut j = open + 2;
        while j < bytes.len() && is_python_space(bytes[j]) {
            j += 1;
        }
        let name_start = j;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || b"._-".contains(&bytes[j])) {
            j += 1;
        }
        let name_end = j;
        while j < bytes.len() && is_python_space(bytes[j]) {
            j += 1;
        }
        if name_end > name_start && bytes[j..].starts_with(b"}}") {
            found.push(Interpolation {
                whole: open..j + 2,
                name: name_start..name_end,
            });
            i = j + 2;
        } else {
            i = open + 1;
        }
    }
    found
}

fn is_python_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// One piece of an f-string, as Python's `string.Formatter().parse` splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatField {
    pub literal: String,
    /// The field name with its surrounding whitespace, when there is a field.
    pub field: Option<String>,
    pub spec: Option<String>,
    pub conversion: Option<char>,
}

/// Splits a format string as `string.Formatter().parse` does; `Err` carries Python's message.
pub fn parse_format(text: &str) -> Result<Vec<FormatField>, String> {
    // Braces, `:` and `!` are ASCII, so byte positions found by them are char boundaries.
    let bytes = text.as_bytes();
    let mut fields = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                literal.push('{');
                i += 2;
            }
            b'{' => {
                // A replacement field: up to the matching '}', counting nested braces of the spec.
                let mut depth = 1;
                let mut j = i + 1;
                while j < bytes.len() {
                    match bytes[j] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                if j >= bytes.len() {
                    return Err("expected '}' before end of string".to_string());
                }
                let inner = &text[i + 1..j];
                let (name_and_conv, spec) = match inner.find(':') {
                    Some(k) => (&inner[..k], Some(inner[k + 1..].to_string())),
                    None => (inner, None),
                };
                let (name, conversion) = match name_and_conv.find('!') {
                    Some(k) => {
                        let conv = &name_and_conv[k + 1..];
                        let mut conv_chars = conv.chars();
                        let (Some(c), None) = (conv_chars.next(), conv_chars.next()) else {
                            return Err("expected ':' after conversion specifier".to_string());
                        };
                        (&name_and_conv[..k], Some(c))
                    }
                    None => (name_and_conv, None),
                };
                fields.push(FormatField {
                    literal: std::mem::take(&mut literal),
                    field: Some(name.to_string()),
                    spec: Some(spec.unwrap_or_default()),
                    conversion,
                });
                i = j + 1;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                literal.push('}');
                i += 2;
            }
            b'}' => return Err("Single '}' encountered in format string".to_string()),
            _ => {
                let run_end = bytes[i..]
                    .iter()
                    .position(|&b| b == b'{' || b == b'}')
                    .map_or(bytes.len(), |n| i + n);
                literal.push_str(&text[i..run_end]);
                i = run_end;
            }
        }
    }
    if !literal.is_empty() {
        fields.push(FormatField {
            literal,
            field: None,
            spec: None,
            conversion: None,
        });
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_like_python() {
        assert_eq!(unicode_escape_decode(r"a\nb\tc").value, "a\nb\tc");
        assert_eq!(unicode_escape_decode(r"\x41\101\u00e9").value, "AAé");
        assert_eq!(unicode_escape_decode("a\\\nb").value, "ab");
    }

    #[test]
    fn invalid_escapes_stay_verbatim_and_are_flagged() {
        let decoded = unicode_escape_decode(r"a\.b");
        assert_eq!(decoded.value, r"a\.b");
        assert_eq!(decoded.invalid_escape, Some(1));
    }

    #[test]
    fn non_ascii_text_is_read_as_latin1() {
        assert_eq!(unicode_escape_decode("é\\n").value, "Ã©\n");
    }

    #[test]
    fn interpolations_are_found() {
        let found = find_interpolations("a {{ x.y }} b {{z}} {{ }} {{a b}}");
        assert_eq!(found.len(), 2);
        assert_eq!(
            &"a {{ x.y }} b {{z}} {{ }} {{a b}}"[found[0].name.clone()],
            "x.y"
        );
    }

    #[test]
    fn format_strings_split_like_python() {
        let fields = parse_format("a{b:>{w}}c{{d}}").unwrap();
        assert_eq!(fields[0].field.as_deref(), Some("b"));
        assert_eq!(fields[0].spec.as_deref(), Some(">{w}"));
        assert_eq!(fields[1].literal, "c{d}");
        assert!(parse_format("a}").is_err());
        assert!(parse_format("a{b").is_err());
    }
}
