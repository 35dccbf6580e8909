//! Running tasks: statements, `implement` decisions and expressions.

use std::rc::Rc;

use super::cells::{CellId, Shape, TaskId};
use super::error::{BooleanUse, EvalError, SetProblem};
use super::flow::{Flow, R};
use super::types::OperatorError;
use super::value::{InstanceId, Str, Value};
use super::{Instance, Runtime, Scope, ScopeId, Task, Work};
use crate::ast::{Argument, BinaryOp, Expr, ExprKind, Name, Stmt, StmtKind};
use crate::diagnostics::Diagnostic;
use crate::resolve::{Def, EntityId, ImplementDef, ImplementationId, NamespaceId, RelationId};
use crate::source::Span;

/// What a statement run ended with.
enum Outcome {
    Done,
    /// A gradual `for` loop that waits for more values as a listener.
    Listening,
}

/// The cap on task runs is reached as `task` was about to run: in a model that keeps growing,
/// nearly every run is of the statement that grows, so it is the place to show.
pub fn stuck_error(rt: &Runtime, task: TaskId) -> EvalError {
    let span = match &rt.tasks[task.0 as usize].work {
        Work::Stmt(stmt, _) => Some(stmt.span),
        Work::Implement { implement, .. } => Some(implement.span),
        Work::SetSlot(set) => Some(set.span),
        Work::Direct => None,
    };
    EvalError::Stuck {
        max_iterations: rt.step_cap(),
        span,
    }
}

pub fn run_task(rt: &mut Runtime<'_>, task: TaskId) {
    match rt.memos.remove(&task) {
        Some(memo) => rt.memo = memo,
        None => rt.memo.clear(),
    }
    rt.memo_pos = 0;
    let work = rt.tasks[task.0 as usize].work.clone();
    let result = match work {
        Work::Stmt(stmt, scope) => exec_stmt(rt, task, stmt, scope),
        Work::Implement {
            instance,
            implement,
        } => exec_implement(rt, task, instance, implement).map(|_| Outcome::Done),
        Work::SetSlot(job) => exec_set_slot(rt, task, &job),
        Work::Direct => Ok(Outcome::Done),
    };
    if !matches!(result, Ok(Outcome::Done) | Err(Flow::Error(_))) && !rt.memo.is_empty() {
        rt.memos.insert(task, std::mem::take(&mut rt.memo));
    }
    match result {
        Ok(Outcome::Done) => finish(rt, task),
        Ok(Outcome::Listening) => {}
        Err(Flow::Wait(cell)) => {
            rt.tasks[task.0 as usize].waiting_on = Some(cell);
            if rt.cells[cell.0 as usize].available() {
                rt.wake(task);
            } else if !rt.waiters(cell).contains(&task) {
                rt.waiting_mut(cell).waiters.push(task);
            }
        }
        Err(Flow::Error(d)) => {
            finish(rt, task);
            if rt.error.is_none() {
                rt.error_record = super::origin::record_of_task(rt, task);
                rt.collided_record = rt
                    .error_record
                    .as_ref()
                    .and_then(|record| super::origin::collided_record(rt, &d, record));
                rt.error = Some(*d);
            }
        }
    }
}

fn finish(rt: &mut Runtime<'_>, task: TaskId) {
    let t = &mut rt.tasks[task.0 as usize];
    t.done = true;
    // Most tasks finish on their first run. One that never waited and is not queued again is in
    // no list of any cell nor in the queue: its slot can hold the next task.
    let reusable = t.waiting_on.is_none() && !t.queued && !t.listened;
    if let Some(cell) = t.promised.take() {
        let c = &mut rt.cells[cell.0 as usize];
        c.promises = c.promises.saturating_sub(1);
    }
    if reusable {
        rt.free_tasks.push(task);
    }
}

fn exec_stmt<'m>(rt: &mut Runtime<'m>, task: TaskId, stmt: &'m Stmt, scope: ScopeId) -> R<Outcome> {
    match &stmt.kind {
        StmtKind::Assign { target, value } => {
            match &target.kind {
                ExprKind::Var { path } if path.segments.len() == 1 => {
                    let v = eval(rt, task, value, scope)?;
                    let name = &path.segments[0].text;
                    let cell = match rt.root_variable(scope, &path.segments[0]) {
                        Some(cell) => cell,
                        None => rt
                            .var_table
                            .get(rt.scopes[scope.0 as usize].vars, name)
                            .expect("assigned variables are declared in their block"),
                    };
                    set_variable(rt, cell, name, v, stmt.span)?;
                }
                ExprKind::Attribute { object, name } => {
                    return assign_attribute(
                        rt, task, object, name, value, scope, stmt.span, false,
                    );
                }
                _ => return Err(EvalError::NotAssignable { span: target.span }.into()),
            }
            Ok(Outcome::Done)
        }
        StmtKind::Extend { target, value } => {
            if let ExprKind::Attribute { object, name } = &target.kind {
                return assign_attribute(rt, task, object, name, value, scope, stmt.span, true);
            }
            Ok(Outcome::Done)
        }
        StmtKind::For {
            variable,
            iterable,
            body,
        } => exec_for(rt, task, stmt, variable, iterable, body, scope),
        StmtKind::If {
            branches,
            otherwise,
        } => {
            for (condition, body) in branches {
                match eval(rt, task, condition, scope)? {
                    Value::Bool(true) => {
                        spawn_block(rt, scope, body, None, super::block_order::last_first(body));
                        return Ok(Outcome::Done);
                    }
                    Value::Bool(false) => continue,
                    Value::Unknown => return Ok(Outcome::Done),
                    other => {
                        return Err(EvalError::NotBoolean {
                            used: BooleanUse::If,
                            value: rt.str_of(&other),
                            span: condition.span,
                        }
                        .into())
                    }
                }
            }
            if let Some(body) = otherwise {
                spawn_block(rt, scope, body, None, super::block_order::last_first(body));
            }
            Ok(Outcome::Done)
        }
        StmtKind::Expr { expr } => {
            eval(rt, task, expr, scope)?;
            Ok(Outcome::Done)
        }
        StmtKind::Error => Ok(Outcome::Done),
    }
}

