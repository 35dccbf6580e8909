//! The inventory record an evaluation error comes from: found only once an error ended the run,
//! from what the failing task works in (the scopes of its statement, up to the `for` loop over
//! `lsm::all` whose item is the record; the instance an implementation or a stored value
//! belongs to, by its `instance_id`), so that a run without errors pays nothing for it.

use super::error::EvalError;
use super::inventory::{Inventory, Record};
use super::value::{Str, Value};
use super::{InstanceId, Runtime, ScopeId, TaskId, Work};

/// The record whose work `task` is part of, if any.
pub(super) fn record_of_task(rt: &Runtime<'_>, task: TaskId) -> Option<Str> {
    let inventory = rt.options.inventory.as_deref()?;
    let found = match &rt.tasks[task.0 as usize].work {
        Work::Stmt(_, scope) => of_scope(rt, inventory, *scope),
        Work::Implement { instance, .. } => of_instance(rt, inventory, *instance),
        Work::SetSlot(job) => {
            of_scope(rt, inventory, job.scope).or_else(|| of_instance(rt, inventory, job.instance))
        }
        Work::Direct => None,
    };
    found.map(|record| record.id.clone())
}

/// The other record of an error where two records' values meet: the record of the instance a
/// value was set on (its `instance_id`, or its owner's) when the work of another record, `record`,
/// set it again, as when an index makes the services of two records one instance.
pub(super) fn collided_record(rt: &Runtime<'_>, error: &EvalError, record: &Str) -> Option<Str> {
    let inventory = rt.options.inventory.as_deref()?;
    match error {
        EvalError::AttributeSetTwice { owner, .. } => of_instance(rt, inventory, *owner)
            .filter(|found| found.id != *record)
            .map(|found| found.id.clone()),
        EvalError::OnInverseEnd { error, .. } => collided_record(rt, error, record),
        _ => None,
    }
}

/// The note that names a record, for the diagnostic of the error its work raised.
pub fn note(record: &Record, index: usize) -> String {
    format!(
        "while unrolling service instance {}, record {} of the inventory",
        describe(record),
        index + 1
    )
}

/// The note that names the record whose value the erring work met ([`collided_record`]).
pub fn collided_note(record: &Record, index: usize) -> String {
    format!(
        "the value set first comes from service instance {}, record {} of the inventory",
        describe(record),
        index + 1
    )
}

/// `ID (service entity, version N)`.
pub fn describe(record: &Record) -> String {
    format!(
        "{} ({}, version {})",
        record.id, record.service_entity, record.service_entity_version
    )
}

fn of_scope<'i>(rt: &Runtime<'_>, inventory: &'i Inventory, scope: ScopeId) -> Option<&'i Record> {
    let mut at = Some(scope);
    while let Some(s) = at {
        let scope = &rt.scopes[s.0 as usize];
        if let Some(record) = scope.bound.iter().find_map(|(_, v)| of_value(inventory, v)) {
            return Some(record);
        }
        if let Some(record) = scope.instance.and_then(|i| of_instance(rt, inventory, i)) {
            return Some(record);
        }
        at = scope.parent;
    }
    None
}

/// A record as `lsm::all` hands it out: a dict with its `id` and `service_entity`.
fn of_value<'i>(inventory: &'i Inventory, value: &Value) -> Option<&'i Record> {
    let Some(Value::Str(id)) = value.dict_get("id") else {
        return None;
    };
    let record = inventory.record(id)?;
    match value.dict_get("service_entity") {
        Some(Value::Str(entity)) if *entity == record.service_entity => Some(record),
        _ => None,
    }
}

/// The record of a service instance (its `instance_id`), or of the one an instance is related
/// to directly (an embedded entity and its owner).
fn of_instance<'i>(
    rt: &Runtime<'_>,
    inventory: &'i Inventory,
    instance: InstanceId,
) -> Option<&'i Record> {
    own_record(rt, inventory, instance).or_else(|| {
        let layout = rt.layout_of(instance);
        layout
            .slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.relation.is_some())
            .flat_map(|(i, _)| related(rt, instance, i))
            .find_map(|other| own_record(rt, inventory, other))
    })
}

fn related(rt: &Runtime<'_>, instance: InstanceId, slot: usize) -> Vec<InstanceId> {
    let cell = rt.instances[instance.0 as usize].cell(slot);
    match &rt.cells[cell.0 as usize].value {
        Some(Value::Instance(other)) => vec![*other],
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::Instance(other) => Some(*other),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn own_record<'i>(
    rt: &Runtime<'_>,
    inventory: &'i Inventory,
    instance: InstanceId,
) -> Option<&'i Record> {
    let slot = rt.layout_of(instance).slot("instance_id")?;
    let cell = rt.instances[instance.0 as usize].cell(slot);
    match &rt.cells[cell.0 as usize].value {
        Some(Value::Str(id)) => inventory.record(id),
        _ => None,
    }
}
