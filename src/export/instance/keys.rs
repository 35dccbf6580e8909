//! The items of an embedded relation and their identity, the values of their key attributes;
//! two items of one relation with the same key are a problem in any set.

use std::collections::HashMap;

use jsonschema::json::{Array, Json, JsonNumber, Node, Object};
use serde_json::{Map, Value as JsonValue};
use smallvec::SmallVec;

use super::paths::{child, render_path, Pointer, Seg};
use super::wording::preview;
use super::{Members, Problem};
use crate::diagnostics::codes;
use crate::export::{EmbeddedEntity, ServiceEntity};

/// The identity of an item: its key attribute values (JSON text), `None` when the relation has
/// no key attributes or the item lacks one.
pub(super) fn key_of(e: &EmbeddedEntity, item: &Map<String, JsonValue>) -> Option<String> {
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
    value: Option<&'v JsonValue>,
    pointer: &[Seg],
) -> Vec<(Pointer, &'v Map<String, JsonValue>)> {
    match value {
        Some(JsonValue::Object(o)) => vec![(pointer.to_vec(), o)],
        Some(JsonValue::Array(a)) => a
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
    root: &JsonValue,
    members: Members,
    map: &Map<String, JsonValue>,
    pointer: &mut Pointer,
    out: &mut Vec<Problem>,
) {
    for e in members.embedded {
        let here = child(pointer, Seg::Key(e.name.clone()));
        let found = items(map.get(&e.name), &here);
        if matches!(map.get(&e.name), Some(JsonValue::Array(_)))
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
/// a set in the representation `F` without converting it: `false` only when no two can, so that
/// a set whose schema verdict is clean needs no closer look. Large lists and keys that are not
/// plain values are left to [`duplicates`].
pub(super) fn may_have_duplicates<'a, F: Json>(members: Members, set: F::Node<'a>) -> bool {
    /// Beyond this many items, pairs cost more than the closer look.
    const PAIRS_UP_TO: usize = 32;
    let Some(map) = set.as_object() else {
        return false;
    };
    for e in members.embedded {
        let Some((_, value)) = map.members().find(|(k, _)| k.as_ref() == e.name) else {
            continue;
        };
        // On the stack: this runs for every record of an inventory.
        let items: SmallVec<[F::Node<'a>; 8]> = match value.as_array() {
            Some(items) => items.elements().collect(),
            None if value.as_object().is_some() => smallvec::smallvec![value.clone()],
            None => continue,
        };
        let keys = e.key_attributes.as_deref().unwrap_or_default();
        if value.as_array().is_some() && !keys.is_empty() && items.len() > 1 {
            if items.len() > PAIRS_UP_TO {
                return true;
            }
            let key = |item: &F::Node<'a>| -> Option<SmallVec<[F::Node<'a>; 2]>> {
                let object = item.as_object()?;
                keys.iter()
                    .map(|k| {
                        object
                            .members()
                            .find(|(m, _)| m.as_ref() == k)
                            .map(|(_, v)| v)
                    })
                    .collect()
            };
            let found: SmallVec<[SmallVec<[F::Node<'a>; 2]>; 8]> =
                items.iter().filter_map(key).collect();
            for (i, a) in found.iter().enumerate() {
                for b in &found[i + 1..] {
                    if a.iter().zip(b).all(|(x, y)| may_be_same::<F>(x, y)) {
                        return true;
                    }
                }
            }
        }
        if items
            .into_iter()
            .any(|item| may_have_duplicates::<F>(members.embedded(e), item))
        {
            return true;
        }
    }
    false
}

/// Whether two key values may be the same JSON (as [`key_of`] compares them): numbers equal in
/// value, lists and objects, count as the same, to be looked at closely.
fn may_be_same<'a, F: Json>(a: &F::Node<'a>, b: &F::Node<'a>) -> bool {
    if a.json_type() != b.json_type() {
        return false;
    }
    if let (Some(x), Some(y)) = (a.as_string(), b.as_string()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_boolean(), b.as_boolean()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_number(), b.as_number()) {
        return x.as_f64() == y.as_f64();
    }
    true
}