#[allow(clippy::too_many_arguments)]
fn assign_attribute<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    object: &'m Expr,
    name: &Name,
    value: &'m Expr,
    scope: ScopeId,
    span: Span,
    extend: bool,
) -> R<Outcome> {
    let target = eval(rt, task, object, scope)?;
    let Value::Instance(instance) = target else {
        return Err(EvalError::AssignToNonInstance {
            object: expr_text(rt, object),
            type_name: target.type_name().to_string(),
            value: rt.str_of(&target),
            span: object.span,
        }
        .into());
    };
    // The slot is found once, by name; everything below goes by its position.
    let layout = rt.layout(rt.instances[instance.0 as usize].entity);
    let Some(slot) = layout.slot(&name.text) else {
        return Err(EvalError::NoAttributeToSet {
            name: name.text.clone(),
            entity: rt
                .model
                .entity(rt.instances[instance.0 as usize].entity)
                .full_name
                .clone(),
            span: name.span,
        }
        .into());
    };
    let cell = rt.instances[instance.0 as usize].cell(slot);
    // The language runs `x.attr = v` only once `x` has a value, behind the work queued before
    // then: a constructor argument of `x` that was waiting stores first, and a value set twice
    // is reported at this assignment. An assignment that finds the attribute unset on its first
    // run goes to the back of the queue once.
    if let ExprKind::Var { path } = &object.kind {
        if let [variable] = &path.segments[..] {
            if !extend
                && variable.text != "self"
                && rt.tasks[task.0 as usize].waiting_on.is_none()
                && !rt.cells[cell.0 as usize].available()
            {
                if let Some(Named::Variable(set)) = find_name(rt, &variable.text, scope) {
                    return Err(Flow::Wait(set));
                }
            }
        }
    }
    // Promise the value so that the relation is not frozen while this waits.
    if rt.cells[cell.0 as usize].delayed() && rt.tasks[task.0 as usize].promised.is_none() {
        rt.cells[cell.0 as usize].promises += 1;
        rt.tasks[task.0 as usize].promised = Some(cell);
    }
    // `x.rel = y.other`: the relation takes the other's values as they arrive.
    let job = SetSlot {
        instance,
        slot,
        expr: value,
        scope,
        span,
        wrap: true,
        statement: true,
    };
    if gradual_source(rt, &job) {
        return store(rt, task, &job);
    }
    // `x.rel = E(...)`: the constructor may take `x` for the inverse end (see `Lhs`). A
    // constructor written as the value reports its own failures on its own attributes.
    let lhs = if passes_lhs(value) {
        layout.slots[slot].relation.map(|(relation, end)| Lhs {
            instance,
            relation,
            end,
        })
    } else {
        None
    };
    let v = match &value.kind {
        ExprKind::Construct { class, arguments } => {
            construct(rt, task, class, arguments, scope, value.span, lhs, false)
        }
        _ if lhs.is_some() => eval_rhs(rt, task, value, scope, lhs),
        _ => eval(rt, task, value, scope),
    }
    .map_err(|flow| could_not_compute(flow, &name.text, || rt.describe(instance), span))?;
    // A value of the wrong type for a relation is, in an assignment, the reference's
    // `AttributeException` on that relation.
    rt.set_slot(instance, slot, v, span, extend)
        .map_err(|flow| match flow {
            Flow::Error(error)
                if matches!(
                    *error,
                    EvalError::WrongInstanceType { .. }
                        | EvalError::NotAnInstanceForRelation { .. }
                ) =>
            {
                EvalError::CouldNotSet {
                    name: name.text.clone(),
                    instance: rt.describe(instance),
                    problem: SetProblem::Invalid(Diagnostic::from(*error).message),
                    span,
                }
                .into()
            }
            flow => flow,
        })?;
    Ok(Outcome::Done)
}

/// A failure met while computing a value that is stored in an attribute is the reference's
/// `AttributeException` on that attribute, when the failing expression is one the reference
/// evaluates within the assignment: an operator, a dict lookup, an f-string, a constructor's own
/// work. (A division by zero or an overflow is no error of the reference's language: it stays as
/// it is.) Expressions it runs apart (variable and attribute reads, index lookups, conditional
/// expressions, comprehensions, plugin calls) keep their own error.
fn could_not_compute(
    flow: Flow,
    name: &str,
    instance: impl FnOnce() -> String,
    span: Span,
) -> Flow {
    let Flow::Error(error) = flow else {
        return flow;
    };
    let direct = matches!(
        *error,
        EvalError::OperandTypes { .. }
            | EvalError::NotBoolean {
                used: BooleanUse::Not,
                ..
            }
            | EvalError::DictLookupOnNonDict { .. }
            | EvalError::DictKeyNotString { .. }
            | EvalError::KeyNotFound { .. }
            | EvalError::FString { .. }
            | EvalError::FStringPositional { .. }
            | EvalError::DuplicateKeyInIndex { .. }
            | EvalError::IndexTypeMismatch { .. }
            | EvalError::OptionalWithoutValue { .. }
    );
    if !direct {
        return Flow::Error(error);
    }
    EvalError::ValueFailed {
        name: name.to_string(),
        instance: instance(),
        cause: Box::new(Diagnostic::from(*error)),
        span,
    }
    .into()
}

fn set_variable(rt: &mut Runtime<'_>, cell: CellId, name: &str, value: Value, span: Span) -> R<()> {
    let site = rt.site(span);
    let c = &mut rt.cells[cell.0 as usize];
    match &c.value {
        None => {
            c.value = Some(value);
            c.set_at = site;
            rt.notify(cell, true);
            Ok(())
        }
        Some(old) if *old == value => Ok(()),
        Some(old) => {
            let old = old.clone();
            let first_site = c.set_at;
            let first = rt.site_span(first_site);
            Err(EvalError::VariableSetTwice {
                name: name.to_string(),
                old: rt.str_of(&old),
                old_at: first.map(|s| rt.location_text(s)).unwrap_or_default(),
                new: rt.str_of(&value),
                new_at: rt.location_text(span),
                span,
                first,
            }
            .into())
        }
    }
}

/// Spawns the statements of a block in a new child scope.
fn spawn_block<'m>(
    rt: &mut Runtime<'m>,
    parent: ScopeId,
    body: &'m [Stmt],
    bound: Option<(&'m str, Value)>,
    last_first: bool,
) {
    let namespace = rt.scopes[parent.0 as usize].namespace;
    let scope = rt.new_scope(Some(parent), None, namespace, body);
    if let Some(b) = bound {
        rt.scopes[scope.0 as usize].bound.push(b);
    }
    rt.spawn_statements(body, scope, last_first);
}

#[allow(clippy::too_many_arguments)]
fn exec_for<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    stmt: &'m Stmt,
    variable: &'m Name,
    iterable: &'m Expr,
    body: &'m [Stmt],
    scope: ScopeId,
) -> R<Outcome> {
    let name: &'m str = &variable.text;
    // Once per run of the loop, not per item.
    let last_first = super::block_order::last_first(body);
    // A loop over a relation consumes its values as they arrive: only the new ones are read,
    // so that a relation that grows while the loop runs costs its length, not its square.
    if let Some(cell) = relation_source(rt, task, iterable, scope)? {
        rt.tasks[task.0 as usize].listened = true;
        if !rt.listeners(cell).contains(&task) {
            rt.waiting_mut(cell).listeners.push(task);
        }
        let consumed = rt.tasks[task.0 as usize].consumed as usize;
        let items = rt.cells[cell.0 as usize].items();
        if items.len() > consumed {
            let new: smallvec::SmallVec<[Value; 4]> = items[consumed..].iter().cloned().collect();
            rt.tasks[task.0 as usize].consumed = items.len() as u32;
            for item in new {
                spawn_block(rt, scope, body, Some((name, item)), last_first);
            }
        }
        if rt.cells[cell.0 as usize].frozen() {
            rt.waiting_mut(cell).listeners.retain(|t| *t != task);
            return Ok(Outcome::Done);
        }
        return Ok(Outcome::Listening);
    }
    match eval(rt, task, iterable, scope)? {
        Value::List(items) => {
            for item in items.iter() {
                spawn_block(rt, scope, body, Some((name, item.clone())), last_first);
            }
            Ok(Outcome::Done)
        }
        Value::Unknown => Ok(Outcome::Done),
        other => Err(EvalError::ForOverNonList {
            written: match &iterable.kind {
                ExprKind::Var { path } => Some(path.to_text()),
                _ => None,
            },
            value: rt.str_of(&other),
            span: stmt.span,
        }
        .into()),
    }
}

fn exec_implement<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    instance: InstanceId,
    implement: &'m ImplementDef,
) -> R<()> {
    if let Some(when) = &implement.when {
        let scope = rt.instance_scope(instance, implement.namespace);
        match eval(rt, task, when, scope)? {
            Value::Bool(true) => {}
            Value::Bool(false) | Value::Unknown => return Ok(()),
            other => {
                return Err(EvalError::NotBoolean {
                    used: BooleanUse::When,
                    value: rt.str_of(&other),
                    span: when.span,
                }
                .into())
            }
        }
    }
    expand_implementations(rt, instance, implement);
    Ok(())
}

/// Selects the implementations of a conditional `implement` whose condition holds for an
/// instance: each implementation's body runs once per instance.
fn expand_implementations<'m>(
    rt: &mut Runtime<'m>,
    instance: InstanceId,
    implement: &'m ImplementDef,
) {
    rt.instances[instance.0 as usize].implemented = true;
    let plan = rt.creation_plan(rt.instances[instance.0 as usize].entity);
    for &implementation in &implement.implementations {
        if plan.expanded.contains(&implementation) {
            continue;
        }
        let later = rt.expanded_later.entry(instance).or_default();
        if later.contains(&implementation) {
            continue;
        }
        later.push(implementation);
        let last_first =
            super::block_order::last_first(&rt.model.implementations[implementation.index()].body);
        rt.spawn_body(instance, implementation, last_first);
    }
}

