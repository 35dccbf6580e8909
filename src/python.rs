//! Python's text forms that the reference compiler's output depends on: `repr()` of floats and
//! strings, and the text `json.dumps(sort_keys=True)` writes. Shared by every stage that shows
//! values the way Inmanta does.

/// Python's `repr()` of a float: the shortest text that reads back the same, with `.0` for
/// integral values and exponent form outside [1e-4, 1e16).
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let abs = f.abs();
    if (1e-4..1e16).contains(&abs) {
        let s = format!("{f}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        // Rust's `{:e}` gives the shortest digits: `1e16`, `1.5e-5`; Python writes `1e+16`, `1.5e-05`.
        let s = format!("{f:e}");
        let (mantissa, exponent) = s.split_once('e').expect("exponent form");
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    }
}

/// Python's `repr()` of a string: single quotes unless the text has one and no double quote.
pub fn string_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string_repr(&mut out, s);
    out
}

/// [`string_repr`] appended to a buffer.
pub fn push_string_repr(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.reserve(s.len() + 2);
    out.push(quote);
    // Only ASCII characters are escaped, so the text is scanned by bytes and copied in runs
    // between escapes: index keys and dumps write the repr of every string.
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escaped = b == b'\\' || b == quote as u8 || b < 0x20 || b == 0x7f;
        if !escaped {
            continue;
        }
        out.push_str(&s[plain..i]);
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if b == quote as u8 => {
                out.push('\\');
                out.push(quote);
            }
            b => out.push_str(&format!("\\x{b:02x}")),
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push(quote);
}

/// JSON text as Python's `json.dumps(value, sort_keys=True)` writes it (ASCII only, `", "` and
/// `": "` separators): the reference orders instances by this text.
pub fn python_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_python_json(value, &mut out);
    out
}

/// [`python_json`], appended to `out`.
pub fn write_python_json(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Null => out.push_str("null"),
        serde_json::Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                if f.is_infinite() {
                    out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
                } else if f.is_nan() {
                    out.push_str("NaN");
                } else {
                    out.push_str(&float_repr(f));
                }
            }
        }
        serde_json::Value::String(s) => write_json_string(s, out),
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python_json(item, out);
            }
            out.push(']');
        }
        serde_json::Value::Object(map) => write_python_object(map, out),
    }
}

fn write_python_object(map: &serde_json::Map<String, serde_json::Value>, out: &mut String) {
    let mut entries: Vec<(&String, &serde_json::Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_json_string(key, out);
        out.push_str(": ");
        write_python_json(value, out);
    }
    out.push('}');
}

/// A string as `json.dumps` writes it, appended to `out`.
pub fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_like_python() {
        assert_eq!(float_repr(1.0), "1.0");
        assert_eq!(float_repr(0.1), "0.1");
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(1.5e-5), "1.5e-05");
        assert_eq!(float_repr(123456.789), "123456.789");
    }

    #[test]
    fn python_json_sorts_keys_and_escapes() {
        let v: serde_json::Value = serde_json::json!({"b": 1, "a": [1.0, "é"]});
        assert_eq!(python_json(&v), r#"{"a": [1.0, "\u00e9"], "b": 1}"#);
    }

    #[test]
    fn string_repr_like_python() {
        assert_eq!(string_repr("a'b"), "\"a'b\"");
        assert_eq!(string_repr("ab\n"), "'ab\\n'");
        // Text around escapes is copied whole, non-ASCII characters included.
        assert_eq!(string_repr("é\u{1}\\x\u{7f}"), r"'é\x01\\x\x7f'");
        assert_eq!(string_repr("a'b\"c"), r#"'a\'b"c'"#);
    }
}
