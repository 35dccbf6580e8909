//! Instances: constructors with defaults and indexes, attribute and relation assignment, index
//! lookups, and the checks at the end of a run.

use std::rc::Rc;

use rustc_hash::FxHashMap as HashMap;

use super::cells::{CellId, CellKind, Shape, UNBOUNDED};
use super::error::{EvalError, Incompleteness, SetProblem};
use super::flow::{Flow, R};
use super::value::{InstanceId, Value};
use super::Runtime;
use crate::resolve::{Default as AttrDefault, EntityId};
use crate::source::Span;

/// The slots a constructor call gives (positions in the entity's layout) and their values.
pub type Given = smallvec::SmallVec<[(usize, Value); 16]>;

impl<'m> Runtime<'m> {
    /// What constructing an entity needs, computed once per entity: the defaults and the
    /// indexes (own and inherited) as slot positions.
    fn plan(&mut self, entity: EntityId) -> Rc<Plan> {
        if let Some(p) = &self.plans[entity.index()] {
            return p.clone();
        }
        let model = self.model;
        let layout = self.layout(entity);
        // Defaults: the nearest declaration wins (the layout keeps it); `undef` removes one.
        let defaults: Vec<(usize, Value)> = layout
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, slot)| {
                let (owner, index) = slot.attribute?;
                match &model.entity(owner).attributes[index].default {
                    AttrDefault::Value(expr) => Some((i, super::types::constant(expr))),
                    _ => None,
                }
            })
            .collect();
        let mut indexes = Vec::new();
        for e in model.ancestors(entity) {
            for (i, index) in model.entity(e).indexes.iter().enumerate() {
                let slots = index
                    .attributes
                    .iter()
                    .map(|a| {
                        layout
                            .slot(a)
                            .expect("index attributes are checked by resolve")
                    })
                    .collect();
                indexes.push(IndexPlan {
                    table: (e, i),
                    slots,
                });
            }
        }
        let mut in_index = vec![false; layout.slots.len()];
        for index in &indexes {
            for &slot in &index.slots {
                in_index[slot] = true;
            }
        }
        let plan = Rc::new(Plan {
            valid_defaults: vec![std::cell::Cell::new(false); defaults.len()],
            defaults,
            indexes,
            in_index,
        });
        self.plans[entity.index()] = Some(plan.clone());
        plan
    }

    /// Which slots of `entity` are part of one of its indexes, by position.
    pub fn index_slots(&mut self, entity: EntityId) -> Rc<Plan> {
        self.plan(entity)
    }

    /// A constructor call (`given`: slot positions and values; `late`: slots the call stores
    /// later, which take no default): returns the instance an index already holds, or a new one. `implicit`: the inverse end of the relation the constructor
    /// is assigned to, taken when it is part of an index and not given (the implicit inverse).
    pub fn construct(
        &mut self,
        entity: EntityId,
        mut values: Given,
        late: &[usize],
        implicit: Option<(usize, Value)>,
        span: Span,
    ) -> R<Value> {
        let model = self.model;
        let plan = self.plan(entity);
        let layout = self.layout(entity);
        let mut given: smallvec::SmallVec<[bool; 64]> =
            smallvec::smallvec![false; layout.slots.len()];
        for slot in values.iter().map(|(s, _)| *s).chain(late.iter().copied()) {
            given[slot] = true;
        }
        if let Some((slot, value)) = implicit {
            if !given[slot] && plan.indexes.iter().any(|index| index.slots.contains(&slot)) {
                given[slot] = true;
                values.push((slot, value));
            }
        }
        // The defaults come last; `defaulted` says which of the plan's each one is.
        let first_default = values.len();
        let mut defaulted: smallvec::SmallVec<[usize; 16]> = smallvec::SmallVec::new();
        for (d, (slot, value)) in plan.defaults.iter().enumerate() {
            if !given[*slot] {
                values.push((*slot, value.clone()));
                defaulted.push(d);
            }
        }
        let mut keys: smallvec::SmallVec<[_; 2]> = smallvec::SmallVec::new();
        for index in &plan.indexes {
            let mut parts: smallvec::SmallVec<[_; 4]> = smallvec::SmallVec::new();
            let mut missing = Vec::new();
            for &slot in &index.slots {
                match values.iter().find(|(s, _)| *s == slot) {
                    Some((_, v)) => parts.push((layout.slots[slot].name.clone(), v.clone())),
                    None => missing.push((
                        layout.slots[slot].name.to_string(),
                        layout.slots[slot].relation.is_some(),
                    )),
                }
            }
            if !missing.is_empty() {
                return Err(EvalError::IndexAttributeMissing {
                    missing,
                    entity: model.entity(entity).full_name.clone(),
                    span,
                }
                .into());
            }
            keys.push((index.table, self.index_key(&parts)));
        }
        let mut found: Option<InstanceId> = None;
        let mut found_key = "";
        for (table, key) in &keys {
            if let Some(existing) = self
                .index_tables
                .get(table)
                .and_then(|t| t.get(key.as_str()))
                .copied()
            {
                match found {
                    Some(f) if f != existing => {
                        return Err(EvalError::InconsistentIndexes { span }.into())
                    }
                    _ => {
                        found = Some(existing);
                        found_key = key;
                    }
                }
            }
        }
        if let Some(existing) = found {
            let existing_entity = self.instances[existing.0 as usize].entity;
            if existing_entity != entity {
                // A parent instance holds the key the child is constructed with: a duplicate;
                // the other way round, the index lookup found a subtype.
                return Err(if self.is_subtype(entity, existing_entity) {
                    EvalError::DuplicateKeyInIndex {
                        key: found_key.to_string(),
                        span,
                    }
                } else {
                    EvalError::IndexTypeMismatch { span }
                }
                .into());
            }
            self.instances[existing.0 as usize].locations.push(span);
            for (slot, value) in values {
                self.set_slot(existing, slot, value, span, false)?;
            }
            return Ok(Value::Instance(existing));
        }
        if self.instances.len() >= self.instance_cap() {
            return Err(EvalError::TooManyInstances {
                limit: self.instance_cap(),
                span,
            }
            .into());
        }
        let instance = self.new_instance(entity, span);
        for (table, key) in keys {
            if !self.lookups.is_empty() {
                if let Some(cell) = self.lookups.remove(&(table, key.clone())) {
                    self.cells[cell.0 as usize].value = Some(Value::Instance(instance));
                    self.notify(cell, true);
                }
            }
            self.index_tables
                .entry(table)
                .or_default()
                .insert(key.into_boxed_str(), instance);
        }
        let mut defaults = defaulted.into_iter();
        for (n, (slot, value)) in values.into_iter().enumerate() {
            if n < first_default {
                self.set_slot(instance, slot, value, span, false)?;
                continue;
            }
            let d = defaults
                .next()
                .expect("a default per value after the given ones");
            if plan.valid_defaults[d].get() {
                // A default that passed its type check once passes it again, and no task can
                // wait on a cell of an instance made just now: stored as it is.
                let site = self.site(span);
                let cell = self.instances[instance.0 as usize].cell(slot);
                let c = &mut self.cells[cell.0 as usize];
                c.value = Some(value);
                c.set_at = site;
                continue;
            }
            self.set_slot(instance, slot, value, span, false)?;
            plan.valid_defaults[d].set(true);
        }
        Ok(Value::Instance(instance))
    }

    /// The key of an index entry: `name=<repr>` per attribute, sorted by name. Built in one
    /// buffer: every constructor call of an entity with an index makes one.
    fn index_key<N: AsRef<str>>(&self, parts: &[(N, Value)]) -> String {
        use std::fmt::Write;
        let mut order: smallvec::SmallVec<[usize; 4]> = (0..parts.len()).collect();
        // As the texts `name=...` sort: by name, then `=`.
        let sort_text = |i: &usize| parts[*i].0.as_ref().bytes().chain(std::iter::once(b'='));
        order.sort_by(|a, b| sort_text(a).cmp(sort_text(b)));
        // Sized exactly for the usual key: it grows no more, and the table keeps it as it is.
        let size = parts
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    Value::Str(s) => s.len() + 2,
                    Value::Instance(i) => decimal_len(i64::from(i.0)) + 2,
                    Value::Int(i) => decimal_len(*i),
                    _ => 0,
                };
                name.as_ref().len() + 1 + value
            })
            .sum::<usize>()
            + 2 * parts.len().saturating_sub(1);
        let mut key = String::with_capacity(size);
        for (n, i) in order.into_iter().enumerate() {
            let (name, value) = &parts[i];
            if n > 0 {
                key.push_str(", ");
            }
            key.push_str(name.as_ref());
            key.push('=');
            let _ = match value {
                Value::Instance(i) => {
                    key.push('<');
                    push_decimal(&mut key, i64::from(i.0));
                    key.push('>');
                    Ok(())
                }
                Value::Float(f) if f.fract() == 0.0 => write!(key, "{}", *f as i64),
                Value::Int(i) => {
                    push_decimal(&mut key, *i);
                    Ok(())
                }
                Value::Str(s) => {
                    crate::python::push_string_repr(&mut key, s);
                    Ok(())
                }
                other => {
                    key.push_str(&self.repr_of(other));
                    Ok(())
                }
            };
        }
        key
    }

    /// `Entity[k=v, ...]`: the instance with that key, waiting until it exists.
    pub fn index_lookup(
        &mut self,
        entity: EntityId,
        key: Vec<(String, Value)>,
        span: Span,
    ) -> R<Value> {
        let model = self.model;
        let mut names: Vec<&str> = key.iter().map(|(n, _)| n.as_str()).collect();
        // The first name given again, in the order written.
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(EvalError::IndexAttributeTwice {
                    name: name.to_string(),
                    span,
                }
                .into());
            }
        }
        names.sort();
        let table = self.ancestors(entity).iter().copied().find_map(|e| {
            model
                .entity(e)
                .indexes
                .iter()
                .enumerate()
                .find_map(|(i, index)| {
                    let mut attributes: Vec<&str> =
                        index.attributes.iter().map(String::as_str).collect();
                    attributes.sort();
                    (attributes == names).then_some((e, i))
                })
        });
        let Some(table) = table else {
            return Err(EvalError::NoIndexForLookup {
                entity: model.entity(entity).full_name.clone(),
                key: key
                    .iter()
                    .map(|(n, v)| (n.clone(), self.repr_of(v)))
                    .collect(),
                span,
            }
            .into());
        };
        let key_text = self.index_key(&key);
        if let Some(found) = self
            .index_tables
            .get(&table)
            .and_then(|t| t.get(key_text.as_str()))
        {
            return Ok(Value::Instance(*found));
        }
        let cell = match self.lookups.get(&(table, key_text.clone())) {
            Some(c) => *c,
            None => {
                let c = self.new_cell(CellKind::Single);
                self.lookups.insert((table, key_text.clone()), c);
                self.lookup_spans
                    .insert(c, (span, entity, key_text.clone()));
                c
            }
        };
        Err(Flow::Wait(cell))
    }

    /// Stores a value in the slot at position `index` of an instance.
    pub fn set_slot(
        &mut self,
        instance: InstanceId,
        index: usize,
        value: Value,
        span: Span,
        extend: bool,
    ) -> R<()> {
        let model = self.model;
        let entity = self.instances[instance.0 as usize].entity;
        let layout = self.layout(entity);
        let slot = &layout.slots[index];
        let name: &str = &slot.name;
        let cell = self.instances[instance.0 as usize].cell(index);
        if let Some((owner, i)) = slot.attribute {
            let attribute = &model.entity(owner).attributes[i];
            if extend {
                return Err(self.could_not_set(instance, name, span, SetProblem::ExtendAttribute));
            }
            if let Err(message) = self.check_attribute_value(attribute, &value) {
                return Err(self.could_not_set(instance, name, span, SetProblem::Invalid(message)));
            }
            return self.set_single(instance, name, cell, value, span);
        }
        let (relation, end) = slot.relation.expect("a slot is an attribute or a relation");
        let def = &model.relations[relation.index()];
        let target = def.ends[end].target;
        let items: smallvec::SmallVec<[Value; 1]> = match value {
            Value::List(items) => items.iter().cloned().collect(),
            Value::Null => smallvec::SmallVec::new(),
            other => smallvec::smallvec![other],
        };
        let is_null = items.is_empty();
        for item in &items {
            match item {
                Value::Instance(i)
                    if self.is_subtype(self.instances[i.0 as usize].entity, target) => {}
                Value::Instance(i) => {
                    return Err(EvalError::WrongInstanceType {
                        instance: self.describe(*i),
                        expected: model.entity(target).full_name.clone(),
                        span,
                    }
                    .into())
                }
                Value::Unknown => {}
                other => {
                    return Err(EvalError::NotAnInstanceForRelation {
                        value: self.str_of(other),
                        expected: model.entity(target).full_name.clone(),
                        span,
                    }
                    .into())
                }
            }
        }
        let inverse = {
            let other = &def.ends[1 - end];
            if other.owner == def.ends[end].owner && other.name == def.ends[end].name {
                None
            } else {
                other.name.as_deref()
            }
        };
        match slot.kind {
            CellKind::Single => {
                if extend {
                    return Err(EvalError::ExtendSingleRelation {
                        optional: false,
                        span,
                    }
                    .into());
                }
                if is_null {
                    return Err(self.could_not_set(
                        instance,
                        name,
                        span,
                        SetProblem::NullForSingleRelation,
                    ));
                }
                if items.len() > 1 {
                    return Err(self.could_not_set(
                        instance,
                        name,
                        span,
                        SetProblem::ArityExceeded {
                            instance: self.describe(instance),
                        },
                    ));
                }
                let item = items.into_iter().next().expect("one item");
                let changed = self.cells[cell.0 as usize].value.is_none();
                self.set_single(instance, name, cell, item.clone(), span)?;
                if changed {
                    self.link_inverse(instance, &item, inverse, span)?;
                }
                Ok(())
            }
            CellKind::Optional => {
                if extend {
                    return Err(EvalError::ExtendSingleRelation {
                        optional: true,
                        span,
                    }
                    .into());
                }
                let c = &self.cells[cell.0 as usize];
                let new = items.first().cloned().unwrap_or(Value::Null);
                if c.frozen() {
                    let old = c.value.clone().unwrap_or(Value::Null);
                    if old == new {
                        return Ok(());
                    }
                    if c.value.is_none() {
                        return Err(self.could_not_set(
                            instance,
                            name,
                            span,
                            SetProblem::ModifiedAfterFreeze,
                        ));
                    }
                    return Err(self.double_set(instance, name, cell, &old, &new, span));
                }
                if items.len() > 1 {
                    return Err(self.could_not_set(
                        instance,
                        name,
                        span,
                        SetProblem::ArityExceeded {
                            instance: self.describe(instance),
                        },
                    ));
                }
                let site = self.site(span);
                let c = &mut self.cells[cell.0 as usize];
                c.value = Some(new.clone());
                c.set_at = site;
                c.set_frozen();
                self.notify(cell, true);
                if !new.is_null() {
                    self.link_inverse(instance, &new, inverse, span)?;
                }
                Ok(())
            }
            CellKind::Multi { upper, .. } => {
                let c = &self.cells[cell.0 as usize];
                if c.frozen() {
                    let all_present = items.iter().all(|i| c.items().contains(i));
                    if all_present && !items.is_empty() {
                        return Ok(());
                    }
                    if is_null && c.items().is_empty() {
                        return Ok(());
                    }
                    return Err(self.could_not_set(
                        instance,
                        name,
                        span,
                        SetProblem::ModifiedAfterFreeze,
                    ));
                }
                if is_null {
                    if !c.items().is_empty() {
                        let values = self.repr_of(&Value::list(c.items().to_vec()));
                        return Err(self.could_not_set(
                            instance,
                            name,
                            span,
                            SetProblem::NullAfterValues {
                                instance: self.describe(instance),
                                values,
                            },
                        ));
                    }
                    self.freeze(cell);
                    return Ok(());
                }
                let mut added: smallvec::SmallVec<[Value; 1]> = smallvec::SmallVec::new();
                for item in items {
                    if self.relation_holds(cell, &item) {
                        continue;
                    }
                    let c = &mut self.cells[cell.0 as usize];
                    if upper != UNBOUNDED && c.items().len() >= upper as usize {
                        return Err(self.could_not_set(
                            instance,
                            name,
                            span,
                            SetProblem::ArityExceeded {
                                instance: self.describe(instance),
                            },
                        ));
                    }
                    c.push_item(item.clone());
                    if let (Some(set), Value::Instance(i)) =
                        (self.relation_sets.get_mut(&cell), &item)
                    {
                        set.insert(*i);
                    }
                    added.push(item);
                }
                if added.is_empty() {
                    return Ok(());
                }
                let full = upper != UNBOUNDED
                    && self.cells[cell.0 as usize].items().len() >= upper as usize;
                if full {
                    self.freeze(cell);
                } else {
                    self.notify(cell, false);
                }
                for item in added {
                    self.link_inverse(instance, &item, inverse, span)?;
                }
                Ok(())
            }
        }
    }

    /// Whether a multi relation holds a value. A long relation gets a set of its instances, so
    /// that one growing to n values costs n, not n squared.
    fn relation_holds(&mut self, cell: CellId, item: &Value) -> bool {
        const SHORT: usize = 32;
        let items = self.cells[cell.0 as usize].items();
        let Value::Instance(instance) = item else {
            return items.contains(item);
        };
        if items.len() < SHORT {
            return items.contains(item);
        }
        let cells = &self.cells;
        self.relation_sets
            .entry(cell)
            .or_insert_with(|| {
                cells[cell.0 as usize]
                    .items()
                    .iter()
                    .filter_map(|v| match v {
                        Value::Instance(i) => Some(*i),
                        _ => None,
                    })
                    .collect()
            })
            .contains(instance)
    }

    /// The other end of a bidirectional relation gets `instance` too.
    fn link_inverse(
        &mut self,
        instance: InstanceId,
        item: &Value,
        inverse: Option<&str>,
        span: Span,
    ) -> R<()> {
        let (Some(inverse), Value::Instance(other)) = (inverse, item) else {
            return Ok(());
        };
        let other = *other;
        let entity = self.instances[other.0 as usize].entity;
        let Some(index) = self.layout(entity).slot(inverse) else {
            return Ok(());
        };
        let cell = self.instances[other.0 as usize].cell(index);
        let present = match self.cells[cell.0 as usize].shape {
            Shape::Multi => self.relation_holds(cell, &Value::Instance(instance)),
            _ => self.cells[cell.0 as usize].value == Some(Value::Instance(instance)),
        };
        if present {
            return Ok(());
        }
        // The reference reports a failure on the inverse end at the instance that owns it.
        self.set_slot(other, index, Value::Instance(instance), span, false)
            .map_err(|flow| match flow {
                Flow::Error(error)
                    if matches!(
                        *error,
                        EvalError::CouldNotSet { .. } | EvalError::AttributeSetTwice { .. }
                    ) =>
                {
                    EvalError::OnInverseEnd {
                        name: inverse.to_string(),
                        owner_at: self.instances[other.0 as usize].locations[0],
                        error,
                    }
                    .into()
                }
                flow => flow,
            })
    }

    fn set_single(
        &mut self,
        instance: InstanceId,
        name: &str,
        cell: CellId,
        value: Value,
        span: Span,
    ) -> R<()> {
        let site = self.site(span);
        let c = &mut self.cells[cell.0 as usize];
        match &c.value {
            None => {
                c.value = Some(value);
                c.set_at = site;
                self.notify(cell, true);
                Ok(())
            }
            Some(old) if *old == value => Ok(()),
            Some(old) => {
                let old = old.clone();
                Err(self.double_set(instance, name, cell, &old, &value, span))
            }
        }
    }

    fn double_set(
        &self,
        instance: InstanceId,
        name: &str,
        cell: CellId,
        old: &Value,
        new: &Value,
        span: Span,
    ) -> Flow {
        let first = self.site_span(self.cells[cell.0 as usize].set_at);
        EvalError::AttributeSetTwice {
            name: name.to_string(),
            instance: self.describe(instance),
            owner: instance,
            old: self.str_of(old),
            old_at: first.map(|s| self.location_text(s)).unwrap_or_default(),
            new: self.str_of(new),
            new_at: self.location_text(span),
            span,
            first,
        }
        .into()
    }

    fn could_not_set(
        &self,
        instance: InstanceId,
        name: &str,
        span: Span,
        problem: SetProblem,
    ) -> Flow {
        EvalError::CouldNotSet {
            name: name.to_string(),
            instance: self.describe(instance),
            problem,
            span,
        }
        .into()
    }

    /// Statements that never ran to the end because a value they wait for was never given (a
    /// variable defined from itself, say): one diagnostic at the first of them, as the reference
    /// reports it ("not all statements executed"), naming what each waits for.
    pub fn stuck(&self) -> Option<EvalError> {
        let mut waiting: Vec<(crate::source::Span, String)> = Vec::new();
        for task in &self.tasks {
            if task.done {
                continue;
            }
            let (Some(cell), super::Work::Stmt(stmt, scope)) = (task.waiting_on, &task.work) else {
                continue;
            };
            if self.cells[cell.0 as usize].available() {
                continue;
            }
            let what = self
                .cell_name(cell, *scope)
                .unwrap_or_else(|| "a value".to_string());
            waiting.push((stmt.span, what));
        }
        if waiting.is_empty() {
            return None;
        }
        waiting.sort_by_key(|(span, _)| (span.file, span.start));
        Some(EvalError::NotAllExecuted { waiting })
    }

    /// `variable x` or `attribute a of <instance>`, for messages.
    fn cell_name(&self, cell: CellId, scope: super::ScopeId) -> Option<String> {
        let mut current = Some(scope);
        while let Some(id) = current {
            let s = &self.scopes[id.0 as usize];
            if let Some((name, _)) = self
                .var_table
                .slice(s.vars)
                .iter()
                .find(|(_, c)| *c == cell)
            {
                return Some(format!("variable `{name}`"));
            }
            current = s.parent;
        }
        for (i, instance) in self.instances.iter().enumerate() {
            let layout = self.layouts[instance.entity.index()].as_ref()?;
            if let Some(slot) = (0..layout.slots.len()).position(|s| instance.cell(s) == cell) {
                return Some(format!(
                    "attribute `{}` of {}",
                    layout.slots[slot].name,
                    self.describe(InstanceId(i as u32))
                ));
            }
        }
        None
    }

    /// The problems left when nothing more can run: every one of them.
    pub fn final_checks(&mut self) -> Vec<EvalError> {
        let mut out = Vec::new();
        let model = self.model;
        let mut pending: Vec<(CellId, (Span, EntityId, String))> = self
            .lookup_spans
            .iter()
            .map(|(c, s)| (*c, s.clone()))
            .collect();
        pending.sort_by_key(|(c, _)| *c);
        for (cell, (span, entity, key)) in pending {
            if self.cells[cell.0 as usize].value.is_none() {
                out.push(EvalError::NoMatchInIndex {
                    entity: model.entity(entity).full_name.clone(),
                    key,
                    span,
                });
            }
        }
        for index in 0..self.instances.len() {
            let instance = InstanceId(index as u32);
            let i = &self.instances[index];
            let at = i.locations[0];
            if !i.implemented {
                out.push(EvalError::NoImplementation {
                    entity: model.entity(i.entity).name.clone(),
                    span: at,
                });
            }
            let layout = self.layout(self.instances[index].entity);
            let first_cell = self.instances[index].cell(0).0 as usize;
            let cells = &self.cells[first_cell..first_cell + layout.slots.len()];
            for (slot, cell) in layout.slots.iter().zip(cells) {
                // Most slots are complete: what a problem needs is looked up only for one.
                let problem = match slot.kind {
                    CellKind::Single if cell.value.is_none() => Some(Incompleteness::NotSet),
                    // The lower bound first: reading a list touches its allocation.
                    CellKind::Multi { lower, .. }
                        if lower > 0 && cell.items().len() < lower as usize =>
                    {
                        Some(Incompleteness::TooFewValues {
                            lower,
                            set: cell.items().len(),
                        })
                    }
                    _ => None,
                };
                if let Some(problem) = problem {
                    if matches!(&*slot.name, "requires" | "provides") {
                        continue;
                    }
                    let declared_at = slot
                        .attribute
                        .map(|(e, a)| model.entity(e).attributes[a].name_span)
                        .or_else(|| {
                            slot.relation
                                .map(|(r, e)| model.relations[r.index()].ends[e].name_span)
                        });
                    out.push(EvalError::Incomplete {
                        instance: self.describe(instance),
                        attribute: slot.name.to_string(),
                        declared: declared_at
                            .map(|s| self.location_with_column(s))
                            .unwrap_or_default(),
                        problem,
                        span: at,
                        declared_at,
                    });
                }
            }
        }
        out
    }
}