/// What creating an instance of an entity does with its `implement` statements, worked out once
/// per entity: the statements without condition are expanded at once (each implementation
/// once), those with one are decided later by a task; in the order of the statements.
pub(super) struct CreationPlan<'m> {
    steps: Vec<CreationStep<'m>>,
    /// The implementations expanded at creation.
    expanded: Vec<ImplementationId>,
    /// Whether an `implement` applies at creation.
    implemented: bool,
}

enum CreationStep<'m> {
    /// Run this implementation's body (last statement first: [`super::block_order`]).
    Body(ImplementationId, bool),
    /// Decide this conditional `implement`.
    Decide(&'m ImplementDef),
}

impl<'m> Runtime<'m> {
    /// A scope in which an instance's attributes (and `self`) are visible, over a namespace.
    fn instance_scope(&mut self, instance: InstanceId, namespace: NamespaceId) -> ScopeId {
        let root = self.roots[&namespace];
        self.scopes.push(Scope {
            parent: Some(root),
            vars: Default::default(),
            instance: Some(instance),
            namespace,
            bound: Default::default(),
        });
        ScopeId(self.scopes.len() as u32 - 1)
    }

    /// The `implement` statements that apply to an entity, `using parents` followed.
    fn implements_of(&self, entity: EntityId) -> Vec<&'m ImplementDef> {
        let model = self.model;
        let mut out = Vec::new();
        let mut stack = vec![entity];
        let mut seen = vec![];
        while let Some(e) = stack.pop() {
            if seen.contains(&e) {
                continue;
            }
            seen.push(e);
            for implement in &model.entity(e).implements {
                out.push(implement);
                if implement.parents {
                    stack.extend(model.entity(e).parents.iter().rev());
                }
            }
        }
        out
    }

    /// Creates an instance with empty slots and queues its `implement` decisions.
    pub fn new_instance(&mut self, entity: EntityId, span: Span) -> InstanceId {
        let layout = self.layout(entity);
        let id = InstanceId(self.instances.len() as u32);
        let first_cell = CellId(self.cells.len() as u32);
        for slot in &layout.slots {
            self.new_cell(slot.kind);
        }
        let plan = self.creation_plan(entity);
        self.instances.push(Instance {
            entity,
            first_cell,
            locations: smallvec::smallvec![span],
            implemented: plan.implemented,
        });
        for step in &plan.steps {
            match *step {
                CreationStep::Body(implementation, last_first) => {
                    self.spawn_body(id, implementation, last_first)
                }
                CreationStep::Decide(implement) => {
                    self.spawn(Work::Implement {
                        instance: id,
                        implement,
                    });
                }
            }
        }
        id
    }

    /// The [`CreationPlan`] of an entity.
    fn creation_plan(&mut self, entity: EntityId) -> Rc<CreationPlan<'m>> {
        if let Some(plan) = &self.creation_plans[entity.index()] {
            return plan.clone();
        }
        let mut plan = CreationPlan {
            steps: Vec::new(),
            expanded: Vec::new(),
            implemented: false,
        };
        for implement in self.implements_of(entity) {
            if implement.when.is_some() {
                plan.steps.push(CreationStep::Decide(implement));
                continue;
            }
            // Nothing to wait for: expanded at once rather than decided by a task.
            plan.implemented = true;
            for &implementation in &implement.implementations {
                if !plan.expanded.contains(&implementation) {
                    plan.expanded.push(implementation);
                    let body = &self.model.implementations[implementation.index()].body;
                    let last_first = super::block_order::last_first(body);
                    plan.steps
                        .push(CreationStep::Body(implementation, last_first));
                }
            }
        }
        let plan = Rc::new(plan);
        self.creation_plans[entity.index()] = Some(plan.clone());
        plan
    }

    /// Queues the statements of an implementation's body for an instance, in a new scope.
    fn spawn_body(
        &mut self,
        instance: InstanceId,
        implementation: ImplementationId,
        last_first: bool,
    ) {
        let def = &self.model.implementations[implementation.index()];
        if def.body.is_empty() {
            return;
        }
        let root = self.roots[&def.namespace];
        let scope = self.new_scope(Some(root), Some(instance), def.namespace, &def.body);
        self.spawn_statements(&def.body, scope, last_first);
    }

    /// Queues every statement of a nested block (an implementation, `for` or `if` body) in its
    /// scope, in source order or last first ([`super::block_order`]).
    fn spawn_statements(&mut self, body: &'m [Stmt], scope: ScopeId, last_first: bool) {
        if last_first {
            for stmt in body.iter().rev() {
                self.spawn(Work::Stmt(stmt, scope));
            }
        } else {
            for stmt in body {
                self.spawn(Work::Stmt(stmt, scope));
            }
        }
    }

    /// Evaluates a typedef constraint with `self` bound to `value`, without waiting.
    pub fn eval_constraint(
        &mut self,
        namespace: NamespaceId,
        expr: &'m Expr,
        value: &Value,
    ) -> Result<Value, String> {
        // A constraint sees `self` and nothing else: the language gives it no variables, even
        // those that happen to be set by the time it runs.
        self.scopes.push(Scope {
            parent: None,
            vars: Default::default(),
            instance: None,
            namespace,
            bound: smallvec::smallvec![("self", value.clone())],
        });
        let scope = ScopeId(self.scopes.len() as u32 - 1);
        let task = self.direct_task();
        // The running task's remembered instances are set aside for this evaluation.
        let memo = std::mem::take(&mut self.memo);
        let memo_pos = std::mem::replace(&mut self.memo_pos, 0);
        let result = eval(self, task, expr, scope);
        self.memo = memo;
        self.memo_pos = memo_pos;
        self.scopes.pop();
        match result {
            Ok(v) => Ok(v),
            Err(Flow::Wait(_)) => Err("a type constraint can not reference variables".into()),
            Err(Flow::Error(e)) => Err(Diagnostic::from(*e).message),
        }
    }

    /// A task that never runs, for direct evaluation.
    fn direct_task(&mut self) -> TaskId {
        if let Some(t) = self.direct {
            return t;
        }
        let id = TaskId(self.tasks.len() as u32);
        self.tasks.push(Task {
            work: Work::Direct,
            done: true,
            queued: false,
            promised: None,
            waiting_on: None,
            consumed: 0,
            listened: false,
        });
        self.direct = Some(id);
        id
    }
}

/// Looks a variable up through the scopes.
/// What a name refers to from a scope: the first scope, innermost first, that knows it.
enum Named<'a> {
    /// A `for` or comprehension variable.
    Bound(&'a Value),
    /// A variable assigned in a block.
    Variable(CellId),
    /// `self` in an implementation.
    SelfInstance(InstanceId),
    /// An attribute of the implementation's instance.
    Slot(InstanceId, CellId),
}

fn find_name<'a>(rt: &'a Runtime<'_>, name: &str, scope: ScopeId) -> Option<Named<'a>> {
    let mut current = Some(scope);
    while let Some(id) = current {
        let s = &rt.scopes[id.0 as usize];
        if let Some((_, v)) = s.bound.iter().rev().find(|(n, _)| *n == name) {
            return Some(Named::Bound(v));
        }
        if let Some(cell) = rt.var_table.get(s.vars, name) {
            return Some(Named::Variable(cell));
        }
        if let Some(instance) = s.instance {
            if name == "self" {
                return Some(Named::SelfInstance(instance));
            }
            if let Some(slot) = rt.layout_of(instance).slot(name) {
                let cell = rt.instances[instance.0 as usize].cell(slot);
                return Some(Named::Slot(instance, cell));
            }
        }
        current = s.parent;
    }
    None
}

