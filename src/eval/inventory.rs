//! The service inventory: the service instances `lsm::all` reads, in the JSON shape of the LSM API
//! (an array, or `{"data": [...]}`). Problems are diagnostics that point into the inventory file.

use rustc_hash::FxHashMap as HashMap;

use super::error::{FieldProblem, InventoryError};
use super::value::{Dict, Str, Value};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};

#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub records: Vec<Record>,
    /// Index of `records` by instance id, made on first use (most models never look one up).
    by_id: std::cell::OnceCell<HashMap<Str, u32>>,
    /// Indexes of `records` by service entity name, in file order, made on first use: each
    /// `lsm::all` reads the records of one service entity only.
    by_service_entity: std::cell::OnceCell<HashMap<Str, Vec<u32>>>,
    /// The strings the records share (keys, short values): a model's string literals use the
    /// same ones, so that `attributes["name"]` finds its key by address.
    pub shared: rustc_hash::FxHashSet<Str>,
}

/// One service instance. Attribute sets are model values (`Null` or a dict), converted once.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: Str,
    pub service_entity: Str,
    pub service_entity_version: i64,
    pub version: i64,
    pub state: Str,
    pub candidate_attributes: Value,
    pub active_attributes: Value,
    pub rollback_attributes: Value,
    pub deleted: bool,
    pub span: Span,
}

impl Record {
    pub fn attribute_set(&self, name: &str) -> &Value {
        const NULL: &Value = &Value::Null;
        match name {
            "candidate" => &self.candidate_attributes,
            "active" => &self.active_attributes,
            "rollback" => &self.rollback_attributes,
            _ => NULL,
        }
    }
}

/// The members of a record that are read.
const FIELDS: [&str; 9] = [
    "id",
    "service_entity",
    "state",
    "service_entity_version",
    "version",
    "candidate_attributes",
    "active_attributes",
    "rollback_attributes",
    "deleted",
];

/// Parses an inventory file. A broken file gives diagnostics and an empty inventory.
pub fn parse(text: &str, file: FileId) -> (Inventory, Vec<Diagnostic>) {
    let (inventory, errors) = read(text, file);
    (
        inventory,
        errors.into_iter().map(Diagnostic::from).collect(),
    )
}

