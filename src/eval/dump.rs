//! The instance dump: every instance as canonical JSON, exactly as the reference's
//! `dump_model.py` writes it, so that results compare after JSON normalisation.
//!
//! Types sorted by full name; per type, its own instances (not its subtypes') sorted by the
//! `json.dumps(sort_keys=True)` text of their non-relation attributes, then by where they were
//! constructed; relations as `Type[i]` labels (a sorted list for upper arity above 1, or null).

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::cells::Shape;

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

/// The slots of one entity the dump shows, sorted by name.
type Slots = Vec<(usize, Rc<str>)>;

/// The dump of a finished run: the order of the instances, fixed when it is made, and the run
/// they are read from when it is serialized (`serde_json::to_string_pretty` gives the text
/// `dump_model.py` writes), so that a dump of many instances is written without being held.
pub struct Dump<'r, 'm> {
    rt: &'r Runtime<'m>,
    /// Per type, by name: its instances in dump order.
    types: Vec<(String, Vec<InstanceId>)>,
    /// Per instance: its type (an index in `types`) and its place there, which make its label.
    places: Vec<Option<(u32, u32)>>,
    /// Per entity: the attribute slots and the relation slots shown.
    slots: HashMap<crate::resolve::EntityId, (Slots, Slots)>,
}

impl Dump<'_, '_> {
    /// `Type[i]`, how relations refer to an instance.
    fn label(&self, instance: InstanceId) -> serde_json::Value {
        serde_json::Value::String(match self.places[instance.0 as usize] {
            Some((t, i)) => format!("{}[{i}]", self.types[t as usize].0),
            None => format!(
                "{}[?]",
                self.rt
                    .model
                    .entity(self.rt.instances[instance.0 as usize].entity)
                    .full_name
            ),
        })
    }

    fn cell(&self, instance: InstanceId, slot: usize) -> &super::cells::Cell {
        &self.rt.cells[self.rt.instances[instance.0 as usize].cell(slot).0 as usize]
    }

    /// The value of a relation slot: a sorted list of labels, or one label or null.
    fn relation(&self, instance: InstanceId, slot: usize) -> serde_json::Value {
        let cell = self.cell(instance, slot);
        let label = |i: InstanceId| self.label(i);
        match cell.shape {
            Shape::Multi => {
                let mut items: Vec<serde_json::Value> =
                    cell.items().iter().map(|v| to_json(v, &label)).collect();
                items.sort_by(|a, b| a.as_str().unwrap_or("").cmp(b.as_str().unwrap_or("")));
                serde_json::Value::Array(items)
            }
            _ => to_json(cell.value.as_ref().unwrap_or(&Value::Null), &label),
        }
    }
}

/// An attribute's value as the dump shows it (an instance in an attribute is `<instance>`).
fn attribute_json(cell: &super::cells::Cell) -> serde_json::Value {
    to_json(cell.value.as_ref().unwrap_or(&Value::Null), &|_| {
        serde_json::Value::String("<instance>".into())
    })
}

struct Instances<'d, 'r, 'm>(&'d Dump<'r, 'm>, &'d [InstanceId]);
struct DumpedInstance<'d, 'r, 'm>(&'d Dump<'r, 'm>, InstanceId);
struct Fields<'d, 'r, 'm>(&'d Dump<'r, 'm>, InstanceId, bool);

impl Serialize for Dump<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.types.len()))?;
        for (name, instances) in &self.types {
            map.serialize_entry(name, &Instances(self, instances))?;
        }
        map.end()
    }
}

impl Serialize for Instances<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.1.iter().map(|&i| DumpedInstance(self.0, i)))
    }
}

impl Serialize for DumpedInstance<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("attributes", &Fields(self.0, self.1, false))?;
        map.serialize_entry("relations", &Fields(self.0, self.1, true))?;
        map.end()
    }
}

impl Serialize for Fields<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Fields(dump, instance, relations) = *self;
        let entity = dump.rt.instances[instance.0 as usize].entity;
        let (attributes, relation_slots) = &dump.slots[&entity];
        let slots = if relations {
            relation_slots
        } else {
            attributes
        };
        let mut map = serializer.serialize_map(Some(slots.len()))?;
        for (slot, name) in slots {
            let value = match relations {
                true => dump.relation(instance, *slot),
                false => attribute_json(dump.cell(instance, *slot)),
            };
            map.serialize_entry(&**name, &value)?;
        }
        map.end()
    }
}

/// The slots of an entity the dump shows, by name: attributes or relations.
fn dumped_slots(rt: &mut Runtime<'_>, entity: crate::resolve::EntityId, relations: bool) -> Slots {
    let layout = rt.layout(entity);
    let mut names: Slots = layout
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
pub fn dump<'r, 'm>(rt: &'r mut Runtime<'m>, config_only: bool) -> Dump<'r, 'm> {
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
    let mut slots: HashMap<crate::resolve::EntityId, (Slots, Slots)> = HashMap::new();
    for instances in by_type.values() {
        for &id in instances {
            let entity = rt.instances[id.0 as usize].entity;
            slots.entry(entity).or_insert_with(|| {
                (
                    dumped_slots(rt, entity, false),
                    dumped_slots(rt, entity, true),
                )
            });
        }
    }
    let rt: &'r Runtime<'m> = rt;
    let mut types = Vec::new();
    let mut places = vec![None; rt.instances.len()];
    for (name, instances) in by_type {
        // The sort key: the `json.dumps(sort_keys=True)` text of the attributes (slots are in
        // name order), then where the instance was made.
        let mut keyed: Vec<(String, String, InstanceId)> = instances
            .into_iter()
            .map(|id| {
                let entity = rt.instances[id.0 as usize].entity;
                let mut key = String::from("{");
                for (n, (slot, attribute)) in slots[&entity].0.iter().enumerate() {
                    if n > 0 {
                        key.push_str(", ");
                    }
                    write_json_string(attribute, &mut key);
                    key.push_str(": ");
                    let cell = &rt.cells[rt.instances[id.0 as usize].cell(*slot).0 as usize];
                    write_python_json(&attribute_json(cell), &mut key);
                }
                key.push('}');
                let locations: Vec<String> = rt.instances[id.0 as usize]
                    .locations
                    .iter()
                    .map(|s| rt.location_text(*s))
                    .collect();
                (key, locations.join(","), id)
            })
            .collect();
        keyed.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let t = types.len() as u32;
        for (i, (_, _, id)) in keyed.iter().enumerate() {
            places[id.0 as usize] = Some((t, i as u32));
        }
        types.push((name, keyed.into_iter().map(|(_, _, id)| id).collect()));
    }
    Dump {
        rt,
        types,
        places,
        slots,
    }
}