fn lookup(rt: &mut Runtime<'_>, name: &str, scope: ScopeId, span: Span) -> R<Value> {
    match find_name(rt, name, scope) {
        Some(Named::Bound(v)) => Ok(v.clone()),
        Some(Named::Variable(cell)) => rt.read(cell),
        Some(Named::SelfInstance(instance)) => Ok(Value::Instance(instance)),
        Some(Named::Slot(instance, cell)) => read_slot(rt, instance, cell, name, span),
        None => Err(EvalError::VariableNotFound {
            name: name.to_string(),
            span,
        }
        .into()),
    }
}

/// A variable of a scope as `std::template` reads it: `None` when the scope has none of that name
/// (`self` is Jinja's own name there).
pub(super) fn scope_variable(rt: &mut Runtime<'_>, name: &str, scope: ScopeId) -> Option<R<Value>> {
    match find_name(rt, name, scope)? {
        Named::SelfInstance(_) => None,
        _ => Some(lookup(rt, name, scope, Span::default())),
    }
}

/// `item["key"]` where `item` is a loop variable or a variable holding a dict that has the key:
/// the entry, read in place. Looping over `lsm::all` does this for every record, whose dict
/// would otherwise be cloned and dropped for each lookup. Anything else (a missing key
/// included) is `None`, for the general path and its messages.
fn bound_entry(rt: &Runtime<'_>, map: &Expr, key: &Expr, scope: ScopeId) -> Option<Value> {
    let (ExprKind::Var { path }, ExprKind::Str { value: key }) = (&map.kind, &key.kind) else {
        return None;
    };
    let [name] = path.segments.as_slice() else {
        return None;
    };
    let entries = match find_name(rt, &name.text, scope)? {
        Named::Bound(Value::Dict(entries)) => entries,
        // A variable that holds a dict (`attrs = instance["attributes"]`), read in place too.
        Named::Variable(cell) => match &rt.cells[cell.0 as usize].value {
            Some(Value::Dict(entries)) => entries,
            _ => return None,
        },
        _ => return None,
    };
    entries
        .iter()
        .find(|(k, _)| **k == **key)
        .map(|(_, v)| v.clone())
}

/// Reads an attribute slot: waits until available; an optional relation frozen empty is an error.
fn read_slot(
    rt: &Runtime<'_>,
    instance: InstanceId,
    cell: CellId,
    name: &str,
    span: Span,
) -> R<Value> {
    let c = &rt.cells[cell.0 as usize];
    if c.shape == Shape::Optional && c.frozen() && c.value.as_ref().is_none_or(Value::is_null) {
        let entity = &rt
            .model
            .entity(rt.instances[instance.0 as usize].entity)
            .full_name;
        return Err(EvalError::OptionalWithoutValue {
            entity: entity.clone(),
            name: name.to_string(),
            instance: rt.describe(instance),
            span,
        }
        .into());
    }
    rt.read(cell)
}

/// The text of an expression as written.
fn expr_text(rt: &Runtime<'_>, expr: &Expr) -> String {
    rt.sources
        .map(|s| s.get(expr.span.file).text[expr.span.range()].to_string())
        .unwrap_or_default()
}

/// Evaluates an expression in a scope.
pub fn eval<'m>(rt: &mut Runtime<'m>, task: TaskId, expr: &'m Expr, scope: ScopeId) -> R<Value> {
    match &expr.kind {
        ExprKind::Int { value } => Ok(Value::Int(*value)),
        ExprKind::Float { value } => Ok(Value::Float(*value)),
        ExprKind::Bool { value } => Ok(Value::Bool(*value)),
        ExprKind::Null => Ok(Value::Null),
        ExprKind::Str { value } => Ok(Value::Str(rt.literal(value))),
        ExprKind::Interpolated { template, parts } => {
            let mut texts: smallvec::SmallVec<[String; 4]> = smallvec::SmallVec::new();
            for part in parts {
                let v = eval_chain(rt, &part.reference, scope, part.span)?;
                texts.push(rt.format_value(&v));
            }
            Ok(Value::str(&interpolate(template, parts, &texts)))
        }
        ExprKind::FString { template, parts } => {
            let mut values = Vec::new();
            let mut positional = false;
            for part in parts {
                // `{}`: the reference looks its named fields up first, then refuses it.
                if part.placeholder.is_empty() {
                    positional = true;
                    continue;
                }
                let v = eval_chain(rt, &part.reference, scope, part.span)?;
                values.push((part.placeholder.trim().to_string(), v));
            }
            if positional {
                return Err(EvalError::FStringPositional { span: expr.span }.into());
            }
            super::format::format_fstring(rt, template, &values)
                .map(|s| Value::str(&s))
                .map_err(|message| {
                    EvalError::FString {
                        message,
                        span: expr.span,
                    }
                    .into()
                })
        }
        ExprKind::Regex { pattern } => {
            let subject = lookup(rt, "self", scope, expr.span)?;
            super::types::regex_match(pattern, &subject)
                .map(Value::Bool)
                .map_err(|message| {
                    EvalError::Regex {
                        message,
                        span: expr.span,
                    }
                    .into()
                })
        }
        ExprKind::Var { path } => {
            if path.segments.len() == 1 {
                return lookup(rt, &path.segments[0].text, scope, expr.span);
            }
            // Resolution says which variable; the runtime scope of its namespace holds its value.
            let cell = match rt.model.resolution.def_at(path.span) {
                Some(Def::Variable(v)) => {
                    let variable = rt.model.variable(v);
                    let root = rt.roots[&variable.namespace];
                    rt.var_table
                        .get(rt.scopes[root.0 as usize].vars, &variable.name)
                }
                _ => None,
            };
            match cell {
                Some(cell) => rt.read(cell),
                None => {
                    let written = path.to_text();
                    let (ns_name, name) = written.rsplit_once("::").unwrap_or(("", &written));
                    Err(EvalError::NamespaceVariableNotFound {
                        namespace: ns_name.to_string(),
                        name: name.to_string(),
                        span: expr.span,
                    }
                    .into())
                }
            }
        }
        ExprKind::Attribute { object, name } => {
            let target = eval(rt, task, object, scope)?;
            attribute_of(rt, &target, name, object, expr.span)
        }
        ExprKind::Call {
            function,
            arguments,
        } => {
            let mut positional = Vec::new();
            let mut keyword = Vec::new();
            for argument in arguments {
                match argument {
                    Argument::Positional { value } => {
                        positional.push(eval(rt, task, value, scope)?)
                    }
                    Argument::Keyword { name, value } => {
                        keyword.push((name.text.clone(), eval(rt, task, value, scope)?))
                    }
                    Argument::Kwargs { value } => {
                        let entries = spread(rt, task, value, scope)?;
                        keyword.extend(entries.iter().map(|(k, v)| (k.to_string(), v.clone())))
                    }
                }
            }
            super::plugins::call(
                rt,
                function,
                positional,
                keyword,
                (scope, scope_variable),
                expr.span,
            )
        }
        ExprKind::Construct { class, arguments } => {
            construct(rt, task, class, arguments, scope, expr.span, None, true)
        }
        ExprKind::List { .. } | ExprKind::Comprehension { .. } | ExprKind::Conditional { .. } => {
            eval_rhs(rt, task, expr, scope, None)
        }
        ExprKind::IndexLookup { class, arguments } => {
            let entity = class_entity(rt, class)?;
            let mut key = Vec::new();
            for argument in arguments {
                keyword_arguments(rt, task, argument, scope, &mut key)?;
            }
            rt.index_lookup(entity, key, expr.span)
        }
        ExprKind::ShortIndexLookup {
            object,
            relation,
            arguments,
        } => {
            let root = eval(rt, task, object, scope)?;
            let Value::Instance(instance) = root else {
                return Err(EvalError::ShortLookupOnNonInstance {
                    value: rt.str_of(&root),
                    span: object.span,
                }
                .into());
            };
            let entity = rt.instances[instance.0 as usize].entity;
            let Some(end) = rt.model.relation_end(entity, &relation.text).cloned() else {
                return Err(EvalError::NoRelation {
                    relation: relation.text.clone(),
                    entity: rt.model.entity(entity).full_name.clone(),
                    span: relation.span,
                }
                .into());
            };
            let relation_def = rt
                .model
                .relations
                .iter()
                .find(|r| {
                    r.ends
                        .iter()
                        .any(|e| e.owner == end.owner && e.name == end.name)
                })
                .expect("a relation end belongs to a relation");
            let inverse = relation_def
                .ends
                .iter()
                .find(|e| !(e.owner == end.owner && e.name == end.name))
                .and_then(|e| e.name.clone());
            let Some(inverse) = inverse else {
                return Err(EvalError::ShortLookupUnidirectional {
                    entity: rt.model.entity(entity).full_name.clone(),
                    relation: relation.text.clone(),
                    span: relation.span,
                }
                .into());
            };
            let mut key = vec![(inverse, Value::Instance(instance))];
            for argument in arguments {
                keyword_arguments(rt, task, argument, scope, &mut key)?;
            }
            rt.index_lookup(end.target, key, expr.span)
        }
        ExprKind::MapLookup { map, key } => {
            if let Some(v) = bound_entry(rt, map, key, scope) {
                return Ok(v);
            }
            let m = eval(rt, task, map, scope)?;
            let k = eval(rt, task, key, scope)?;
            let Value::Dict(entries) = &m else {
                return Err(EvalError::DictLookupOnNonDict {
                    value: rt.str_of(&m),
                    span: map.span,
                }
                .into());
            };
            let Value::Str(k) = &k else {
                return Err(EvalError::DictKeyNotString {
                    value: rt.str_of(&k),
                    span: key.span,
                }
                .into());
            };
            match entries.iter().find(|(name, _)| name == k) {
                Some((_, v)) => Ok(v.clone()),
                None => Err(EvalError::KeyNotFound {
                    key: k.to_string(),
                    options: entries.iter().map(|(n, _)| n.to_string()).collect(),
                    span: key.span,
                }
                .into()),
            }
        }
        ExprKind::Dict { entries } => {
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                out.push((Str::from(k.as_str()), eval(rt, task, v, scope)?));
            }
            deep_enough(Value::Dict(super::value::Dict::new(out)), expr.span)
        }
        ExprKind::Binary {
            op,
            op_span,
            left,
            right,
        } => binary(rt, task, *op, *op_span, left, right, scope),
        ExprKind::Not { operand } => match eval(rt, task, operand, scope)? {
            Value::Bool(b) => Ok(Value::Bool(!b)),
            Value::Unknown => Ok(Value::Unknown),
            other => Err(EvalError::NotBoolean {
                used: BooleanUse::Not,
                value: rt.str_of(&other),
                span: operand.span,
            }
            .into()),
        },
        ExprKind::IsDefined { target } => is_defined(rt, task, target, scope),
        ExprKind::Error => Ok(Value::Unknown),
    }
}