/// `value` in decimal, as `{}` writes it, without the formatting machinery: a key is made for
/// every constructor call of an entity with an index.
fn push_decimal(out: &mut String, value: i64) {
    let mut digits = [0u8; 20];
    let mut rest = value.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
}

/// The length of `value` in decimal.
fn decimal_len(value: i64) -> usize {
    let mut rest = value.unsigned_abs();
    let mut len = 1 + usize::from(value < 0);
    while rest >= 10 {
        rest /= 10;
        len += 1;
    }
    len
}

/// The index tables: (declaring entity, index number) to key to instance.
pub type IndexTables = HashMap<(EntityId, usize), HashMap<Box<str>, InstanceId>>;

/// How to construct an entity: see [`Runtime::plan`].
#[derive(Debug)]
pub struct Plan {
    defaults: Vec<(usize, Value)>,
    /// Whether each default was stored once already (its value passed its attribute's check).
    valid_defaults: Vec<std::cell::Cell<bool>>,
    indexes: Vec<IndexPlan>,
    /// Whether each slot is part of an index.
    pub in_index: Vec<bool>,
}

#[derive(Debug)]
struct IndexPlan {
    table: (EntityId, usize),
    slots: Vec<usize>,
}

#[cfg(test)]
mod tests {
    use super::push_decimal;

    /// Writes what `{}` writes, at the ends of the range too.
    #[test]
    fn decimal_as_format_writes_it() {
        for value in [0, 7, -7, 10, 1234567890, i64::MAX, i64::MIN] {
            let mut out = String::from("x=");
            push_decimal(&mut out, value);
            assert_eq!(out, format!("x={value}"));
            assert_eq!(super::decimal_len(value), format!("{value}").len());
        }
    }
}
