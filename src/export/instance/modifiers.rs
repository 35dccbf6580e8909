//! The attribute and relation modifiers on create and update (`../shared/spec/catalog.md` 5.2):
//! `r` values are the orchestrator's, `rw` values are fixed after creation, `rw+` ones may
//! change; the items of an embedded relation are matched with the old ones on their keys.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use super::keys::{items, key_of};
use super::paths::{child, item_label, join, render_path, Pointer, Seg};
use super::schema_eval::same_value;
use super::wording::{key_words, preview};
use super::{Members, Problem};
use crate::diagnostics::{codes, Code};
use crate::export::{Attribute, EmbeddedEntity, ServiceEntity};

pub(super) struct Walker<'c, 'o> {
    pub(super) entity: &'c ServiceEntity,
    pub(super) new_root: &'c Json,
    /// `r` values belong to the allocators (a stored set): not checked.
    pub(super) allocator: bool,
    pub(super) out: &'o mut Vec<Problem>,
}

/// The value an attribute has in a set: as given, else its default, else null.
fn effective<'v>(a: &'v Attribute, map: &'v Map<String, Json>) -> &'v Json {
    map.get(&a.name).unwrap_or(if a.default_value_set {
        &a.default_value
    } else {
        &Json::Null
    })
}

/// Whether a relation value holds anything (not absent, null or `[]`).
fn is_set(value: Option<&Json>) -> bool {
    match value {
        None | Some(Json::Null) => false,
        Some(Json::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

/// A relation value for comparison: absent is null, and an absent or null set is `[]`.
fn relation_value(value: Option<&Json>, upper: Option<i64>) -> Json {
    match value {
        None | Some(Json::Null) if upper != Some(1) => Json::Array(Vec::new()),
        None => Json::Null,
        Some(v) => v.clone(),
    }
}

/// Like [`same_value`], but arrays of objects compare as multisets (the order of embedded
/// entities and inter-service relations does not matter).
fn same_unordered(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Array(x), Json::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            let mut used = vec![false; y.len()];
            x.iter().all(|item| {
                let found = y
                    .iter()
                    .enumerate()
                    .find(|(j, other)| !used[*j] && same_unordered(item, other));
                match found {
                    Some((j, _)) => {
                        used[j] = true;
                        true
                    }
                    None => false,
                }
            })
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_unordered(v, w)))
        }
        _ => same_value(a, b),
    }
}

impl Walker<'_, '_> {
    fn push(&mut self, code: Code, pointer: Pointer, message: String, label: &str) {
        let path = render_path(self.entity, self.new_root, &pointer);
        self.out.push(Problem {
            code,
            pointer,
            at_key: false,
            old_pointer: None,
            path,
            message,
            label: label.to_string(),
        });
    }

    /// A create call (or a new item of a `rw+` relation in an update).
    pub(super) fn create(
        &mut self,
        members: Members,
        map: &Map<String, Json>,
        pointer: &mut Pointer,
    ) {
        for a in members.attributes {
            if a.modifier != "r" {
                continue;
            }
            let Some(given) = map.get(&a.name) else {
                continue;
            };
            let default = if a.default_value_set {
                &a.default_value
            } else {
                &Json::Null
            };
            if !same_value(given, default) {
                self.push(
                    codes::INSTANCE_READ_ONLY,
                    child(pointer, Seg::Key(a.name.clone())),
                    format!(
                        "`{}` is read-only (modifier `r`): only the orchestrator (an allocator) sets it, it can not be given on create",
                        a.name
                    ),
                    "read-only attribute",
                );
            }
        }
        for r in members.isrs {
            if r.modifier == "r" && is_set(map.get(&r.name)) {
                self.push(
                    codes::INSTANCE_READ_ONLY,
                    child(pointer, Seg::Key(r.name.clone())),
                    format!(
                        "`{}` is a read-only (`lsm::__r__`) inter-service relation: only the orchestrator sets it, it can not be given on create",
                        r.name
                    ),
                    "read-only relation",
                );
            }
        }
        for e in members.embedded {
            let value = map.get(&e.name);
            let here = child(pointer, Seg::Key(e.name.clone()));
            if e.modifier == "r" {
                if is_set(value) {
                    self.push(
                        codes::INSTANCE_READ_ONLY,
                        here,
                        format!(
                            "`{}` is a read-only (`lsm::__r__`) relation: only the orchestrator sets its embedded entities, they can not be given on create",
                            e.name
                        ),
                        "read-only relation",
                    );
                }
                continue;
            }
            // Legacy services enforce the top-level modifiers only.
            if members.strict {
                for (mut p, item) in items(value, &here) {
                    self.create(members.embedded(e), item, &mut p);
                }
            }
        }
    }