/// A list or dict that `span` builds, refused when it nests deeper than
/// [`super::value::MAX_VALUE_NESTING`]: a chain of statements each wrapping the last value once
/// more has no syntax nesting, and would otherwise overflow the stack of every walk over it.
fn deep_enough(value: Value, span: Span) -> R<Value> {
    let nesting = value.nesting();
    if nesting > super::value::MAX_VALUE_NESTING {
        return Err(EvalError::ValueTooDeep { span }.into());
    }
    Ok(value)
}

/// The end of a relation an expression is assigned to: by a constructor's keyword argument or
/// `x.rel = ...`. A constructor in the value (directly, in a list, a branch of a conditional
/// expression or the value of a comprehension) whose index includes the inverse end and does
/// not give it takes `instance` for it: Inmanta's implicit inverse.
#[derive(Debug, Clone, Copy)]
struct Lhs {
    instance: InstanceId,
    relation: RelationId,
    /// The end `instance` holds; the constructed instance holds the other one.
    end: usize,
}

/// Evaluates an expression that may be assigned to a relation (`lhs`): constructors, lists,
/// comprehensions and conditional expressions pass the relation on to their constructors.
fn eval_rhs<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    expr: &'m Expr,
    scope: ScopeId,
    lhs: Option<Lhs>,
) -> R<Value> {
    match &expr.kind {
        ExprKind::Construct { class, arguments } => {
            construct(rt, task, class, arguments, scope, expr.span, lhs, true)
        }
        ExprKind::List { items } => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match eval_rhs(rt, task, item, scope, lhs)? {
                    // List literals flatten nested lists.
                    Value::List(inner) => out.extend(inner.iter().cloned()),
                    v => out.push(v),
                }
            }
            deep_enough(Value::list(out), expr.span)
        }
        ExprKind::Comprehension {
            value,
            loops,
            guards,
        } => {
            let namespace = rt.scopes[scope.0 as usize].namespace;
            rt.scopes.push(Scope {
                parent: Some(scope),
                vars: Default::default(),
                instance: None,
                namespace,
                bound: Default::default(),
            });
            let inner = ScopeId(rt.scopes.len() as u32 - 1);
            let mut out = Vec::new();
            comprehension(rt, task, value, loops, guards, inner, lhs, &mut out)?;
            deep_enough(Value::list(out), expr.span)
        }
        ExprKind::Conditional {
            condition,
            then,
            otherwise,
        } => match eval(rt, task, condition, scope)? {
            Value::Bool(true) => eval_rhs(rt, task, then, scope, lhs),
            Value::Bool(false) => eval_rhs(rt, task, otherwise, scope, lhs),
            Value::Unknown => Ok(Value::Unknown),
            other => Err(EvalError::NotBoolean {
                used: BooleanUse::ConditionalExpression,
                value: rt.str_of(&other),
                span: condition.span,
            }
            .into()),
        },
        _ => eval(rt, task, expr, scope),
    }
}

/// The entries of `**value`: a dict, else an error.
fn spread<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    value: &'m Expr,
    scope: ScopeId,
) -> R<super::value::Dict> {
    match eval(rt, task, value, scope)? {
        Value::Dict(entries) => Ok(entries),
        _ => Err(EvalError::SpreadOfNonDict { span: value.span }.into()),
    }
}

