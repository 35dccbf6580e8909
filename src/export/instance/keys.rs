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
