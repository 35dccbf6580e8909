//! A reader of JSON text straight into model values, for the inventory read at every compile:
//! strings are scanned eight bytes at a time, keys and short values are found in a small cache
//! before the interner's table is hashed, and lists and dicts are gathered on the reader's own
//! stacks. At 10,000 services it costs a third of serde_json's visitor.
//!
//! It reads the common form only. For anything else (an exponent, a long or odd number, a lone
//! surrogate, deep nesting, any syntax error) it gives up, and serde_json reads the text again:
//! the values, and the errors, are then serde_json's. What it does read, it reads as serde_json
//! does (see `same_as_serde_json` below).

use super::{Interner, JsonSeed};
use crate::eval::value::{Dict, Str, Value};

/// The model value of a JSON text, or `None` where serde_json is to read it.
pub(super) fn read(text: &str, interner: &Interner) -> Option<Value> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
        depth: 0,
        interner,
        keys: vec![Slot::default(); KEY_SLOTS],
        values: vec![Slot::default(); VALUE_SLOTS],
        items: Vec::new(),
        entries: Vec::new(),
        scratch: String::new(),
    };
    let value = reader.value()?;
    reader.skip_whitespace();
    (reader.at == reader.bytes.len()).then_some(value)
}

/// Far below serde_json's limit (128): deeper texts are left to it.
const MAX_DEPTH: u32 = 100;
const KEY_SLOTS: usize = 256;
const VALUE_SLOTS: usize = 1024;

/// A string met before: its first and last eight bytes and its length tell it apart from any
/// other of at most 16 bytes without a comparison of the bytes.
#[derive(Clone, Default)]
struct Slot {
    head: u64,
    tail: u64,
    len: usize,
    shared: Option<Str>,
}

struct Reader<'t, 'i> {
    bytes: &'t [u8],
    text: &'t str,
    at: usize,
    depth: u32,
    interner: &'i Interner,
    keys: Vec<Slot>,
    values: Vec<Slot>,
    items: Vec<Value>,
    entries: Vec<(Str, Value)>,
    /// A string with escapes, decoded.
    scratch: String,
}

impl Reader<'_, '_> {
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_whitespace();
        match *self.bytes.get(self.at)? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => {
                let (range, escaped) = self.string()?;
                Some(Value::Str(self.short_value(range, escaped)))
            }
            b't' => self.word(b"true", Value::Bool(true)),
            b'f' => self.word(b"false", Value::Bool(false)),
            b'n' => self.word(b"null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn word(&mut self, word: &[u8], value: Value) -> Option<Value> {
        if !self.bytes[self.at..].starts_with(word) {
            return None;
        }
        self.at += word.len();
        Some(value)
    }

