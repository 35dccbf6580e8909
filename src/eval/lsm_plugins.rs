//! The `lsm` plugins: `lsm::all` over the inventory (with attribute-set selection by lifecycle
//! state and `_added` / `_removed` tracking of embedded entities), `get_service_binding_version`,
//! `is_purged`, `render_dot`, `format` and the allocators, as `../shared/spec/lsm-module.md` fixes
//! them.

use std::rc::Rc;

use super::cells::CellKind;
use super::error::EvalError;
use super::flow::{Flow, R};
use super::inventory::{from_json, to_json};
use super::plugin_args::{bind, Arg, Args};
use super::value::{InstanceId, Str, Value};
use super::Runtime;
use crate::resolve::EntityId;

// The lsm plugins, as `plugins::run_native` dispatches them; `fail` makes the call's
// `PluginException`.

pub(super) fn get_service_binding_version(
    rt: &mut Runtime<'_>,
    args: &Args,
    fail: &dyn Fn(String) -> Flow,
) -> R<Value> {
    bind!(args, LsmGetServiceBindingVersion: binding, version);
    let Some(Value::Instance(binding)) = binding.value.cloned() else {
        return Err(fail("binding must be an lsm::ServiceBinding".into()));
    };
    let wanted = version.value.cloned().unwrap_or(Value::Null);
    for version in versions(rt, binding)? {
        if attribute(rt, version, "version")? == wanted {
            return Ok(Value::Instance(version));
        }
    }
    let name = attribute(rt, binding, "service_entity_name")?;
    Err(fail(format!(
        "service binding {} has no version {}",
        rt.str_of(&name),
        rt.str_of(&wanted)
    )))
}

pub(super) fn render_dot(rt: &mut Runtime<'_>, args: &Args) -> R<Value> {
    bind!(args, LsmRenderDot: fsm);
    // The drawing is made by the caller (writing files is not the library's business).
    if let Some(Value::Instance(fsm)) = fsm.value.cloned() {
        if let Value::Str(name) = attribute(rt, fsm, "name")? {
            if !rt.rendered.iter().any(|n| **n == *name) {
                rt.rendered.push(name.to_string());
            }
        }
    }
    Ok(Value::Null)
}

pub(super) fn is_purged(rt: &mut Runtime<'_>, args: &Args) -> R<Value> {
    bind!(args, LsmIsPurged: lifecycle, instance_id);
    let Some(Value::Str(id)) = instance_id.value.cloned() else {
        return Ok(Value::Bool(false));
    };
    let Some(Value::Instance(lifecycle)) = lifecycle.value.cloned() else {
        return Ok(Value::Bool(false));
    };
    let inventory = rt.options.inventory.clone();
    let record = inventory.as_ref().and_then(|inv| inv.record(&id).cloned());
    let Some(record) = record else {
        return Ok(Value::Bool(false));
    };
    match state(rt, lifecycle, &record.state)? {
        Some(s) => Ok(Value::Bool(
            attribute(rt, s, "purge_resources")? == Value::Bool(true),
        )),
        None => Ok(Value::Bool(false)),
    }
}

pub(super) fn format(rt: &mut Runtime<'_>, args: &Args, fail: &dyn Fn(String) -> Flow) -> R<Value> {
    bind!(args, LsmFormat: fmt, args, kwargs);
    let Some(Value::Str(fmt)) = fmt.value.cloned() else {
        return Err(fail(
            "lsm::format: cannot format: fmt is not a string".into(),
        ));
    };
    let mut values = Vec::new();
    if let Some(Value::List(items)) = args.value {
        for (i, v) in items.iter().enumerate() {
            values.push((i.to_string(), v.clone()));
        }
    }
    if let Some(Value::Dict(entries)) = kwargs.value {
        values.extend(entries.iter().map(|(k, v)| (k.to_string(), v.clone())));
    }
    super::format::format_python(rt, &fmt, &values)
        .map(|s| Value::str(&s))
        .map_err(|m| {
            fail(format!(
                "lsm::format: cannot format {}: {m}",
                super::value::string_repr(&fmt)
            ))
        })
}

