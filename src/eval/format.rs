//! Values as text: Python's `str()` and `repr()`, `{{ }}` interpolation and f-strings with
//! Python's format mini-language.

use super::value::{float_repr, Value};
use super::Runtime;
use crate::lexer::literals::parse_format;

impl<'m> Runtime<'m> {
    /// `str()` of a value for string interpolation: an integral float shows as an int.
    pub fn format_value(&self, value: &Value) -> String {
        match value {
            Value::Float(f) if f.fract() == 0.0 && f.is_finite() && f.abs() < 1e16 => {
                format!("{}", *f as i64)
            }
            other => self.str_of(other),
        }
    }

    /// Python `str()` of a value, as string interpolation renders it.
    pub fn str_of(&self, value: &Value) -> String {
        match value {
            Value::Null => "null".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => super::value::float_repr(*f),
            Value::Str(s) => s.to_string(),
            Value::Instance(i) => self.describe(*i),
            Value::Unknown => "Unknown".into(),
            Value::List(_) | Value::Dict(_) => self.repr_of(value),
        }
    }

    /// Python `repr()` of a value.
    pub fn repr_of(&self, value: &Value) -> String {
        match value {
            Value::Str(s) => super::value::string_repr(s),
            Value::List(items) => {
                let parts: Vec<String> = items.iter().map(|v| self.repr_of(v)).collect();
                format!("[{}]", parts.join(", "))
            }
            Value::Dict(entries) => {
                let parts: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", super::value::string_repr(k), self.repr_of(v)))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            other => self.str_of(other),
        }
    }
}

/// Formats an f-string template with the values of its fields (by field name).
pub fn format_fstring(
    rt: &Runtime<'_>,
    template: &str,
    values: &[(String, Value)],
) -> Result<String, String> {
    let fields = parse_format(template)?;
    let mut out = String::new();
    for field in fields {
        out.push_str(&field.literal);
        let Some(name) = field.field else { continue };
        if name.trim().is_empty() {
            return Err("f-strings do not support positional substitutions via '{}', use variable or attribute keys instead".into());
        }
        let value = values
            .iter()
            .find(|(n, _)| n == name.trim())
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("Invalid key in f-string: {name}"))?;
        // `!r` / `!s` / `!a` conversions come before the spec.
        let value = match field.conversion {
            Some('r') | Some('a') => Value::str(&rt.repr_of(&value)),
            Some('s') => Value::str(&rt.str_of(&value)),
            Some(other) => return Err(format!("Unknown conversion specifier {other}")),
            None => value,
        };
        let mut spec = field.spec.unwrap_or_default();
        // Nested fields of the spec: `{x:{width}}`.
        if spec.contains('{') {
            let inner = parse_format(&spec)?;
            let mut resolved = String::new();
            for f in inner {
                resolved.push_str(&f.literal);
                if let Some(n) = f.field {
                    let v = values
                        .iter()
                        .find(|(k, _)| k == n.trim())
                        .map(|(_, v)| rt.format_value(v))
                        .ok_or_else(|| format!("Invalid key in f-string: {n}"))?;
                    resolved.push_str(&v);
                }
            }
            spec = resolved;
        }
        out.push_str(&apply_spec(rt, &value, &spec)?);
    }
    Ok(out)
}

