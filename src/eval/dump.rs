//! The instance dump: every instance as canonical JSON, exactly as the reference's
//! `dump_model.py` writes it, so that results compare after JSON normalisation.
//!
//! Types sorted by full name; per type, its own instances (not its subtypes') sorted by the
//! `json.dumps(sort_keys=True)` text of their non-relation attributes, then by where they were
//! constructed; relations as `Type[i]` labels (a sorted list for upper arity above 1, or null).

use std::collections::{BTreeMap, HashMap};

use super::cells::Shape;
use std::rc::Rc;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::value::{InstanceId, Value};
use super::Runtime;
use crate::python::{write_json_string, write_python_json};

const SKIP: [&str; 3] = ["self", "requires", "provides"];

/// A value as JSON; instances through `label`.
pub fn to_json(
    value: &Value,
    label: &dyn Fn(InstanceId) -> serde_json::Value,
) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::List(items) => {
            serde_json::Value::Array(items.iter().map(|v| to_json(v, label)).collect())
        }
        Value::Dict(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(v, label)))
                .collect(),
        ),
        Value::Instance(i) => label(*i),
        Value::Unknown => serde_json::Value::String("<unknown>".into()),
    }
}

/// Named values in name order, written as a JSON object.
type Fields = Vec<(Rc<str>, serde_json::Value)>;

/// One instance in the dump: its sort key, where it was made, itself, and its attributes.
type Row = (String, String, InstanceId, Fields);

/// The dump: per type (by name), its instances in dump order. Serialized as the reference's
/// `dump_model.py` writes it (`serde_json::to_string_pretty` gives its text).
pub struct Dump {
    types: Vec<(String, Vec<DumpedInstance>)>,
}

struct DumpedInstance {
    attributes: Fields,
    relations: Fields,
}

struct Object<'a>(&'a Fields);

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(&**name, value)?;
        }
        map.end()
    }
}

impl Serialize for DumpedInstance {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("attributes", &Object(&self.attributes))?;
        map.serialize_entry("relations", &Object(&self.relations))?;
        map.end()
    }
}

impl Serialize for Dump {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.types.len()))?;
        for (name, instances) in &self.types {
            map.serialize_entry(name, instances)?;
        }
        map.end()
    }
}

/// `json.dumps(sort_keys=True)` of fields already in name order.
fn python_json_fields(fields: &Fields) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_json_string(name, &mut out);
        out.push_str(": ");
        write_python_json(value, &mut out);
    }
    out.push('}');
    out
}

/// The slots of an entity the dump shows, by name: attributes or relations.
fn dumped_slots(
    rt: &mut Runtime<'_>,
    entity: crate::resolve::EntityId,
    relations: bool,
) -> Vec<(usize, Rc<str>)> {
    let layout = rt.layout(entity);
    let mut names: Vec<(usize, Rc<str>)> = layout
        .slots
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            (if relations {
                s.relation.is_some()
            } else {
                s.attribute.is_some()
            }) && !SKIP.contains(&&*s.name)
        })
        .map(|(i, s)| (i, s.name.clone()))
        .collect();
    names.sort_by(|a, b| a.1.cmp(&b.1));
    names
}

/// The dump of a finished run; `config_only` keeps the types of `main.cf` (`__config__`).
pub fn dump(rt: &mut Runtime<'_>, config_only: bool) -> Dump {
    let model = rt.model;
    let mut by_type: BTreeMap<String, Vec<InstanceId>> = BTreeMap::new();
    for (i, instance) in rt.instances.iter().enumerate() {
        let name = &model.entity(instance.entity).full_name;
        if config_only && !name.starts_with("__config__::") {
            continue;
        }
        by_type
            .entry(name.clone())
            .or_default()
            .push(InstanceId(i as u32));
    }
    // Per entity, once: its attribute slots and its relation slots, sorted by name.
    type Slots = Vec<(usize, Rc<str>)>;
    let mut slots: HashMap<crate::resolve::EntityId, (Slots, Slots)> = HashMap::new();
    let mut rows: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for (name, instances) in &by_type {
        let mut out = Vec::new();
        for &id in instances {
            let entity = rt.instances[id.0 as usize].entity;
            slots.entry(entity).or_insert_with(|| {
                (
                    dumped_slots(rt, entity, false),
                    dumped_slots(rt, entity, true),
                )
            });
            let mut attributes = Fields::new();
            for (slot, attr) in &slots[&entity].0 {
                let cell = &rt.cells[rt.instances[id.0 as usize].cell(*slot).0 as usize];
                let value = to_json(cell.value.as_ref().unwrap_or(&Value::Null), &|_| {
                    serde_json::Value::String("<instance>".into())
                });
                attributes.push((attr.clone(), value));
            }
            let key = python_json_fields(&attributes);
            let locations: Vec<String> = rt.instances[id.0 as usize]
                .locations
                .iter()
                .map(|s| rt.location_text(*s))
                .collect();
            out.push((key, locations.join(","), id, attributes));
        }
        out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        rows.insert(name.clone(), out);
    }
    let mut labels: Vec<Option<String>> = vec![None; rt.instances.len()];
    for (name, list) in &rows {
        for (i, row) in list.iter().enumerate() {
            labels[row.2 .0 as usize] = Some(format!("{name}[{i}]"));
        }
    }
    let label = |i: InstanceId| -> serde_json::Value {
        serde_json::Value::String(labels[i.0 as usize].clone().unwrap_or_else(|| {
            format!(
                "{}[?]",
                model.entity(rt.instances[i.0 as usize].entity).full_name
            )
        }))
    };
    let mut types = Vec::new();
    for (name, list) in rows {
        let mut out = Vec::new();
        for (_, _, id, attributes) in list {
            let entity = rt.instances[id.0 as usize].entity;
            let mut relations = Fields::new();
            for (slot, rel) in &slots[&entity].1 {
                let cell = &rt.cells[rt.instances[id.0 as usize].cell(*slot).0 as usize];
                let value = match cell.shape {
                    Shape::Multi => {
                        let mut items: Vec<serde_json::Value> =
                            cell.items().iter().map(|v| to_json(v, &label)).collect();
                        items
                            .sort_by(|a, b| a.as_str().unwrap_or("").cmp(b.as_str().unwrap_or("")));
                        serde_json::Value::Array(items)
                    }
                    _ => to_json(cell.value.as_ref().unwrap_or(&Value::Null), &label),
                };
                relations.push((rel.clone(), value));
            }
            out.push(DumpedInstance {
                attributes,
                relations,
            });
        }
        types.push((name, out));
    }
    Dump { types }
}