    /// An update of `old` by `new`.
    pub(super) fn update(
        &mut self,
        members: Members,
        new: &Map<String, Json>,
        old: &Map<String, Json>,
        pointer: &mut Pointer,
        old_pointer: &mut Pointer,
        top: bool,
    ) {
        for a in members.attributes {
            let (now, before) = (effective(a, new), effective(a, old));
            if same_value(now, before) {
                continue;
            }
            let here = child(pointer, Seg::Key(a.name.clone()));
            match a.modifier.as_str() {
                "rw" => self.push(
                    codes::INSTANCE_ATTRIBUTE_CHANGED,
                    here,
                    format!(
                        "`{}` (modifier `rw`) can not change after the instance is created: it was {}, the update sets {}; only `rw+` attributes may be updated",
                        a.name,
                        preview(before),
                        preview(now)
                    ),
                    "changed",
                ),
                "r" if !self.allocator && new.contains_key(&a.name) => self.push(
                    codes::INSTANCE_READ_ONLY,
                    here,
                    format!(
                        "`{}` is read-only (modifier `r`): only the orchestrator (an allocator) sets it; it was {}, the update sets {}",
                        a.name,
                        preview(before),
                        preview(now)
                    ),
                    "read-only attribute",
                ),
                _ => {}
            }
        }
        for r in members.isrs {
            let now = relation_value(new.get(&r.name), r.upper_limit);
            let before = relation_value(old.get(&r.name), r.upper_limit);
            if same_unordered(&now, &before) {
                continue;
            }
            let here = child(pointer, Seg::Key(r.name.clone()));
            match r.modifier.as_str() {
                "rw" => self.push(
                    codes::INSTANCE_ATTRIBUTE_CHANGED,
                    here,
                    format!(
                        "the inter-service relation `{}` (`lsm::__rw__`) can not change after the instance is created: it was {}, the update sets {}; only `lsm::__rwplus__` relations may be updated",
                        r.name,
                        preview(&before),
                        preview(&now)
                    ),
                    "changed",
                ),
                "r" if !self.allocator && new.contains_key(&r.name) => self.push(
                    codes::INSTANCE_READ_ONLY,
                    here,
                    format!(
                        "the inter-service relation `{}` is read-only (`lsm::__r__`): only the orchestrator sets it",
                        r.name
                    ),
                    "read-only relation",
                ),
                _ => {}
            }
        }
        for e in members.embedded {
            self.embedded_update(members, e, new, old, pointer, old_pointer, top);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn embedded_update(
        &mut self,
        members: Members,
        e: &EmbeddedEntity,
        new: &Map<String, Json>,
        old: &Map<String, Json>,
        pointer: &mut Pointer,
        old_pointer: &mut Pointer,
        top: bool,
    ) {
        let here = child(pointer, Seg::Key(e.name.clone()));
        let old_here = child(old_pointer, Seg::Key(e.name.clone()));
        let now = relation_value(new.get(&e.name), e.upper_limit);
        let before = relation_value(old.get(&e.name), e.upper_limit);
        if e.modifier == "r" {
            if !self.allocator && new.contains_key(&e.name) && !same_unordered(&now, &before) {
                self.push(
                    codes::INSTANCE_READ_ONLY,
                    here,
                    format!(
                        "`{}` is a read-only (`lsm::__r__`) relation: only the orchestrator sets its embedded entities, an update can not change them",
                        e.name
                    ),
                    "read-only relation",
                );
            }
            return;
        }
        if !members.strict {
            // Legacy: a `rw` relation at the top freezes its whole subtree; `rw+` allows all.
            if top && e.modifier == "rw" && !same_unordered(&now, &before) {
                self.push(
                    codes::INSTANCE_EMBEDDED_SET_CHANGED,
                    here,
                    format!(
                        "`{}` (`lsm::__rw__`) can not change after the instance is created: service `{}` does not enforce modifiers strictly (`strict_modifier_enforcement` false), so its embedded entities are fixed as a whole",
                        e.name, self.entity.name
                    ),
                    "changed",
                );
            }
            return;
        }
        let new_items = items(new.get(&e.name), &here);
        let old_items = items(old.get(&e.name), &old_here);
        if e.key_attributes.is_none() {
            if e.modifier == "rw" && !same_unordered(&now, &before) {
                self.push(
                    codes::INSTANCE_EMBEDDED_SET_CHANGED,
                    here,
                    format!(
                        "`{}` (`lsm::__rw__`) changed, and its items can not be matched with the old ones: `{}` has no key attributes",
                        e.name, e.type_
                    ),
                    "changed",
                );
            }
            return;
        }
        let mut old_by_key: HashMap<String, usize> = HashMap::new();
        for (i, (_, item)) in old_items.iter().enumerate() {
            if let Some(k) = key_of(e, item) {
                old_by_key.entry(k).or_insert(i);
            }
        }
        let mut matched = vec![false; old_items.len()];
        let inner = members.embedded(e);
        for (p, item) in &new_items {
            let found = key_of(e, item).and_then(|k| old_by_key.get(&k).copied());
            match found {
                Some(j) if !matched[j] => {
                    matched[j] = true;
                    let (op, old_item) = &old_items[j];
                    self.update(inner, item, old_item, &mut p.clone(), &mut op.clone(), false);
                }
                _ if e.modifier == "rw" => self.push(
                    codes::INSTANCE_EMBEDDED_SET_CHANGED,
                    p.clone(),
                    format!(
                        "an item was added to `{}` (`lsm::__rw__`): the embedded entities of a `rw` relation are fixed after creation (none may be added or removed; items are matched on {}); use `lsm::__rwplus__` to allow it",
                        e.name,
                        key_words(e)
                    ),
                    "added",
                ),
                _ if !self.allocator => self.create(inner, item, &mut p.clone()),
                _ => {}
            }
        }
        if e.modifier != "rw" {
            return;
        }
        for ((op, item), used) in old_items.iter().zip(&matched) {
            if *used {
                continue;
            }
            let key = match op.last() {
                Some(Seg::Index(i)) => item_label(e, Some(item), *i),
                _ => String::new(),
            };
            // Point at the relation in the new set (or at its object when it is absent).
            let pointer_new = if new.contains_key(&e.name) {
                here.clone()
            } else {
                pointer.clone()
            };
            let path = render_path(self.entity, self.new_root, &pointer_new);
            self.out.push(Problem {
                code: codes::INSTANCE_EMBEDDED_SET_CHANGED,
                pointer: pointer_new,
                at_key: false,
                old_pointer: Some(op.clone()),
                path: if new.contains_key(&e.name) {
                    path
                } else {
                    join(&path, &e.name)
                },
                message: format!(
                    "the item {}{} was removed from `{}` (`lsm::__rw__`): the embedded entities of a `rw` relation are fixed after creation (none may be added or removed; items are matched on {}); use `lsm::__rwplus__` to allow it",
                    e.name,
                    key,
                    e.name,
                    key_words(e)
                ),
                label: "an item was removed here".into(),
            });
        }
    }
}