fn read(text: &str, file: FileId) -> (Inventory, Vec<InventoryError>) {
    let mut errors = Vec::new();
    let whole = Span::new(file, 0, text.ceil_char_boundary(1));
    // Straight into model values: no intermediate JSON tree.
    let (parsed, shared) = match parse_json(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            // serde_json counts columns in bytes: the one it blames may be inside a character.
            let offset = text.floor_char_boundary(offset_of(text, e.line(), e.column()));
            errors.push(InventoryError::InvalidJson {
                error: e.to_string(),
                span: Span::new(file, offset, text.ceil_char_boundary(offset + 1)),
            });
            return (Inventory::default(), errors);
        }
    };
    let items = match &parsed {
        Value::List(items) => items.clone(),
        Value::Dict(_) => match parsed.dict_get("data") {
            Some(Value::List(items)) => items.clone(),
            _ => {
                errors.push(InventoryError::NoDataArray { span: whole });
                return (Inventory::default(), errors);
            }
        },
        _ => {
            errors.push(InventoryError::NotAnArray { span: whole });
            return (Inventory::default(), errors);
        }
    };
    drop(parsed);
    let mut places: Option<Vec<(usize, usize)>> = None;
    let mut place = |i: usize| -> Span {
        let places = places.get_or_insert_with(|| record_places(text, usize::MAX));
        places
            .get(i)
            .map(|(s, e)| Span::new(file, *s, *e))
            .unwrap_or(whole)
    };
    let mut records = Vec::with_capacity(items.len());
    // The index in the file of the record of each id, for repeated ids.
    let mut ids: HashMap<Str, usize> = HashMap::default();
    for (i, item) in items.iter().enumerate() {
        let Value::Dict(members) = item else {
            errors.push(InventoryError::InstanceNotObject {
                index: i,
                span: place(i),
            });
            continue;
        };
        // The members a record is read from, found in one pass over it (a lookup per member
        // would compare each name with most others).
        let mut fields: [Option<&Value>; FIELDS.len()] = [None; FIELDS.len()];
        for (name, value) in members.iter() {
            if let Some(at) = FIELDS
                .iter()
                .position(|f| f.len() == name.len() && *f == &**name)
            {
                fields[at] = Some(value);
            }
        }
        let field = |key: &str| {
            let at = FIELDS.iter().position(|f| *f == key);
            at.and_then(|at| fields[at])
        };
        let mut problems: Vec<(&'static str, FieldProblem)> = Vec::new();
        let mut string = |key: &'static str| match field(key) {
            Some(Value::Str(s)) => Some(s.clone()),
            Some(_) => {
                problems.push((key, FieldProblem::NotString));
                None
            }
            None => {
                problems.push((key, FieldProblem::Missing));
                None
            }
        };
        let id = string("id");
        let service_entity = string("service_entity");
        let state = string("state");
        let mut integer = |key: &'static str, default: i64| match field(key) {
            None | Some(Value::Null) => Some(default),
            Some(Value::Int(n)) => Some(*n),
            Some(_) => {
                problems.push((key, FieldProblem::NotInteger));
                None
            }
        };
        let service_entity_version = integer("service_entity_version", 0);
        let version = integer("version", 1);
        let mut set = |key: &'static str| match field(key) {
            None | Some(Value::Null) => Some(Value::Null),
            Some(v @ Value::Dict(_)) => Some(v.clone()),
            Some(_) => {
                problems.push((key, FieldProblem::NotObjectOrNull));
                None
            }
        };
        let candidate = set("candidate_attributes");
        let active = set("active_attributes");
        let rollback = set("rollback_attributes");
        let deleted = match field("deleted") {
            None | Some(Value::Null) => Some(false),
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                problems.push(("deleted", FieldProblem::NotBool));
                None
            }
        };
        if !problems.is_empty() {
            let span = place(i);
            for (key, problem) in problems {
                errors.push(InventoryError::Field {
                    index: i,
                    key,
                    problem,
                    span,
                });
            }
            continue;
        }
        if let (
            Some(id),
            Some(service_entity),
            Some(state),
            Some(sev),
            Some(version),
            Some(c),
            Some(a),
            Some(r),
            Some(deleted),
        ) = (
            id,
            service_entity,
            state,
            service_entity_version,
            version,
            candidate,
            active,
            rollback,
            deleted,
        ) {
            if let Some(&first_index) = ids.get(&id) {
                errors.push(InventoryError::DuplicateId {
                    id: id.to_string(),
                    index: i,
                    first_index,
                    span: place(i),
                    first: place(first_index),
                });
                continue;
            }
            ids.insert(id.clone(), i);
            records.push(Record {
                id,
                service_entity,
                service_entity_version: sev,
                version,
                state,
                candidate_attributes: c,
                active_attributes: a,
                rollback_attributes: r,
                deleted,
                span: whole,
            });
        }
    }
    (
        Inventory {
            records,
            by_id: Default::default(),
            by_service_entity: Default::default(),
            shared,
        },
        errors,
    )
}

impl Inventory {
    /// The record of a service instance, by id.
    pub fn record(&self, id: &str) -> Option<&Record> {
        let by_id = self.by_id.get_or_init(|| {
            let mut by_id = HashMap::default();
            for (i, r) in self.records.iter().enumerate() {
                // Ids are unique: `read` refuses a repeated one.
                by_id.insert(r.id.clone(), i as u32);
            }
            by_id
        });
        by_id.get(id).map(|&i| &self.records[i as usize])
    }

    /// The records of a service entity, in file order.
    pub fn records_of<'a>(&'a self, service_entity: &str) -> impl Iterator<Item = &'a Record> {
        let groups = self.by_service_entity.get_or_init(|| {
            let mut groups: HashMap<Str, Vec<u32>> = HashMap::default();
            for (i, r) in self.records.iter().enumerate() {
                groups
                    .entry(r.service_entity.clone())
                    .or_default()
                    .push(i as u32);
            }
            groups
        });
        groups
            .get(service_entity)
            .map_or(&[][..], |v| &v[..])
            .iter()
            .map(|&i| &self.records[i as usize])
    }
}