fn keyword_arguments<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    argument: &'m Argument,
    scope: ScopeId,
    out: &mut Vec<(String, Value)>,
) -> R<()> {
    match argument {
        Argument::Keyword { name, value } => {
            let v = eval(rt, task, value, scope)?;
            out.push((name.text.clone(), v));
        }
        Argument::Kwargs { value } => {
            let entries = spread(rt, task, value, scope)?;
            out.extend(entries.iter().map(|(k, v)| (k.to_string(), v.clone())))
        }
        Argument::Positional { value } => {
            eval(rt, task, value, scope)?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn comprehension<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    value: &'m Expr,
    loops: &'m [(Name, Expr)],
    guards: &'m [Expr],
    scope: ScopeId,
    lhs: Option<Lhs>,
    out: &mut Vec<Value>,
) -> R<()> {
    let Some(((variable, iterable), rest)) = loops.split_first() else {
        for guard in guards {
            match eval(rt, task, guard, scope)? {
                Value::Bool(true) => {}
                Value::Bool(false) | Value::Unknown => return Ok(()),
                other => {
                    return Err(EvalError::NotBoolean {
                        used: BooleanUse::ComprehensionGuard,
                        value: rt.str_of(&other),
                        span: guard.span,
                    }
                    .into())
                }
            }
        }
        match eval_rhs(rt, task, value, scope, lhs)? {
            Value::List(inner) => out.extend(inner.iter().cloned()),
            v => out.push(v),
        }
        return Ok(());
    };
    let items = match eval(rt, task, iterable, scope)? {
        Value::List(items) => items,
        Value::Unknown => return Ok(()),
        other => {
            return Err(EvalError::ComprehensionOverNonList {
                type_name: other.type_name().to_string(),
                span: iterable.span,
            }
            .into())
        }
    };
    let name: &'m str = &variable.text;
    for item in items.iter() {
        rt.scopes[scope.0 as usize].bound.push((name, item.clone()));
        let result = comprehension(rt, task, value, rest, guards, scope, lhs, out);
        rt.scopes[scope.0 as usize].bound.pop();
        result?;
    }
    Ok(())
}

/// The template with each part's placeholder replaced by its text, everywhere, part after part
/// (the reference's successive `str.replace`). In one pass when no text has a brace (which could
/// make or break a placeholder), which gives the same string.
fn interpolate(template: &str, parts: &[crate::ast::Interpolation], texts: &[String]) -> String {
    if texts
        .iter()
        .any(|t| t.bytes().any(|b| b == b'{' || b == b'}'))
    {
        let mut out = template.to_string();
        for (part, text) in parts.iter().zip(texts) {
            out = out.replace(&part.placeholder, text);
        }
        return out;
    }
    let mut out =
        String::with_capacity(template.len() + texts.iter().map(String::len).sum::<usize>());
    let mut rest = template;
    while let Some(at) = find_double_brace(rest) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match parts.iter().position(|p| rest.starts_with(&p.placeholder)) {
            Some(i) => {
                out.push_str(&texts[i]);
                rest = &rest[parts[i].placeholder.len()..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Where `{{` starts, found byte by byte: templates are short, and a substring searcher costs
/// more to set up than the search.
fn find_double_brace(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(1)).find(|&i| bytes[i] == b'{' && bytes[i + 1] == b'{')
}

/// `a.b.c` from names, as string interpolation refers to values.
fn eval_chain(rt: &mut Runtime<'_>, names: &[Name], scope: ScopeId, span: Span) -> R<Value> {
    let mut value = lookup(rt, &names[0].text, scope, span)?;
    for name in &names[1..] {
        let holder = Expr::new(ExprKind::Null, span);
        value = attribute_of(rt, &value, name, &holder, span)?;
    }
    Ok(value)
}

fn attribute_of(
    rt: &mut Runtime<'_>,
    target: &Value,
    name: &Name,
    object: &Expr,
    span: Span,
) -> R<Value> {
    match target {
        Value::Instance(instance) => {
            let instance = *instance;
            match rt.slot(instance, &name.text) {
                Some(cell) => read_slot(rt, instance, cell, &name.text, span),
                None => Err(EvalError::NoAttribute {
                    entity: rt
                        .model
                        .entity(rt.instances[instance.0 as usize].entity)
                        .full_name
                        .clone(),
                    name: name.text.clone(),
                    span: name.span,
                }
                .into()),
            }
        }
        Value::Unknown => Ok(Value::Unknown),
        // The reference names the list itself, and any other value by the expression written.
        Value::List(_) => Err(EvalError::AttributeOfNonInstance {
            name: name.text.clone(),
            object: rt.str_of(target),
            type_name: "list".to_string(),
            value: None,
            span,
        }
        .into()),
        other => Err(EvalError::AttributeOfNonInstance {
            name: name.text.clone(),
            object: expr_text(rt, object),
            type_name: other.type_name().to_string(),
            value: Some(rt.str_of(other)),
            span,
        }
        .into()),
    }
}

fn is_defined<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    target: &'m Expr,
    scope: ScopeId,
) -> R<Value> {
    let (instance, name) = match &target.kind {
        ExprKind::Attribute { object, name } => match eval(rt, task, object, scope)? {
            Value::Instance(i) => (Some(i), name.text.clone()),
            Value::Unknown => return Ok(Value::Unknown),
            _ => return Ok(Value::Bool(false)),
        },
        ExprKind::Var { path } if path.segments.len() == 1 => {
            let name = &path.segments[0].text;
            // A bare name in an implementation or `when` is an attribute of the instance.
            let mut current = Some(scope);
            let mut found = None;
            while let Some(id) = current {
                let s = &rt.scopes[id.0 as usize];
                if s.bound.iter().any(|(n, _)| *n == name.as_str())
                    || rt.var_table.get(s.vars, name).is_some()
                {
                    break;
                }
                if let Some(i) = s.instance {
                    if rt.slot(i, name).is_some() {
                        found = Some(i);
                        break;
                    }
                }
                current = rt.scopes[id.0 as usize].parent;
            }
            match found {
                Some(i) => (Some(i), name.clone()),
                None => {
                    let v = eval(rt, task, target, scope)?;
                    return Ok(Value::Bool(!v.is_null()));
                }
            }
        }
        ExprKind::MapLookup { map, key } => {
            let m = eval(rt, task, map, scope)?;
            let k = eval(rt, task, key, scope)?;
            let defined = match (&m, &k) {
                (Value::Dict(_), Value::Str(k)) => match m.dict_get(k) {
                    Some(Value::Null) | None => false,
                    Some(Value::List(l)) => !l.is_empty(),
                    Some(_) => true,
                },
                _ => false,
            };
            return Ok(Value::Bool(defined));
        }
        _ => {
            let v = eval(rt, task, target, scope)?;
            return Ok(Value::Bool(!v.is_null()));
        }
    };
    let instance = instance.expect("set above");
    let Some(cell) = rt.slot(instance, &name) else {
        return Ok(Value::Bool(false));
    };
    let c = &rt.cells[cell.0 as usize];
    match c.shape {
        Shape::Single => match &c.value {
            Some(v) => Ok(Value::Bool(!v.is_null())),
            None => Err(Flow::Wait(cell)),
        },
        Shape::Optional => match &c.value {
            Some(v) => Ok(Value::Bool(!v.is_null())),
            None if c.frozen() => Ok(Value::Bool(false)),
            None => Err(Flow::Wait(cell)),
        },
        Shape::Multi => {
            if !c.items().is_empty() {
                Ok(Value::Bool(true))
            } else if c.frozen() {
                Ok(Value::Bool(false))
            } else {
                Err(Flow::Wait(cell))
            }
        }
    }
}

fn binary<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    op: BinaryOp,
    op_span: Span,
    left: &'m Expr,
    right: &'m Expr,
    scope: ScopeId,
) -> R<Value> {
    if matches!(op, BinaryOp::And | BinaryOp::Or) {
        let l = eval(rt, task, left, scope)?;
        let word = if op == BinaryOp::And { "and" } else { "or" };
        let l = match l {
            Value::Bool(b) => b,
            Value::Unknown => return Ok(Value::Unknown),
            other => {
                return Err(EvalError::NotBoolean {
                    used: BooleanUse::Left { operator: word },
                    value: rt.str_of(&other),
                    span: left.span,
                }
                .into())
            }
        };
        if (op == BinaryOp::And && !l) || (op == BinaryOp::Or && l) {
            return Ok(Value::Bool(l));
        }
        return match eval(rt, task, right, scope)? {
            Value::Bool(b) => Ok(Value::Bool(b)),
            Value::Unknown => Ok(Value::Unknown),
            other => Err(EvalError::NotBoolean {
                used: BooleanUse::Right { operator: word },
                value: rt.str_of(&other),
                span: right.span,
            }
            .into()),
        };
    }
    let l = eval(rt, task, left, scope)?;
    let r = eval(rt, task, right, scope)?;
    super::types::operator(rt, op, &l, &r).map_err(|error| {
        match error {
            OperatorError::Operands(message) => EvalError::OperandTypes {
                message,
                span: op_span,
            },
            OperatorError::Arithmetic(message) => EvalError::Operator {
                message,
                span: op_span,
            },
        }
        .into()
    })
}

/// The entity a constructor call or index lookup names. A constructor whose type only a relation
/// could give fails here with the error resolution kept for it.
fn class_entity(rt: &Runtime<'_>, class: &crate::ast::ClassRef) -> R<EntityId> {
    let resolution = &rt.model.resolution;
    match resolution.def_at(class.span) {
        Some(Def::Entity(e)) => Ok(e),
        _ => Err(match resolution.deferred(class.span) {
            Some(d) => EvalError::Deferred(Box::new(d.clone())),
            None => EvalError::TypeNotFound {
                name: class.to_text(),
                span: class.span,
            },
        }
        .into()),
    }
}

/// `wrap_arguments`: an argument that fails is reported on the new instance's attribute (see
/// [`could_not_compute`]); not when the constructor is itself the value of an attribute, which
/// reports it on its own attribute.
///
/// As in the reference, an instance exists as soon as the values its indexes need are there:
/// the constructor waits for its index arguments (and `**` arguments) only. Every other argument
/// is stored once the instance exists; one whose value is not there yet is stored by a task of
/// its own ([`SetSlot`]), and a relation given from another relation grows with it.
#[allow(clippy::too_many_arguments)]
fn construct<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    class: &crate::ast::ClassRef,
    arguments: &'m [Argument],
    scope: ScopeId,
    span: Span,
    lhs: Option<Lhs>,
    wrap_arguments: bool,
) -> R<Value> {
    let entity = class_entity(rt, class)?;
    // The call's place in the memo, before its arguments': a call made before returns its
    // instance without evaluating its arguments again.
    let pos = rt.memo_pos;
    match rt.memo.get(pos) {
        Some((value, end)) if *end != 0 => {
            let value = value.clone();
            rt.memo_pos = *end as usize;
            return Ok(value);
        }
        Some(_) => {}
        None => rt.memo.push((Value::Null, 0)),
    }
    rt.memo_pos += 1;
    let layout = rt.layout(entity);
    let plan = rt.index_slots(entity);
    let mut given = super::instances::Given::new();
    // Arguments stored once the instance exists, in the order written.
    let mut late: smallvec::SmallVec<[(usize, &'m Expr); 4]> = smallvec::SmallVec::new();
    let slot_of = |rt: &Runtime<'m>, name: &str| -> R<usize> {
        layout.slot(name).ok_or_else(|| {
            EvalError::NoAttributeInConstructor {
                name: name.to_string(),
                entity: rt.model.entity(entity).full_name.clone(),
                span,
            }
            .into()
        })
    };
    let twice = |name: &str| -> Flow {
        EvalError::SetTwiceInConstructor {
            name: name.to_string(),
            class: class.name.text.clone(),
            span,
        }
        .into()
    };
    for argument in arguments {
        match argument {
            Argument::Keyword { name, value } => {
                let slot = slot_of(rt, &name.text)?;
                if given.iter().any(|(s, _)| *s == slot) || late.iter().any(|(s, _)| *s == slot) {
                    return Err(twice(&name.text));
                }
                if !plan.in_index[slot] {
                    late.push((slot, value));
                    continue;
                }
                let v = eval(rt, task, value, scope).map_err(|flow| {
                    if !wrap_arguments {
                        return flow;
                    }
                    let instance = || {
                        format!(
                            "{} (instantiated at {})",
                            rt.model.entity(entity).full_name,
                            rt.location_text(span)
                        )
                    };
                    could_not_compute(flow, &name.text, instance, span)
                })?;
                given.push((slot, v));
            }
            Argument::Kwargs { value } => {
                for (k, v) in spread(rt, task, value, scope)?.iter() {
                    let slot = slot_of(rt, k)?;
                    if given.iter().any(|(s, _)| *s == slot) || late.iter().any(|(s, _)| *s == slot)
                    {
                        return Err(twice(k));
                    }
                    given.push((slot, v.clone()));
                }
            }
            Argument::Positional { value } => {
                eval(rt, task, value, scope)?;
            }
        }
    }
    let implicit = lhs.and_then(|lhs| {
        let slot = inverse_slot(rt, &layout, lhs)?;
        Some((slot, Value::Instance(lhs.instance)))
    });
    let late_slots: smallvec::SmallVec<[usize; 4]> = late.iter().map(|(s, _)| *s).collect();
    let value = rt.construct(entity, given, &late_slots, implicit, span)?;
    let Value::Instance(instance) = value else {
        unreachable!("a constructor makes an instance")
    };
    for (slot, expr) in late {
        if passes_lhs(expr) {
            check_hint(rt, &layout, slot, expr)?;
        }
        let job = SetSlot {
            instance,
            slot,
            expr,
            scope,
            span,
            wrap: wrap_arguments,
            statement: false,
        };
        let start = rt.memo_pos;
        if gradual_source(rt, &job) {
            rt.spawn(Work::SetSlot(Rc::new(job)));
            continue;
        }
        // Not gradual (checked just above): stored at once, or by a task of its own if it waits.
        match store_value(rt, task, &job) {
            Ok(_) => {}
            Err(Flow::Wait(_)) => {
                // The task that stores it later makes the same instances this run made.
                let memo: Vec<(Value, u32)> = rt.memo[start..rt.memo_pos]
                    .iter()
                    .map(|(v, end)| (v.clone(), end.saturating_sub(start as u32)))
                    .collect();
                let id = rt.spawn(Work::SetSlot(Rc::new(job)));
                if !memo.is_empty() {
                    rt.memos.insert(id, memo);
                }
            }
            Err(error) => return Err(error),
        }
    }
    rt.memo[pos] = (value.clone(), rt.memo_pos as u32);
    Ok(value)
}

/// A constructor written as the value of another constructor's argument must make what the
/// argument holds: an instance of the relation's target (the reference checks it when it reads
/// the model, before any value is known).
fn check_hint(rt: &Runtime<'_>, layout: &super::Layout, slot: usize, expr: &Expr) -> R<()> {
    match &expr.kind {
        ExprKind::Construct { class, .. } => {
            let Some(Def::Entity(entity)) = rt.model.resolution.def_at(class.span) else {
                return Ok(());
            };
            let model = rt.model;
            let def = &layout.slots[slot];
            let mismatch = |written: String, expected: String| -> R<()> {
                Err(EvalError::ConstructorTypeMismatch {
                    written,
                    expected,
                    span: expr.span,
                }
                .into())
            };
            if let Some((owner, index)) = def.attribute {
                let attribute = &model.entity(owner).attributes[index];
                return mismatch(class.to_text(), attribute.base_text.clone());
            }
            if let Some((relation, end)) = def.relation {
                let target = model.relations[relation.index()].ends[end].target;
                if !rt.is_subtype(entity, target) {
                    return mismatch(
                        model.entity(entity).full_name.clone(),
                        model.entity(target).full_name.clone(),
                    );
                }
            }
            Ok(())
        }
        ExprKind::List { items } => items
            .iter()
            .try_for_each(|item| check_hint(rt, layout, slot, item)),
        ExprKind::Conditional {
            then, otherwise, ..
        } => {
            check_hint(rt, layout, slot, then)?;
            check_hint(rt, layout, slot, otherwise)
        }
        ExprKind::Comprehension { value, .. } => check_hint(rt, layout, slot, value),
        _ => Ok(()),
    }
}

/// A value to store in one slot of an instance, by a task of its own: a constructor argument
/// whose value was not there when the instance was made, or a relation that takes the values of
/// another one as they arrive.
#[derive(Debug)]
pub(super) struct SetSlot<'m> {
    pub(super) instance: InstanceId,
    slot: usize,
    expr: &'m Expr,
    pub(super) scope: ScopeId,
    /// Where the value is set: the constructor call or the assignment.
    span: Span,
    /// Whether a failure computing the value is reported on the slot ([`could_not_compute`]).
    wrap: bool,
    /// Set by an assignment statement (its errors are mapped as the statement's).
    statement: bool,
}

/// Whether a relation slot is given values as they arrive: the value is a multi relation of an
/// instance (`x.rel`) or a list literal with one.
fn gradual_source(rt: &Runtime<'_>, job: &SetSlot<'_>) -> bool {
    let cell = rt.instances[job.instance.0 as usize].cell(job.slot);
    if rt.cells[cell.0 as usize].shape != Shape::Multi {
        return false;
    }
    match &job.expr.kind {
        ExprKind::List { items } => items.iter().any(may_read_relation),
        _ => may_read_relation(job.expr),
    }
}

/// The multi relation an expression reads, when it is one: `x.rel`, or in an implementation
/// `rel` of the instance. Readers that take values one by one listen to it.
fn relation_source<'m>(
    rt: &mut Runtime<'m>,
    task: TaskId,
    expr: &'m Expr,
    scope: ScopeId,
) -> R<Option<CellId>> {
    let cell = match &expr.kind {
        ExprKind::Attribute { object, name } => match eval(rt, task, object, scope)? {
            Value::Instance(instance) => rt.slot(instance, &name.text),
            _ => None,
        },
        ExprKind::Var { path } if path.segments.len() == 1 => {
            match find_name(rt, &path.segments[0].text, scope) {
                Some(Named::Slot(_, cell)) => Some(cell),
                _ => None,
            }
        }
        _ => None,
    };
    Ok(cell.filter(|cell| rt.cells[cell.0 as usize].shape == Shape::Multi))
}

/// Whether an expression may read a multi relation (see [`relation_source`]).
fn may_read_relation(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Attribute { .. } => true,
        ExprKind::Var { path } => path.segments.len() == 1,
        _ => false,
    }
}

