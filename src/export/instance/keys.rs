//! The items of an embedded relation and their identity, the values of their key attributes;
//! two items of one relation with the same key are a problem in any set.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use super::paths::{child, render_path, Pointer, Seg};
use super::wording::preview;
use super::{Members, Problem};
use crate::diagnostics::codes;
use crate::export::{EmbeddedEntity, ServiceEntity};

/// The identity of an item: its key attribute values (JSON text), `None` when the relation has
/// no key attributes or the item lacks one.
pub(super) fn key_of(e: &EmbeddedEntity, item: &Map<String, Json>) -> Option<String> {
    let keys = e.key_attributes.as_ref()?;
    let values: Option<Vec<String>> = keys
        .iter()
        .map(|k| {
            item.get(k)
                .map(|v| serde_json::to_string(v).unwrap_or_default())
        })
        .collect();
    values.map(|v| v.join("\u{0}"))
}

/// The items of an embedded relation in a set: each object with its pointer (an object for an
/// upper limit of 1, the objects of an array otherwise; other values are the schema's concern).
pub(super) fn items<'v>(
    value: Option<&'v Json>,
    pointer: &[Seg],
) -> Vec<(Pointer, &'v Map<String, Json>)> {
    match value {
        Some(Json::Object(o)) => vec![(pointer.to_vec(), o)],
        Some(Json::Array(a)) => a
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_object().map(|o| (child(pointer, Seg::Index(i)), o)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Two items of one embedded relation with the same key attribute values (at any depth).
pub(super) fn duplicates(
    entity: &ServiceEntity,
    root: &Json,
    members: Members,
    map: &Map<String, Json>,
    pointer: &mut Pointer,
    out: &mut Vec<Problem>,
) {
    for e in members.embedded {
        let here = child(pointer, Seg::Key(e.name.clone()));
        let found = items(map.get(&e.name), &here);
        if matches!(map.get(&e.name), Some(Json::Array(_)))
            && e.key_attributes.as_ref().is_some_and(|k| !k.is_empty())
        {
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (p, item) in &found {
                let Some(Seg::Index(i)) = p.last() else {
                    continue;
                };
                let Some(key) = key_of(e, item) else {
                    continue;
                };
                if let Some(first) = seen.get(&key) {
                    let keys = e.key_attributes.clone().unwrap_or_default();
                    let values: Vec<String> = keys
                        .iter()
                        .map(|k| format!("{k}={}", preview(&item[k])))
                        .collect();
                    out.push(Problem {
                        code: codes::INSTANCE_DUPLICATE_KEY,
                        pointer: p.clone(),
                        at_key: false,
                        old_pointer: None,
                        path: render_path(entity, root, p),
                        message: format!(
                            "items {first} and {i} of `{}` have the same key ({}): the key attributes of `{}` ({}) identify an item, so they must differ",
                            e.name,
                            values.join(", "),
                            e.type_,
                            keys.join(", ")
                        ),
                        label: format!("same key as item {first}"),
                    });
                } else {
                    seen.insert(key, *i);
                }
            }
        }
        for (mut p, item) in found {
            duplicates(entity, root, members.embedded(e), item, &mut p, out);
        }
    }
}

/// Whether two items of one embedded relation (at any depth) may have the same key, read from
/// the model values of a set without converting them: `false` only when no two can, so that a
/// set whose schema verdict is clean needs no closer look. Large lists and keys that are not
/// plain values are left to [`duplicates`].
pub(super) fn may_have_duplicates(members: Members, set: &crate::eval::value::Value) -> bool {
    use crate::eval::value::Value;
    /// Beyond this many items, pairs cost more than the closer look.
    const PAIRS_UP_TO: usize = 32;
    let Value::Dict(map) = set else {
        return false;
    };
    for e in members.embedded {
        let Some((_, value)) = map.iter().find(|(k, _)| k.as_str() == e.name) else {
            continue;
        };
        let items: &[Value] = match value {
            Value::List(items) => items,
            Value::Dict(_) => std::slice::from_ref(value),
            _ => continue,
        };
        let keys = e.key_attributes.as_deref().unwrap_or_default();
        if matches!(value, Value::List(_)) && !keys.is_empty() && items.len() > 1 {
            if items.len() > PAIRS_UP_TO {
                return true;
            }
            fn key<'v>(keys: &[String], item: &'v Value) -> Option<Vec<Option<&'v Value>>> {
                match item {
                    Value::Dict(_) => Some(keys.iter().map(|k| item.dict_get(k)).collect()),
                    _ => None,
                }
            }
            for (i, a) in items.iter().enumerate() {
                let Some(ka) = key(keys, a) else { continue };
                if ka.contains(&None) {
                    continue;
                }
                for b in &items[i + 1..] {
                    let Some(kb) = key(keys, b) else { continue };
                    let same = ka.iter().zip(&kb).all(|(x, y)| match (x, y) {
                        (Some(x), Some(y)) => same_plain_value(x, y),
                        _ => false,
                    });
                    if same {
                        return true;
                    }
                }
            }
        }
        if items
            .iter()
            .any(|item| may_have_duplicates(members.embedded(e), item))
        {
            return true;
        }
    }
    false
}

/// Whether two key values may be the same JSON (as [`key_of`] compares them): lists and dicts
/// count as the same, to be looked at closely.
fn same_plain_value(a: &crate::eval::value::Value, b: &crate::eval::value::Value) -> bool {
    use crate::eval::value::Value;
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        (Value::List(_) | Value::Dict(_), _) | (_, Value::List(_) | Value::Dict(_)) => true,
        _ => false,
    }
}