/// Strings that repeat across the records of an inventory (every key, short values such as
/// states and names of ports) are shared rather than allocated once per record.
///
/// In front of the table, a small cache of fingerprints finds a key or a short value met before
/// without hashing it. It also holds the stacks that lists and dicts are read into before they
/// are moved into a list of their exact size (rather than grown one element at a time).
struct Interner {
    strings: std::cell::RefCell<rustc_hash::FxHashSet<Str>>,
    keys: std::cell::RefCell<Vec<Slot>>,
    values: std::cell::RefCell<Vec<Slot>>,
    items: std::cell::RefCell<Vec<Value>>,
    entries: std::cell::RefCell<Vec<(Str, Value)>>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner {
            strings: Default::default(),
            keys: std::cell::RefCell::new(vec![Slot::default(); Self::KEY_SLOTS]),
            values: std::cell::RefCell::new(vec![Slot::default(); Self::VALUE_SLOTS]),
            items: Default::default(),
            entries: Default::default(),
        }
    }
}

impl Interner {
    /// Values longer than this are mostly unique (ids, descriptions): not worth a table entry.
    const SHORT_VALUE: usize = 12;
    const MAX_SHARED: usize = 4096;
    const KEY_SLOTS: usize = 256;
    const VALUE_SLOTS: usize = 1024;

    /// A key: always shared.
    fn get(&self, text: &str) -> Str {
        self.share(text, usize::MAX)
    }

    /// [`Interner::get`], through the cache.
    fn key(&self, text: &str) -> Str {
        let Some(fingerprint) = Fingerprint::of(text.as_bytes()) else {
            return self.get(text);
        };
        let mut keys = self.keys.borrow_mut();
        let slot = &mut keys[fingerprint.index(Self::KEY_SLOTS)];
        if let Some(shared) = fingerprint.found(slot) {
            return shared;
        }
        let shared = self.get(text);
        fingerprint.fill(slot, shared.clone());
        shared
    }

    /// A string value: shared when short. Values that repeat show up early; past a few thousand
    /// entries the table would mostly gather unique ones (names, addresses) and stop fitting in
    /// the cache.
    fn value(&self, text: &str) -> Str {
        if text.len() > Self::SHORT_VALUE {
            return Str::from(text);
        }
        let Some(fingerprint) = Fingerprint::of(text.as_bytes()) else {
            return self.share(text, Self::MAX_SHARED);
        };
        let mut values = self.values.borrow_mut();
        let slot = &mut values[fingerprint.index(Self::VALUE_SLOTS)];
        if let Some(shared) = fingerprint.found(slot) {
            return shared;
        }
        let (value, shared) = self.share_or_not(text, Self::MAX_SHARED);
        // Only a string of the table is handed out again.
        if shared {
            fingerprint.fill(slot, value.clone());
        }
        value
    }

    /// The shared string of `text`, added to the table while it has fewer than `limit` entries.
    fn share(&self, text: &str, limit: usize) -> Str {
        self.share_or_not(text, limit).0
    }

    /// [`Interner::share`], and whether the string is the table's.
    fn share_or_not(&self, text: &str, limit: usize) -> (Str, bool) {
        let mut strings = self.strings.borrow_mut();
        if let Some(shared) = strings.get(text) {
            return (shared.clone(), true);
        }
        let shared = Str::from(text);
        let kept = strings.len() < limit;
        if kept {
            strings.insert(shared.clone());
        }
        (shared, kept)
    }
}

/// A string met before: its first and last eight bytes and its length tell it apart from any
/// other of at most 16 bytes without a comparison of the bytes.
#[derive(Clone, Default)]
struct Slot {
    head: u64,
    tail: u64,
    len: usize,
    shared: Option<Str>,
}

/// What tells a string of at most 16 bytes apart: its first and last (up to) eight bytes and
/// its length.
#[derive(Clone, Copy)]
struct Fingerprint {
    head: u64,
    tail: u64,
    len: usize,
}