pub(super) fn get_used_values(
    rt: &mut Runtime<'_>,
    args: &Args,
    fail: &dyn Fn(String) -> Flow,
) -> R<Value> {
    bind!(args, LsmAllocatorsGetUsedValues: binding, attribute_path);
    let Some(Value::Instance(binding)) = binding.value.cloned() else {
        return Err(fail("binding must be a service binding".into()));
    };
    let Some(Value::Str(path)) = attribute_path.value.cloned() else {
        return Err(fail("attribute_path must be a string".into()));
    };
    used_values(rt, binding, &path)
}

pub(super) fn get_first_free_integer(
    rt: &mut Runtime<'_>,
    args: &Args,
    fail: &dyn Fn(String) -> Flow,
) -> R<Value> {
    bind!(args, LsmAllocatorsGetFirstFreeInteger:
        service, attribute_path, range_start, range_end, used_values);
    let Some(Value::Str(path)) = attribute_path.value.cloned() else {
        return Err(fail("attribute_path must be a string".into()));
    };
    if let Some(Value::Instance(service)) = service.value.cloned() {
        if let Some(v) = allocated(rt, service, &path)? {
            return Ok(v);
        }
    }
    let bound = |arg: Arg<'_>| match arg.value {
        Some(Value::Int(i)) => Ok(*i),
        _ => Err(fail(format!("{} must be an int", arg.name))),
    };
    let (start, end) = (bound(range_start)?, bound(range_end)?);
    let used: Vec<i64> = match used_values.value {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::Int(i) => Some(*i),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    match (start..=end).find(|n| !used.contains(n)) {
        Some(n) => Ok(Value::Int(n)),
        None => Err(fail(format!(
            "no free integer left in range [{start}, {end}] for {path}"
        ))),
    }
}

/// The element at a dict path (`a.b`, `items[name=x].value`) of a value; `None` when absent.
fn at_path(value: &Value, path: &str) -> Option<Value> {
    let mut current = value.clone();
    for segment in path.split('.') {
        let (name, selector) = match segment.split_once('[') {
            Some((n, rest)) => (n, Some(rest.trim_end_matches(']'))),
            None => (segment, None),
        };
        current = current.dict_get(name)?.clone();
        if let Some(selector) = selector {
            let (k, v) = selector.split_once('=')?;
            let Value::List(items) = &current else {
                return None;
            };
            current = items
                .iter()
                .find(|item| match item.dict_get(k) {
                    Some(Value::Str(s)) => &**s == v,
                    Some(other) => format!("{other:?}").contains(v),
                    None => false,
                })?
                .clone();
        }
    }
    (!current.is_null()).then_some(current)
}

/// The attribute set `lsm::all` uses for an instance in this compile: (current, record).
fn current_set(
    rt: &mut Runtime<'_>,
    lifecycle: InstanceId,
    record: &super::inventory::Record,
) -> R<Option<Value>> {
    let Some(state) = state(rt, lifecycle, &record.state)? else {
        return Ok(None);
    };
    let validate = rt.options.validate.clone().filter(|v| !v.trim().is_empty());
    let set = match validate {
        None => {
            if attribute(rt, state, "export_resources")? != Value::Bool(true) {
                return Ok(None);
            }
            Value::str("active")
        }
        Some(v) if *v.trim() == *record.id => attribute(rt, state, "validate_self")?,
        Some(_) => attribute(rt, state, "validate_others")?,
    };
    Ok(match set {
        Value::Str(name) => Some(record.attribute_set(&name).clone()),
        _ => None,
    })
}

/// An allocator's value already in the inventory for this service instance (lsm-module.md 4b.1).
fn allocated(rt: &mut Runtime<'_>, service: InstanceId, path: &str) -> R<Option<Value>> {
    let Value::Str(id) = attribute(rt, service, "instance_id")? else {
        return Ok(None);
    };
    let inventory = rt.options.inventory.clone().unwrap_or_default();
    let Some(record) = inventory.record(&id) else {
        return Ok(None);
    };
    let Value::Instance(binding) = attribute(rt, service, "entity_binding")? else {
        return Ok(None);
    };
    let Value::Instance(lifecycle) = attribute(rt, binding, "lifecycle")? else {
        return Ok(None);
    };
    Ok(current_set(rt, lifecycle, record)?.and_then(|set| at_path(&set, path)))
}

