//! The instance dump: every instance as canonical JSON, exactly as the reference's
//! `dump_model.py` writes it, so that results compare after JSON normalisation.
//!
//! Types sorted by full name; per type, its own instances (not its subtypes') sorted by the
//! `json.dumps(sort_keys=True)` text of their non-relation attributes, then by where they were
//! constructed; relations as `Type[i]` labels (a sorted list for upper arity above 1, or null).

use std::collections::{BTreeMap, HashMap};

use super::cells::Shape;
use super::value::{python_json, InstanceId, Value};
use super::Runtime;

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

/// One instance in the dump: its sort key, where it was made, itself, and its attributes.
type Row = (
    String,
    String,
    InstanceId,
    serde_json::Map<String, serde_json::Value>,
);

/// The dump of a finished run; `config_only` keeps the types of `main.cf` (`__config__`).
pub fn dump(rt: &mut Runtime<'_>, config_only: bool) -> serde_json::Value {
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
    let mut rows: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for (name, instances) in &by_type {
        let mut out = Vec::new();
        for &id in instances {
            let entity = rt.instances[id.0 as usize].entity;
            let layout = rt.layout(entity);
            let mut attributes = serde_json::Map::new();
            let mut names: Vec<(usize, &str)> = layout
                .slots
                .iter()
                .enumerate()
                .filter(|(_, s)| s.attribute.is_some() && !SKIP.contains(&&*s.name))
                .map(|(i, s)| (i, &*s.name))
                .collect();
            names.sort_by_key(|(_, n)| *n);
            for (slot, attr) in names {
                let cell = &rt.cells[rt.instances[id.0 as usize].cell(slot).0 as usize];
                let value = cell.value.clone().unwrap_or(Value::Null);
                attributes.insert(
                    attr.to_string(),
                    to_json(&value, &|_| serde_json::Value::String("<instance>".into())),
                );
            }
            let key = python_json(&serde_json::Value::Object(attributes.clone()));
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
    let mut labels: HashMap<InstanceId, String> = HashMap::new();
    for (name, list) in &rows {
        for (i, row) in list.iter().enumerate() {
            labels.insert(row.2, format!("{name}[{i}]"));
        }
    }
    let label = |i: InstanceId| -> serde_json::Value {
        serde_json::Value::String(labels.get(&i).cloned().unwrap_or_else(|| {
            format!(
                "{}[?]",
                model.entity(rt.instances[i.0 as usize].entity).full_name
            )
        }))
    };
    let mut result = serde_json::Map::new();
    for (name, list) in &rows {
        let mut out = Vec::new();
        for (_, _, id, attributes) in list {
            let entity = rt.instances[id.0 as usize].entity;
            let layout = rt.layouts[entity.index()]
                .clone()
                .expect("every instance's entity has a layout");
            let mut relations = serde_json::Map::new();
            let mut names: Vec<(usize, &str)> = layout
                .slots
                .iter()
                .enumerate()
                .filter(|(_, s)| s.relation.is_some() && !SKIP.contains(&&*s.name))
                .map(|(i, s)| (i, &*s.name))
                .collect();
            names.sort_by_key(|(_, n)| *n);
            for (slot, rel) in names {
                let cell = &rt.cells[rt.instances[id.0 as usize].cell(slot).0 as usize];
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
                relations.insert(rel.to_string(), value);
            }
            let mut entry = serde_json::Map::new();
            entry.insert(
                "attributes".into(),
                serde_json::Value::Object(attributes.clone()),
            );
            entry.insert("relations".into(), serde_json::Value::Object(relations));
            out.push(serde_json::Value::Object(entry));
        }
        result.insert(name.clone(), serde_json::Value::Array(out));
    }
    serde_json::Value::Object(result)
}