impl Fingerprint {
    /// `None` for a string longer than 16 bytes.
    fn of(bytes: &[u8]) -> Option<Fingerprint> {
        let len = bytes.len();
        if len > 16 {
            return None;
        }
        // Overlapping loads: the first and the last eight (or four) bytes cover the string,
        // and with its length tell it apart.
        let word =
            |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
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

/// Reads a model value straight from JSON (objects keep their key order, as Python's).
#[derive(Clone, Copy)]
struct JsonSeed<'i>(&'i Interner);

impl<'de> serde::de::DeserializeSeed<'de> for JsonSeed<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A key of a JSON object, shared through the interner: read as the text's own `&str` (a
/// `Cow<str>` would be copied into a `String` first).
#[derive(Clone, Copy)]
struct KeySeed<'i>(&'i Interner);

impl<'de> serde::de::DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Str;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Str, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeySeed<'_> {
    type Value = Str;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E>(self, v: &str) -> Result<Str, E> {
        Ok(self.0.key(v))
    }
}

impl<'de> serde::de::Visitor<'de> for JsonSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(self.0.value(v)))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let base = self.0.items.borrow().len();
        while let Some(v) = seq.next_element_seed(self)? {
            self.0.items.borrow_mut().push(v);
        }
        Ok(Value::list(self.0.items.borrow_mut().split_off(base)))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let base = self.0.entries.borrow().len();
        while let Some(k) = map.next_key_seed(KeySeed(self.0))? {
            let v = map.next_value_seed(self)?;
            let mut entries = self.0.entries.borrow_mut();
            // A repeated key keeps its first place and its last value, as Python's json does.
            // Keys are shared (one string per name): compared by address.
            match entries[base..]
                .iter_mut()
                .find(|(name, _)| Str::ptr_eq(name, &k))
            {
                Some(entry) => entry.1 = v,
                None => entries.push((k, v)),
            }
        }
        Ok(Value::Dict(Dict::from_exact(
            self.0.entries.borrow_mut().drain(base..),
        )))
    }
}

/// Parses JSON text into a model value by serde_json, sharing repeated strings.
fn parse_json(text: &str) -> serde_json::Result<(Value, rustc_hash::FxHashSet<Str>)> {
    use serde::de::DeserializeSeed;
    let interner = Interner::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = JsonSeed(&interner).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok((value, interner.strings.into_inner()))
}

/// Byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

/// Byte ranges of the elements of the inventory's array (the top level, or `data`), found by
/// scanning the text: serde_json does not keep positions.
///
/// The scan stops once it has `limit` elements.
pub fn record_places(text: &str, limit: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut places = Vec::new();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    let mut array_depth: Option<i32> = None;
    let mut start: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                if array_depth == Some(depth) && start.is_none() {
                    start = Some(i);
                }
            }
            b'[' | b'{' => {
                if b == b'[' && array_depth.is_none() {
                    array_depth = Some(depth + 1);
                } else if array_depth == Some(depth) && start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            b']' | b'}' => {
                depth -= 1;
                if array_depth == Some(depth) {
                    if let Some(s) = start.take() {
                        places.push((s, i + 1));
                    }
                }
                if array_depth == Some(depth + 1) && b == b']' {
                    if let Some(s) = start.take() {
                        places.push((s, i));
                    }
                    break;
                }
            }
            b',' if array_depth == Some(depth) => {
                if let Some(s) = start.take() {
                    places.push((s, i));
                    if places.len() >= limit {
                        break;
                    }
                }
            }
            b' ' | b'\n' | b'\r' | b'\t' => {}
            _ => {
                if array_depth == Some(depth) && start.is_none() {
                    start = Some(i);
                }
            }
        }
    }
    places
}

/// A model value read from an inventory (no instances) as JSON.
pub fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null | Value::Instance(_) | Value::Unknown => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::List(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Dict(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        ),
    }
}