/// Runs a [`SetSlot`] task.
fn exec_set_slot<'m>(rt: &mut Runtime<'m>, task: TaskId, job: &Rc<SetSlot<'m>>) -> R<Outcome> {
    let cell = rt.instances[job.instance.0 as usize].cell(job.slot);
    // Promise the value so that the relation is not frozen while this waits.
    if rt.cells[cell.0 as usize].delayed() && rt.tasks[task.0 as usize].promised.is_none() {
        rt.cells[cell.0 as usize].promises += 1;
        rt.tasks[task.0 as usize].promised = Some(cell);
    }
    store(rt, task, job)
}

/// Stores the value of a [`SetSlot`]: at once, or gradually (the task listens to the relation it
/// takes values from).
fn store<'m>(rt: &mut Runtime<'m>, task: TaskId, job: &SetSlot<'m>) -> R<Outcome> {
    if gradual_source(rt, job) {
        if let ExprKind::List { items } = &job.expr.kind {
            // Each item arrives on its own, as the reference's list literal reports them.
            for item in items {
                rt.spawn(Work::SetSlot(Rc::new(SetSlot { expr: item, ..*job })));
            }
            return Ok(Outcome::Done);
        }
        let source =
            relation_source(rt, task, job.expr, job.scope).map_err(|f| map_store(rt, f, job))?;
        if let Some(source) = source {
            return listen_and_store(rt, task, job, source);
        }
    }
    store_value(rt, task, job)
}