    fn enter(&mut self) -> Option<()> {
        self.at += 1;
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn array(&mut self) -> Option<Value> {
        self.enter()?;
        let base = self.items.len();
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
        } else {
            loop {
                let item = self.value()?;
                self.items.push(item);
                self.skip_whitespace();
                match self.bytes.get(self.at)? {
                    b',' => self.at += 1,
                    b']' => {
                        self.at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(Value::list(self.items.split_off(base)))
    }

    fn object(&mut self) -> Option<Value> {
        self.enter()?;
        let base = self.entries.len();
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                if self.bytes.get(self.at) != Some(&b'"') {
                    return None;
                }
                let (range, escaped) = self.string()?;
                let key = self.key(range, escaped);
                self.skip_whitespace();
                if self.bytes.get(self.at) != Some(&b':') {
                    return None;
                }
                self.at += 1;
                let value = self.value()?;
                // A repeated key keeps its first place and its last value, as Python's json does.
                // Keys are shared (one string per name): compared by address.
                match self.entries[base..]
                    .iter_mut()
                    .find(|(name, _)| Str::ptr_eq(name, &key))
                {
                    Some(entry) => entry.1 = value,
                    None => self.entries.push((key, value)),
                }
                self.skip_whitespace();
                match self.bytes.get(self.at)? {
                    b',' => self.at += 1,
                    b'}' => {
                        self.at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(Value::Dict(Dict::from_exact(self.entries.drain(base..))))
    }

    /// The string that starts at the cursor (a `"`): the range of its text between the quotes,
    /// and whether that text has escapes (then it is decoded into `scratch`).
    fn string(&mut self) -> Option<(std::ops::Range<usize>, bool)> {
        let start = self.at + 1;
        let mut at = next_special(self.bytes, start);
        match self.bytes.get(at)? {
            b'"' => {
                self.at = at + 1;
                return Some((start..at, false));
            }
            b'\\' => {}
            _ => return None,
        }
        self.scratch.clear();
        let mut from = start;
        loop {
            match self.bytes.get(at)? {
                b'"' => {
                    self.scratch.push_str(&self.text[from..at]);
                    self.at = at + 1;
                    return Some((start..at, true));
                }
                b'\\' => {
                    self.scratch.push_str(&self.text[from..at]);
                    at = self.escape(at + 1)?;
                    from = at;
                }
                _ => return None,
            }
            at = next_special(self.bytes, at);
        }
    }

    /// Decodes the escape after a `\` at `at` into `scratch`; the offset past it.
    fn escape(&mut self, at: usize) -> Option<usize> {
        let c = match *self.bytes.get(at)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4(at + 1)?;
                if (0xD800..0xDC00).contains(&unit) {
                    // A pair: a low surrogate must follow.
                    if self.bytes.get(at + 5..at + 7)? != b"\\u" {
                        return None;
                    }
                    let low = self.hex4(at + 7)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return None;
                    }
                    let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    self.scratch.push(char::from_u32(c)?);
                    return Some(at + 11);
                }
                self.scratch.push(char::from_u32(unit)?);
                return Some(at + 5);
            }
            _ => return None,
        };
        self.scratch.push(c);
        Some(at + 1)
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes.get(at..at + 4)?;
        let mut unit = 0;
        for &d in digits {
            unit = unit * 16 + (d as char).to_digit(16)?;
        }
        Some(unit)
    }

    /// A key: always shared.
    fn key(&mut self, range: std::ops::Range<usize>, escaped: bool) -> Str {
        let text = if escaped {
            self.scratch.as_str()
        } else {
            &self.text[range]
        };
        let Some(fingerprint) = fingerprint(text.as_bytes()) else {
            return self.interner.get(text);
        };
        let slot = &mut self.keys[fingerprint.index(KEY_SLOTS)];
        if let Some(shared) = fingerprint.found(slot) {
            return shared;
        }
        let shared = self.interner.get(text);
        fingerprint.fill(slot, shared.clone());
        shared
    }

    /// A string value: shared when short, as the interner decides.
    fn short_value(&mut self, range: std::ops::Range<usize>, escaped: bool) -> Str {
        let text = if escaped {
            self.scratch.as_str()
        } else {
            &self.text[range]
        };
        if text.len() > Interner::SHORT_VALUE {
            return Str::from(text);
        }
        let Some(fingerprint) = fingerprint(text.as_bytes()) else {
            return self.interner.value(text);
        };
        let slot = &mut self.values[fingerprint.index(VALUE_SLOTS)];
        if let Some(shared) = fingerprint.found(slot) {
            return shared;
        }
        let (value, shared) = self.interner.share_or_not(text, Interner::MAX_SHARED);
        // Only a string of the table is handed out again.
        if shared {
            fingerprint.fill(slot, value.clone());
        }
        value
    }

    /// A number. Integers of up to 18 digits and decimals of up to 15 digits without an
    /// exponent are read here, exactly as serde_json reads them (a decimal of at most 15
    /// digits, divided by a power of ten of at most 22, is rounded once: the correctly rounded
    /// value, which is serde_json's too); anything else is read by serde_json.
    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        let negative = self.bytes[start] == b'-';
        let digits_start = start + usize::from(negative);
        let (int_end, int) = digits(self.bytes, digits_start);
        let int_digits = int_end - digits_start;
        // No digit, a leading zero, or too many for an i64.
        let plain = int_digits > 0
            && int_digits <= 18
            && (self.bytes[digits_start] != b'0' || int_digits == 1);
        match self.bytes.get(int_end) {
            Some(b'.') if plain => {
                let (end, fraction) = digits(self.bytes, int_end + 1);
                let fraction_digits = end - int_end - 1;
                if fraction_digits > 0
                    && int_digits + fraction_digits <= 15
                    && !matches!(self.bytes.get(end), Some(b'e' | b'E'))
                {
                    let significand = int * 10u64.pow(fraction_digits as u32) + fraction;
                    let f = significand as f64 / POWERS_OF_TEN[fraction_digits];
                    self.at = end;
                    return Some(Value::Float(if negative { -f } else { f }));
                }
            }
            Some(b'e' | b'E') => {}
            // serde_json reads `-0` as the float -0.0.
            _ if plain && !(negative && int == 0) => {
                self.at = int_end;
                let int = int as i64;
                return Some(Value::Int(if negative { -int } else { int }));
            }
            _ => {}
        }
        self.number_by_serde_json(start)
    }

    fn number_by_serde_json(&mut self, start: usize) -> Option<Value> {
        use serde::de::DeserializeSeed;
        let end = start
            + self.bytes[start..]
                .iter()
                .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                .unwrap_or(self.bytes.len() - start);
        let mut deserializer = serde_json::Deserializer::from_str(&self.text[start..end]);
        let value = JsonSeed(self.interner)
            .deserialize(&mut deserializer)
            .ok()?;
        deserializer.end().ok()?;
        self.at = end;
        Some(value)
    }
}

const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The decimal digits from `at`: where they end, and their value (as long as it fits).
fn digits(bytes: &[u8], mut at: usize) -> (usize, u64) {
    let mut value: u64 = 0;
    while let Some(d @ b'0'..=b'9') = bytes.get(at) {
        value = value.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        at += 1;
    }
    (at, value)
}

/// The offset of the first `"`, `\` or control character from `at` (or the end), eight bytes
/// at a time: a byte of a word is flagged when it is zero after the word is XORed with the
/// character, or when it is below 0x20. A flag can be wrong only above a right one, so the
/// lowest is right.
fn next_special(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let flags = zero_byte(word ^ (ONES * u64::from(b'"')))
            | zero_byte(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGH);
        if flags != 0 {
            return at + (flags.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if matches!(b, b'"' | b'\\' | 0..=0x1f) {
            break;
        }
        at += 1;
    }
    at
}

/// What tells a string of at most 16 bytes apart: its first and last (up to) eight bytes and
/// its length. `None` for a longer one.
#[derive(Clone, Copy)]
struct Fingerprint {
    head: u64,
    tail: u64,
    len: usize,
}

fn fingerprint(bytes: &[u8]) -> Option<Fingerprint> {
    let len = bytes.len();
    if len > 16 {
        return None;
    }
    // Overlapping loads: the first and the last eight (or four) bytes cover the string, and
    // with its length tell it apart.
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            bytes[at..at + 4].try_into().expect("four bytes"),
        ))
    };
    let (head, tail) = match len {
        8..=16 => (word(0), word(len - 8)),
        4..=7 => (half(0) | half(len - 4) << 32, 0),
        _ => (
            bytes
                .iter()
                .rev()
                .fold(0, |word, &b| word << 8 | u64::from(b)),
            0,
        ),
    };
    Some(Fingerprint { head, tail, len })
}