/// A JSON value as a model value.
pub fn from_json(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(items) => Value::list(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::Dict(Dict::new(
            map.iter()
                .map(|(k, v)| (Str::from(k.as_str()), from_json(v)))
                .collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_places() {
        let text = r#"{"data": [{"id": "a", "service_entity": "s", "state": "up"}, {"id": 3}]}"#;
        let (inventory, diagnostics) = parse(text, FileId(0));
        assert_eq!(inventory.records.len(), 1);
        assert_eq!(diagnostics.len(), 3); // id not a string, no service_entity, no state
        let span = diagnostics[0].primary_span().unwrap();
        assert_eq!(&text[span.range()], r#"{"id": 3}"#);
    }

    /// Records by service entity keep the file's order; a repeated id is an error at the second
    /// record, which is left out.
    #[test]
    fn records_by_service_entity_and_by_id() {
        let text = r#"[{"id": "a", "service_entity": "s", "state": "up"},
                       {"id": "b", "service_entity": "t", "state": "up"},
                       {"id": "c", "service_entity": "s", "state": "up"},
                       {"id": "d", "service_entity": "t", "state": "down"},
                       {"id": "a", "service_entity": "t", "state": "down"}]"#;
        let (inventory, diagnostics) = parse(text, FileId(0));
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].message.contains("same id `a`"));
        let ids = |entity: &str| -> Vec<String> {
            inventory
                .records_of(entity)
                .map(|r| r.id.to_string())
                .collect()
        };
        assert_eq!(ids("s"), ["a", "c"]);
        assert_eq!(ids("t"), ["b", "d"]);
        assert!(ids("none").is_empty());
        let a = inventory.record("a").expect("a record with id a");
        assert_eq!((&*a.service_entity, &*a.state), ("s", "up"));
        assert!(inventory.record("z").is_none());
    }

    #[test]
    fn repeated_keys_and_shared_strings() {
        let text = r#"[{"id": "a", "service_entity": "s", "state": "up", "active_attributes": {"k": 1, "n": "x", "k": 2}},
                       {"id": "b", "service_entity": "s", "state": "up", "active_attributes": {"k": 3, "n": "x"}}]"#;
        let (inventory, diagnostics) = parse(text, FileId(0));
        assert!(diagnostics.is_empty());
        let [first, second] = &inventory.records[..] else {
            panic!("two records")
        };
        let (Value::Dict(a), Value::Dict(b)) =
            (&first.active_attributes, &second.active_attributes)
        else {
            panic!("dicts")
        };
        // A repeated key keeps its first place and its last value, as Python's json does.
        let keys: Vec<&str> = a.iter().map(|(k, _)| &**k).collect();
        assert_eq!(keys, ["k", "n"]);
        assert!(matches!(a[0].1, Value::Int(2)));
        // Keys and short values are one string for the whole inventory.
        assert!(Str::ptr_eq(&a[0].0, &b[0].0));
        let (Value::Str(x1), Value::Str(x2)) = (&a[1].1, &b[1].1) else {
            panic!("strings")
        };
        assert!(Str::ptr_eq(x1, x2));
        assert!(inventory.shared.contains("k"));
    }

    /// The values are serde_json's own, floats to the bit, with the keys and short values
    /// shared through the cache and the table.
    #[test]
    fn same_values_as_serde_json() {
        let texts = [
            r#" [1, -2, 0, 123456789012345678, -123456789012345678, true, false, null] "#,
            r#"[0.0, -0.0, -0, 0.1, 1.5, -2.25, 0.3, 99999999999999.9, 7.0000001, 1.1234567890123456]"#,
            r#"[1e2, 0.1e1, 1E-7, 1234567890123456789, 18446744073709551615, 18446744073709551616]"#,
            r#"{"a": "x", "b": {"c": [1, {"d": "e"}]}, "a": "y"}"#,
            r#"["tab\tquote\"slash\/back\\", "\u00e9\u4e2d\ud83d\ude00", "é 中 😀", ""]"#,
            r#"{"a\nb": 1, "\u0041": 2, "A": 3, "a key longer than sixteen bytes": 4}"#,
            r#"["a string longer than sixteen bytes", "twelve bytes", "thirteen byte", "x", "x"]"#,
        ];
        for text in texts {
            let (ours, _) = parse_json(text).unwrap();
            let theirs = from_json(&serde_json::from_str(text).unwrap());
            assert!(same_bits(&ours, &theirs), "{text}: {ours:?} {theirs:?}");
        }
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

    #[test]
    fn broken_json_points_at_the_error() {
        let (_, diagnostics) = parse("[\n  {\"id\": }\n]", FileId(0));
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].primary_span().unwrap().start, 11);
    }
}