/// Values at a path in every live instance of a service (lsm-module.md 4b.3).
fn used_values(rt: &mut Runtime<'_>, binding: InstanceId, path: &str) -> R<Value> {
    let Value::Str(name) = attribute(rt, binding, "service_entity_name")? else {
        return Ok(Value::list(Vec::new()));
    };
    let multi_version = is_a(rt, binding, rt.model.well_known.service_binding);
    let inventory = rt.options.inventory.clone().unwrap_or_default();
    let mut out: Vec<Value> = Vec::new();
    for record in inventory.records_of(&name) {
        if record.deleted {
            continue;
        }
        let version_binding = if multi_version {
            let mut found = None;
            for v in versions(rt, binding)? {
                if attribute(rt, v, "version")? == Value::Int(record.service_entity_version) {
                    found = Some(v);
                }
            }
            match found {
                Some(v) => v,
                None => continue,
            }
        } else {
            binding
        };
        if let Value::Instance(lifecycle) = attribute(rt, version_binding, "lifecycle")? {
            if let Some(state) = state(rt, lifecycle, &record.state)? {
                if attribute(rt, state, "deleted")? == Value::Bool(true) {
                    continue;
                }
            }
        }
        for set in ["candidate", "active", "rollback"] {
            if let Some(v) = at_path(record.attribute_set(set), path) {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
        }
    }
    Ok(Value::list(out))
}

/// An attribute of an instance, waiting for it when it is not known yet.
fn attribute(rt: &mut Runtime<'_>, instance: InstanceId, name: &str) -> R<Value> {
    let cell = rt.slot(instance, name).ok_or_else(|| -> Flow {
        EvalError::PluginAttributeMissing {
            name: name.to_string(),
        }
        .into()
    })?;
    rt.read(cell)
}

fn versions(rt: &mut Runtime<'_>, binding: InstanceId) -> R<Vec<InstanceId>> {
    match attribute(rt, binding, "versions")? {
        Value::List(items) => Ok(items
            .iter()
            .filter_map(|v| match v {
                Value::Instance(i) => Some(*i),
                _ => None,
            })
            .collect()),
        Value::Instance(i) => Ok(vec![i]),
        _ => Ok(Vec::new()),
    }
}

fn is_a(rt: &Runtime<'_>, instance: InstanceId, entity: Option<EntityId>) -> bool {
    entity.is_some_and(|e| {
        rt.model
            .is_subtype(rt.instances[instance.0 as usize].entity, e)
    })
}

/// The state named `name` of a lifecycle: its initial state and the states of its transfers.
fn state(rt: &mut Runtime<'_>, lifecycle: InstanceId, name: &str) -> R<Option<InstanceId>> {
    if let Some(states) = rt.lifecycle_states.get(&lifecycle) {
        return Ok(states.get(name).copied());
    }
    let mut candidates = Vec::new();
    if let Value::Instance(s) = attribute(rt, lifecycle, "initial_state")? {
        candidates.push(s);
    }
    if let Value::List(transfers) = attribute(rt, lifecycle, "transfers")? {
        for t in transfers.iter() {
            let Value::Instance(t) = t else { continue };
            for end in ["source", "target", "error"] {
                if let Value::Instance(s) = attribute(rt, *t, end)? {
                    candidates.push(s);
                }
            }
        }
    }
    // Every state is known now: remember them all by name (the first of a name wins).
    let mut states: rustc_hash::FxHashMap<Str, InstanceId> = Default::default();
    for s in candidates {
        if let Value::Str(n) = attribute(rt, s, "name")? {
            states.entry(n).or_insert(s);
        }
    }
    let found = states.get(name).copied();
    rt.lifecycle_states.insert(lifecycle, Rc::new(states));
    Ok(found)
}

pub(super) fn all(rt: &mut Runtime<'_>, args: &Args, fail: &dyn Fn(String) -> Flow) -> R<Value> {
    bind!(args, LsmAll:
        binding, min_version, max_version, include_purged_embedded_entities, removed_attribute,
        added_attribute);
    if rt.options.no_instances {
        return Ok(Value::list(Vec::new()));
    }
    let Some(Value::Instance(binding)) = binding.value.cloned() else {
        return Err(fail("binding must be a service entity binding".into()));
    };
    let min_version = match min_version.value {
        Some(Value::Int(i)) => *i,
        _ => 0,
    };
    let max_version = match max_version.value {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    };
    let tracking = matches!(
        include_purged_embedded_entities.value,
        Some(Value::Bool(true))
    );
    let removed_key = match removed_attribute.value {
        Some(Value::Str(s)) => s.to_string(),
        _ => "_removed".into(),
    };
    let added_key = match added_attribute.value {
        Some(Value::Str(s)) => s.to_string(),
        _ => "_added".into(),
    };
    let cache_key = (
        binding,
        format!("{min_version}/{max_version:?}/{tracking}/{removed_key}/{added_key}"),
    );
    if let Some(v) = rt.lsm_cache.get(&cache_key) {
        return Ok(v.clone());
    }
    let name = match attribute(rt, binding, "service_entity_name")? {
        Value::Str(s) => s,
        other => {
            return Err(fail(format!(
                "service_entity_name is {}",
                rt.repr_of(&other)
            )))
        }
    };
    let multi_version = is_a(rt, binding, rt.model.well_known.service_binding);
    let binding_versions = if multi_version {
        let mut out = Vec::new();
        for v in versions(rt, binding)? {
            out.push((attribute(rt, v, "version")?, v));
        }
        out
    } else {
        Vec::new()
    };
    let validate = rt.options.validate.clone().filter(|v| !v.trim().is_empty());
    let inventory = rt.options.inventory.clone().unwrap_or_default();
    // The keys of every instance dict, shared by all of them.
    let keys: [Str; 9] = [
        "id",
        "service_entity",
        "service_entity_version",
        "version",
        "state",
        "attributes",
        "candidate_attributes",
        "active_attributes",
        "rollback_attributes",
    ]
    .map(Str::from);
    let mut out = Vec::new();
    let mut state_of: Vec<(InstanceId, Str, InstanceId)> = Vec::new();
    for record in inventory.records_of(&name) {
        if record.deleted {
            continue;
        }
        if record.service_entity_version < min_version
            || max_version.is_some_and(|m| record.service_entity_version > m)
        {
            continue;
        }
        let version_binding = if multi_version {
            match binding_versions.iter().find(|(v, _)| *v == Value::Int(record.service_entity_version)) {
                Some((_, b)) => *b,
                None => {
                    return Err(fail(format!(
                        "service instance {} has service_entity_version {}, which service binding {name} does not have",
                        record.id, record.service_entity_version
                    )))
                }
            }
        } else {
            binding
        };
        // Records of a binding share a few states: each is looked up once.
        let known = state_of
            .iter()
            .find(|(b, name, _)| *b == version_binding && *name == record.state)
            .map(|&(_, _, s)| s);
        let state = match known {
            Some(s) => s,
            None => {
                let Value::Instance(lifecycle) = attribute(rt, version_binding, "lifecycle")?
                else {
                    return Err(fail("the binding has no lifecycle".into()));
                };
                let Some(s) = state(rt, lifecycle, &record.state)? else {
                    let lifecycle_name = attribute(rt, lifecycle, "name")?;
                    return Err(fail(format!(
                        "service instance {} is in state '{}', which lifecycle '{}' does not have",
                        record.id,
                        record.state,
                        rt.str_of(&lifecycle_name)
                    )));
                };
                state_of.push((version_binding, record.state.clone(), s));
                s
            }
        };
        let (current, previous) = match &validate {
            None => {
                if attribute(rt, state, "export_resources")? != Value::Bool(true) {
                    continue;
                }
                (
                    Value::Str(arcstr::literal!("active")),
                    attribute(rt, state, "previous_attr_set_on_export")?,
                )
            }
            Some(v) if *v.trim() == *record.id => (
                attribute(rt, state, "validate_self")?,
                attribute(rt, state, "previous_attr_set_on_validate")?,
            ),
            Some(_) => (
                attribute(rt, state, "validate_others")?,
                attribute(rt, state, "previous_attr_set_on_export")?,
            ),
        };
        let Value::Str(current) = current else {
            continue;
        };
        let mut attributes = record.attribute_set(&current).clone();
        if tracking && matches!(attributes, Value::Dict(_)) {
            let mut json = to_json(&attributes);
            let entity_name = attribute(rt, version_binding, "service_entity")?;
            let entity = match &entity_name {
                Value::Str(n) => rt.model.entity_by_name(n),
                _ => None,
            };
            let old = match &previous {
                Value::Str(p) => to_json(record.attribute_set(p)),
                _ => serde_json::Value::Null,
            };
            if let Some(entity) = entity {
                let tracker = Tracker {
                    rt,
                    added: &added_key,
                    removed: &removed_key,
                };
                if old.is_null() {
                    tracker.flag_all(entity, &mut json, false, false);
                } else {
                    tracker.compare(entity, &mut json, &old);
                }
            }
            attributes = from_json(&json);
        }
        let [id, service_entity, service_entity_version, version, state, attributes_key, candidate, active, rollback] =
            keys.clone();
        let entry: Vec<(Str, Value)> = vec![
            (id, Value::Str(record.id.clone())),
            (service_entity, Value::Str(record.service_entity.clone())),
            (
                service_entity_version,
                Value::Int(record.service_entity_version),
            ),
            (version, Value::Int(record.version)),
            (state, Value::Str(record.state.clone())),
            (attributes_key, attributes),
            (candidate, record.candidate_attributes.clone()),
            (active, record.active_attributes.clone()),
            (rollback, record.rollback_attributes.clone()),
        ];
        out.push(Value::Dict(super::value::Dict::new(entry)));
    }
    let result = Value::list(out);
    rt.lsm_cache.insert(cache_key, result.clone());
    Ok(result)
}

/// Marks embedded entities `_added` / `_removed` by comparing two attribute sets.
struct Tracker<'a, 'r, 'm> {
    rt: &'r Runtime<'m>,
    added: &'a str,
    removed: &'a str,
}