/// Python's format-spec mini-language: `[[fill]align][sign][0][width][,][.precision][type]`.
fn apply_spec(rt: &Runtime<'_>, value: &Value, spec: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(rt.format_value(value));
    }
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let (mut fill, mut align) = (' ', None);
    if chars.len() >= 2 && matches!(chars[1], '<' | '>' | '^' | '=') {
        fill = chars[0];
        align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && matches!(chars[0], '<' | '>' | '^' | '=') {
        align = Some(chars[0]);
        i = 1;
    }
    let mut sign = None;
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        sign = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        if align.is_none() {
            fill = '0';
            align = Some('=');
        }
        i += 1;
    }
    let mut width = 0usize;
    while i < chars.len() && chars[i].is_ascii_digit() {
        width = spec_digit(width, chars[i])?;
        i += 1;
    }
    check_spec_number(width, "width")?;
    let mut grouping = false;
    if i < chars.len() && (chars[i] == ',' || chars[i] == '_') {
        grouping = true;
        i += 1;
    }
    let mut precision = None;
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let mut p = 0usize;
        while i < chars.len() && chars[i].is_ascii_digit() {
            p = spec_digit(p, chars[i])?;
            i += 1;
        }
        precision = Some(check_spec_number(p, "precision")?);
    }
    let kind = chars.get(i).copied();
    if i + 1 < chars.len() || kind.is_some_and(|k| !"sdfFeEgGxXob%n".contains(k)) {
        return Err(format!(
            "Invalid format specifier '{spec}' for object of type '{}'",
            value.type_name()
        ));
    }
    let body = match (value, kind) {
        (Value::Str(s), None | Some('s')) => match precision {
            Some(p) => s.chars().take(p).collect(),
            None => s.to_string(),
        },
        (Value::Int(n), None | Some('d') | Some('n')) => {
            let text = n.unsigned_abs().to_string();
            let text = if grouping { group(&text) } else { text };
            with_sign(*n < 0, sign, text)
        }
        (Value::Int(n), Some('x')) => with_sign(*n < 0, sign, format!("{:x}", n.unsigned_abs())),
        (Value::Int(n), Some('X')) => with_sign(*n < 0, sign, format!("{:X}", n.unsigned_abs())),
        (Value::Int(n), Some('o')) => with_sign(*n < 0, sign, format!("{:o}", n.unsigned_abs())),
        (Value::Int(n), Some('b')) => with_sign(*n < 0, sign, format!("{:b}", n.unsigned_abs())),
        (v, Some('f') | Some('F') | Some('e') | Some('E') | Some('%') | Some('g') | Some('G'))
            if v.as_number().is_some() =>
        {
            let x = v.as_number().map(|n| n.as_f64()).unwrap_or(0.0);
            let p = precision.unwrap_or(6);
            let text = match kind {
                Some('e') | Some('E') => {
                    let t = format!("{:.*e}", p, x.abs());
                    let (m, e) = t.split_once('e').unwrap_or((&t, "0"));
                    let e: i32 = e.parse().unwrap_or(0);
                    let t = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
                    if kind == Some('E') {
                        t.to_uppercase()
                    } else {
                        t
                    }
                }
                Some('%') => format!("{:.*}%", p, x.abs() * 100.0),
                Some('g') | Some('G') => float_repr(x.abs()),
                _ => format!("{:.*}", p, x.abs()),
            };
            let text = if grouping { group(&text) } else { text };
            with_sign(x < 0.0, sign, text)
        }
        (Value::Float(f), None) => {
            let text = match precision {
                Some(p) => format!("{:.*}", p, f.abs()),
                None => float_repr(f.abs()),
            };
            with_sign(*f < 0.0, sign, text)
        }
        (v, None) => rt.format_value(v),
        (v, Some(k)) => {
            return Err(format!(
                "Invalid format specifier '{spec}' for object of type '{}'",
                if matches!(v, Value::Str(_)) {
                    "str"
                } else {
                    v.type_name()
                }
            ))
            .map(|_: ()| k.to_string())
        }
    };
    let len = body.chars().count();
    if len >= width {
        return Ok(body);
    }
    let pad = width - len;
    let default_align = if matches!(value, Value::Int(_) | Value::Float(_)) {
        '>'
    } else {
        '<'
    };
    let fill_str = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
    Ok(match align.unwrap_or(default_align) {
        '<' => format!("{body}{}", fill_str(pad)),
        '^' => format!("{}{body}{}", fill_str(pad / 2), fill_str(pad - pad / 2)),
        '=' => {
            let (sign_part, digits) = if body.starts_with(['-', '+', ' ']) {
                body.split_at(1)
            } else {
                ("", body.as_str())
            };
            format!("{sign_part}{}{digits}", fill_str(pad))
        }
        _ => format!("{}{body}", fill_str(pad)),
    })
}

/// The largest width and precision lsmc formats with: Rust's formatting panics short of 65,535
/// digits, and a larger width would only fill memory with padding.
pub const MAX_FORMAT_WIDTH: usize = 50_000;

/// One more digit of a width or precision; Python refuses a number beyond `isize::MAX`.
fn spec_digit(number: usize, digit: char) -> Result<usize, String> {
    number
        .checked_mul(10)
        .and_then(|n| n.checked_add(digit.to_digit(10).unwrap_or(0) as usize))
        .filter(|n| *n <= isize::MAX as usize)
        .ok_or_else(|| "Too many decimal digits in format string".to_string())
}

fn check_spec_number(number: usize, what: &str) -> Result<usize, String> {
    if number > MAX_FORMAT_WIDTH {
        return Err(format!(
            "lsmc formats with a {what} of at most {MAX_FORMAT_WIDTH}, not {number}"
        ));
    }
    Ok(number)
}

fn with_sign(negative: bool, sign: Option<char>, text: String) -> String {
    if negative {
        format!("-{text}")
    } else {
        match sign {
            Some('+') => format!("+{text}"),
            Some(' ') => format!(" {text}"),
            _ => text,
        }
    }
}

fn group(text: &str) -> String {
    let (int, rest) = text.split_at(text.find('.').unwrap_or(text.len()));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out + rest
}

/// Python's `str.format(*args, **kwargs)`: positional fields by index (`{}` counts up), named
/// fields by name; `values` holds positional arguments under their index as text.
pub fn format_python(
    rt: &Runtime<'_>,
    template: &str,
    values: &[(String, Value)],
) -> Result<String, String> {
    let fields = parse_format(template)?;
    let mut out = String::new();
    let mut next = 0usize;
    for field in fields {
        out.push_str(&field.literal);
        let Some(name) = field.field else { continue };
        let key = if name.is_empty() {
            next += 1;
            (next - 1).to_string()
        } else {
            name
        };
        let (head, rest) = match key.split_once(['.', '[']) {
            Some((h, _)) => (h.to_string(), true),
            None => (key.clone(), false),
        };
        if rest {
            return Err(format!("cannot format field {key}"));
        }
        let value = values
            .iter()
            .find(|(n, _)| *n == head)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("cannot format: no value for {{{head}}}"))?;
        out.push_str(&apply_spec(
            rt,
            &value,
            field.spec.as_deref().unwrap_or(""),
        )?);
    }
    Ok(out)
}