impl Fingerprint {
    fn index(self, slots: usize) -> usize {
        let mixed = (self.head ^ self.tail.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> 40) as usize % slots
    }

    fn found(self, slot: &Slot) -> Option<Str> {
        if slot.head == self.head && slot.tail == self.tail && slot.len == self.len {
            slot.shared.clone()
        } else {
            None
        }
    }

    fn fill(self, slot: &mut Slot, shared: Str) {
        *slot = Slot {
            head: self.head,
            tail: self.tail,
            len: self.len,
            shared: Some(shared),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_json_with_serde, Interner};
    use super::*;

    /// What the reader reads, it reads as serde_json does (the same value, floats to the bit);
    /// what it does not, it leaves to serde_json.
    #[test]
    fn same_as_serde_json() {
        let read_here = [
            r#"[]"#,
            r#"{}"#,
            r#" [1, -2, 0, 123456789012345678, -123456789012345678, true, false, null] "#,
            r#"[0.0, -0.0, 0.1, 1.5, -2.25, 0.3, 123456789.012345, 99999999999999.9, 7.0000001]"#,
            r#"{"a": "x", "b": {"c": [1, {"d": "e"}]}, "a": "y"}"#,
            r#"["tab\tquote\"slash\/back\\", "\u00e9\u4e2d\ud83d\ude00", "é 中 😀", ""]"#,
            r#"{"a\nb": 1, "\u0041": 2, "A": 3}"#,
            r#"["a string longer than sixteen bytes", "twelve bytes", "thirteen byte"]"#,
        ];
        for text in read_here {
            let fast = read(text, &Interner::default()).expect(text);
            let (slow, _) = parse_json_with_serde(text).unwrap();
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{text}");
            assert!(same_bits(&fast, &slow), "{text}");
        }
        let left_to_serde_json = [
            "",
            "[1,]",
            "{\"a\": 1,}",
            "[01]",
            "[1.]",
            "[-]",
            "[\"\\ud800\"]",
            "[\"\\x\"]",
            "[\"a\u{1}\"]",
            "[1] [2]",
            "[tru]",
            "{\"a\" 1}",
            "[1, 2",
        ];
        for text in left_to_serde_json {
            assert!(read(text, &Interner::default()).is_none(), "{text}");
        }
        // Deeper than the reader goes, still within serde_json's limit.
        let deep = format!("{}{}", "[".repeat(110), "]".repeat(110));
        assert!(read(&deep, &Interner::default()).is_none());
        assert!(parse_json_with_serde(&deep).is_ok());
        // Numbers serde_json reads: the reader hands them over and goes on.
        let mixed =
            "[1e2, -0, 1234567890123456789, 18446744073709551616, 0.1e1, 1.1234567890123456, 2]";
        let fast = read(mixed, &Interner::default()).expect(mixed);
        let (slow, _) = parse_json_with_serde(mixed).unwrap();
        assert!(same_bits(&fast, &slow));
    }

    fn same_bits(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Str(x), Value::Str(y)) => x == y,
            (Value::List(x), Value::List(y)) => {
                x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same_bits(a, b))
            }
            (Value::Dict(x), Value::Dict(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(y.iter())
                        .all(|((k, a), (l, b))| k == l && same_bits(a, b))
            }
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Null, Value::Null) => true,
            _ => false,
        }
    }

    /// The special characters are found wherever they are in a word, after any bytes.
    #[test]
    fn specials_in_every_place() {
        for len in 0..20 {
            for special in [b'"', b'\\', b'\n', 0u8] {
                for filler in [b'a', 0xC3, b'~', b' '] {
                    let mut bytes = vec![filler; len];
                    bytes.push(special);
                    bytes.extend_from_slice(b"\"xyz");
                    assert_eq!(next_special(&bytes, 0), len);
                }
            }
            assert_eq!(next_special(&vec![b'a'; len], 0), len);
        }
    }
}