/// Computes the value of a [`SetSlot`] and stores it whole.
fn store_value<'m>(rt: &mut Runtime<'m>, task: TaskId, job: &SetSlot<'m>) -> R<Outcome> {
    let v = match rt.relation_lhs(job) {
        Some(lhs) => eval_rhs(rt, task, job.expr, job.scope, Some(lhs)),
        None => eval(rt, task, job.expr, job.scope),
    }
    .map_err(|f| map_store(rt, f, job))?;
    rt.set_slot(job.instance, job.slot, v, job.span, false)
        .map_err(|f| map_store(rt, f, job))?;
    Ok(Outcome::Done)
}

/// Adds the values of a multi relation that arrived since the last run; done once it is frozen.
fn listen_and_store(
    rt: &mut Runtime<'_>,
    task: TaskId,
    job: &SetSlot<'_>,
    source: CellId,
) -> R<Outcome> {
    rt.tasks[task.0 as usize].listened = true;
    if !rt.listeners(source).contains(&task) {
        rt.waiting_mut(source).listeners.push(task);
    }
    let consumed = rt.tasks[task.0 as usize].consumed as usize;
    let items = rt.cells[source.0 as usize].items();
    if items.len() > consumed {
        let new = Value::list(items[consumed..].to_vec());
        rt.tasks[task.0 as usize].consumed = items.len() as u32;
        rt.set_slot(job.instance, job.slot, new, job.span, false)
            .map_err(|f| map_store(rt, f, job))?;
    }
    if rt.cells[source.0 as usize].frozen() {
        rt.waiting_mut(source).listeners.retain(|t| *t != task);
        return Ok(Outcome::Done);
    }
    Ok(Outcome::Listening)
}

fn rt_slot_name(rt: &Runtime<'_>, job: &SetSlot<'_>) -> Rc<str> {
    rt.layout_of(job.instance).slots[job.slot].name.clone()
}

/// How a failure storing a [`SetSlot`] is reported: as the assignment or the constructor
/// argument that asked for it.
fn map_store(rt: &Runtime<'_>, flow: Flow, job: &SetSlot<'_>) -> Flow {
    let Flow::Error(error) = flow else {
        return flow;
    };
    let name = rt_slot_name(rt, job);
    match *error {
        EvalError::WrongInstanceType { .. } | EvalError::NotAnInstanceForRelation { .. } => {
            EvalError::CouldNotSet {
                name: name.to_string(),
                instance: rt.describe(job.instance),
                problem: SetProblem::Invalid(Diagnostic::from(*error).message),
                span: job.span,
            }
            .into()
        }
        EvalError::IndexAttributeMissing { .. } if !job.statement => EvalError::CouldNotSet {
            name: name.to_string(),
            instance: rt.describe(job.instance),
            problem: SetProblem::Invalid(Diagnostic::from(*error).message),
            span: job.span,
        }
        .into(),
        _ if job.wrap || job.statement => could_not_compute(
            Flow::Error(error),
            &name,
            || rt.describe(job.instance),
            job.span,
        ),
        _ => Flow::Error(error),
    }
}

impl<'m> Runtime<'m> {
    /// The relation a [`SetSlot`] stores into, for constructors in its value that take the
    /// instance for an implicit inverse (see [`Lhs`]).
    fn relation_lhs(&mut self, job: &SetSlot<'m>) -> Option<Lhs> {
        if !passes_lhs(job.expr) {
            return None;
        }
        let (relation, end) = self.layout_of(job.instance).slots[job.slot].relation?;
        Some(Lhs {
            instance: job.instance,
            relation,
            end,
        })
    }
}

/// Whether `expr` is of a kind [`eval_rhs`] passes a relation on in.
fn passes_lhs(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::Construct { .. }
            | ExprKind::List { .. }
            | ExprKind::Conditional { .. }
            | ExprKind::Comprehension { .. }
    )
}

/// The slot of the constructed entity that is the inverse end of `lhs`'s relation, if it has one.
fn inverse_slot(rt: &Runtime<'_>, layout: &super::Layout, lhs: Lhs) -> Option<usize> {
    let def = &rt.model.relations[lhs.relation.index()];
    let (this, other) = (&def.ends[lhs.end], &def.ends[1 - lhs.end]);
    if other.owner == this.owner && other.name == this.name {
        return None;
    }
    let slot = layout.slot(other.name.as_deref()?)?;
    (layout.slots[slot].relation == Some((lhs.relation, 1 - lhs.end))).then_some(slot)
}

#[cfg(test)]
mod tests {
    use super::interpolate;
    use crate::ast::Interpolation;

    fn part(placeholder: &str) -> Interpolation {
        Interpolation {
            placeholder: placeholder.into(),
            reference: Vec::new(),
            span: Default::default(),
        }
    }

    /// The one-pass replacement gives what successive replacements give.
    #[test]
    fn interpolation_replaces_like_successive_replace() {
        let parts = [part("{{a}}"), part("{{ b }}")];
        let texts = ["x".to_string(), "y".to_string()];
        for template in [
            "{{a}}-{{ b }}",
            "{{{a}}}",
            "{{a}}{{a}}{{ b }}",
            "{{c}} {{a",
            "no braces",
            "{{{{ b }}",
            "{",
            "a{",
            "{{",
            "x{{a}}{",
        ] {
            let mut expected = template.to_string();
            for (p, t) in parts.iter().zip(&texts) {
                expected = expected.replace(&p.placeholder, t);
            }
            assert_eq!(
                interpolate(template, &parts, &texts),
                expected,
                "{template}"
            );
        }
        // A text with braces takes the slow path, with the same result as the reference.
        let texts = ["{{ b }}".to_string(), "y".to_string()];
        assert_eq!(interpolate("{{a}}", &parts, &texts), "y");
    }
}