impl Tracker<'_, '_, '_> {
    /// The embedded relations of an entity, in name order: (name, target, single).
    fn embedded(&self, entity: EntityId) -> Vec<(String, EntityId, bool)> {
        let model = self.rt.model;
        let Some(embedded) = model.well_known.embedded_entity else {
            return Vec::new();
        };
        let mut out: Vec<(String, EntityId, bool)> = model
            .all_relation_ends(entity)
            .into_iter()
            .filter_map(|end| {
                let name = end.name.clone()?;
                (!name.starts_with('_') && model.is_subtype(end.target, embedded)).then_some((
                    name,
                    end.target,
                    end.upper == Some(1),
                ))
            })
            .collect();
        out.sort();
        out
    }

    /// The key attributes of an embedded type (lsm-module.md 4.8).
    fn key_attributes(&self, entity: EntityId) -> Option<Vec<String>> {
        let model = self.rt.model;
        if let Some(a) = model.attribute(entity, "__lsm_key_attributes") {
            if let crate::resolve::Default::Value(e) = &a.default {
                if let Value::List(items) = super::types::constant(e) {
                    return Some(
                        items
                            .iter()
                            .filter_map(|v| match v {
                                Value::Str(s) => Some(s.to_string()),
                                _ => None,
                            })
                            .collect(),
                    );
                }
            }
        }
        let mut ancestors = model.ancestors(entity);
        let own = ancestors.remove(0);
        ancestors.sort_by_key(|e| model.entity(*e).full_name.clone());
        for e in std::iter::once(own).chain(ancestors) {
            for index in &model.entity(e).indexes {
                let plain: Vec<String> = index
                    .attributes
                    .iter()
                    .filter(|a| model.attribute(entity, a).is_some())
                    .cloned()
                    .collect();
                let relations_private = index
                    .attributes
                    .iter()
                    .filter(|a| model.attribute(entity, a).is_none())
                    .all(|a| a.starts_with('_'));
                if !plain.is_empty()
                    && plain.iter().all(|a| !a.starts_with('_'))
                    && relations_private
                {
                    let mut sorted = plain;
                    sorted.sort();
                    return Some(sorted);
                }
            }
        }
        None
    }

    fn identity(&self, entity: EntityId, item: &serde_json::Value) -> String {
        match self.key_attributes(entity) {
            Some(keys) => {
                let values: Vec<serde_json::Value> = keys
                    .iter()
                    .map(|k| item.get(k).cloned().unwrap_or(serde_json::Value::Null))
                    .collect();
                serde_json::Value::Array(values).to_string()
            }
            None => {
                let mut copy = item.clone();
                if let Some(map) = copy.as_object_mut() {
                    map.retain(|k, _| !k.starts_with('_'));
                }
                super::value::python_json(&copy)
            }
        }
    }

    fn flag(&self, item: &mut serde_json::Value, added: bool, removed: bool) {
        if let Some(map) = item.as_object_mut() {
            map.insert(self.added.to_string(), serde_json::Value::Bool(added));
            map.insert(self.removed.to_string(), serde_json::Value::Bool(removed));
        }
    }

    /// Flags every embedded item below `value` (not `value` itself).
    fn flag_all(
        &self,
        entity: EntityId,
        value: &mut serde_json::Value,
        added: bool,
        removed: bool,
    ) {
        for (name, target, _) in self.embedded(entity) {
            let Some(child) = value.get_mut(&name) else {
                continue;
            };
            match child {
                serde_json::Value::Array(items) => {
                    for item in items {
                        self.flag(item, added, removed);
                        self.flag_all(target, item, added, removed);
                    }
                }
                serde_json::Value::Object(_) => {
                    self.flag(child, added, removed);
                    self.flag_all(target, child, added, removed);
                }
                _ => {}
            }
        }
    }

    fn compare(
        &self,
        entity: EntityId,
        current: &mut serde_json::Value,
        previous: &serde_json::Value,
    ) {
        for (name, target, single) in self.embedded(entity) {
            let old = previous
                .get(&name)
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            let is_list =
                !single || current.get(&name).is_some_and(|v| v.is_array()) || old.is_array();
            if is_list {
                let old_items: Vec<serde_json::Value> = old.as_array().cloned().unwrap_or_default();
                let Some(map) = current.as_object_mut() else {
                    continue;
                };
                let slot = map
                    .entry(name.clone())
                    .or_insert(serde_json::Value::Array(Vec::new()));
                if slot.is_null() {
                    *slot = serde_json::Value::Array(Vec::new());
                }
                let Some(items) = slot.as_array_mut() else {
                    continue;
                };
                let mut seen = Vec::new();
                for item in items.iter_mut() {
                    let id = self.identity(target, item);
                    seen.push(id.clone());
                    match old_items.iter().find(|o| self.identity(target, o) == id) {
                        Some(o) => {
                            self.flag(item, false, false);
                            self.compare(target, item, o);
                        }
                        None => {
                            self.flag(item, true, false);
                            self.flag_all(target, item, true, false);
                        }
                    }
                }
                for o in old_items {
                    if !seen.contains(&self.identity(target, &o)) {
                        let mut copy = o.clone();
                        self.flag(&mut copy, false, true);
                        self.flag_all(target, &mut copy, false, true);
                        items.push(copy);
                    }
                }
            } else {
                let Some(map) = current.as_object_mut() else {
                    continue;
                };
                let now = map.get(&name).cloned().unwrap_or(serde_json::Value::Null);
                match (now.is_object(), old.is_object()) {
                    (true, true) => {
                        let slot = map.get_mut(&name).expect("present");
                        if self.identity(target, &now) == self.identity(target, &old) {
                            self.flag(slot, false, false);
                            self.compare(target, slot, &old);
                        } else {
                            self.flag(slot, true, false);
                            self.flag_all(target, slot, true, false);
                        }
                    }
                    (true, false) => {
                        let slot = map.get_mut(&name).expect("present");
                        self.flag(slot, true, false);
                        self.flag_all(target, slot, true, false);
                    }
                    (false, true) => {
                        let mut copy = old.clone();
                        self.flag(&mut copy, false, true);
                        self.flag_all(target, &mut copy, false, true);
                        map.insert(name.clone(), copy);
                    }
                    (false, false) => {}
                }
            }
        }
        let _ = CellKind::Single;
    }
}
