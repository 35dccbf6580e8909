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

pub fn stuck_error(rt: &Runtime) -> EvalError {
    EvalError::Stuck {
        max_iterations: rt.step_cap(),
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
                    let cell = rt
                        .var_table
                        .get(rt.scopes[scope.0 as usize].vars, name)
                        .expect("assigned variables are declared in their block");
                    set_variable(rt, cell, name, v, stmt.span)?;
                }
                ExprKind::Attribute { object, name } => {
                    assign_attribute(rt, task, object, name, value, scope, stmt.span, false)?;
                }
                _ => return Err(EvalError::NotAssignable { span: target.span }.into()),
            }
            Ok(Outcome::Done)
        }
        StmtKind::Extend { target, value } => {
            if let ExprKind::Attribute { object, name } = &target.kind {
                assign_attribute(rt, task, object, name, value, scope, stmt.span, true)?;
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
                        spawn_block(rt, scope, body, None);
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
                spawn_block(rt, scope, body, None);
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
) -> R<()> {
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
    let Some(cell) = rt.slot(instance, &name.text) else {
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
    // Promise the value so that the relation is not frozen while this waits.
    if rt.cells[cell.0 as usize].delayed() && rt.tasks[task.0 as usize].promised.is_none() {
        rt.cells[cell.0 as usize].promises += 1;
        rt.tasks[task.0 as usize].promised = Some(cell);
    }
    // `x.rel = E(...)`: the constructor may take `x` for the inverse end (see `Lhs`). A
    // constructor written as the value reports its own failures on its own attributes.
    let lhs = if passes_lhs(value) {
        rt.relation_end_of(instance, &name.text)
            .map(|(relation, end)| Lhs {
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
    rt.set_attribute(instance, &name.text, v, span, extend)
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
        })
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
) {
    let namespace = rt.scopes[parent.0 as usize].namespace;
    let scope = rt.new_scope(Some(parent), None, namespace, body);
    if let Some(b) = bound {
        rt.scopes[scope.0 as usize].bound.push(b);
    }
    rt.spawn_statements(body, scope);
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
    // A loop over a relation consumes its values as they arrive.
    if let ExprKind::Attribute { object, name: attr } = &iterable.kind {
        if let Value::Instance(instance) = eval(rt, task, object, scope)? {
            if let Some(cell) = rt.slot(instance, &attr.text) {
                if rt.cells[cell.0 as usize].shape == Shape::Multi {
                    rt.tasks[task.0 as usize].listened = true;
                    if !rt.listeners(cell).contains(&task) {
                        rt.waiting_mut(cell).listeners.push(task);
                    }
                    let items: Vec<Value> = rt.cells[cell.0 as usize].items().to_vec();
                    let consumed = rt.tasks[task.0 as usize].consumed as usize;
                    for item in items.into_iter().skip(consumed) {
                        spawn_block(rt, scope, body, Some((name, item)));
                    }
                    rt.tasks[task.0 as usize].consumed =
                        rt.cells[cell.0 as usize].items().len() as u32;
                    if rt.cells[cell.0 as usize].frozen() {
                        rt.waiting_mut(cell).listeners.retain(|t| *t != task);
                        return Ok(Outcome::Done);
                    }
                    return Ok(Outcome::Listening);
                }
            }
        }
    }
    match eval(rt, task, iterable, scope)? {
        Value::List(items) => {
            for item in items.iter() {
                spawn_block(rt, scope, body, Some((name, item.clone())));
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
        rt.spawn_body(instance, implementation);
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
    /// Run this implementation's body.
    Body(ImplementationId),
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

    /// The relation and end of the slot `name` of an instance, when it is a relation.
    fn relation_end_of(&mut self, instance: InstanceId, name: &str) -> Option<(RelationId, usize)> {
        let entity = self.instances[instance.0 as usize].entity;
        let layout = self.layout(entity);
        layout.slots[layout.slot(name)?].relation
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
                CreationStep::Body(implementation) => self.spawn_body(id, implementation),
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
                    plan.steps.push(CreationStep::Body(implementation));
                }
            }
        }
        let plan = Rc::new(plan);
        self.creation_plans[entity.index()] = Some(plan.clone());
        plan
    }

    /// Queues the statements of an implementation's body for an instance, in a new scope.
    fn spawn_body(&mut self, instance: InstanceId, implementation: ImplementationId) {
        let def = &self.model.implementations[implementation.index()];
        if def.body.is_empty() {
            return;
        }
        let root = self.roots[&def.namespace];
        let scope = self.new_scope(Some(root), Some(instance), def.namespace, &def.body);
        self.spawn_statements(&def.body, scope);
    }

    /// Queues every statement of a block, in order, in its scope.
    fn spawn_statements(&mut self, body: &'m [Stmt], scope: ScopeId) {
        for stmt in body {
            self.spawn(Work::Stmt(stmt, scope));
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

/// `item["key"]` where `item` is a loop variable holding a dict that has the key: the entry,
/// read in place. Looping over `lsm::all` does this for every record, whose dict would otherwise
/// be cloned and dropped for each lookup. Anything else (a missing key included) is `None`, for
/// the general path and its messages.
fn bound_entry(rt: &Runtime<'_>, map: &Expr, key: &Expr, scope: ScopeId) -> Option<Value> {
    let (ExprKind::Var { path }, ExprKind::Str { value: key }) = (&map.kind, &key.kind) else {
        return None;
    };
    let [name] = path.segments.as_slice() else {
        return None;
    };
    let Some(Named::Bound(Value::Dict(entries))) = find_name(rt, &name.text, scope) else {
        return None;
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
            Ok(Value::Dict(super::value::Dict::new(out)))
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
            Ok(Value::list(out))
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
            Ok(Value::list(out))
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

/// Whether a constructor in `expr` (where [`eval_rhs`] passes a relation on) leaves an index
/// attribute open: only the inverse of the relation it is assigned to can give it.
fn needs_inverse(rt: &mut Runtime<'_>, expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Construct { class, arguments } => {
            let Some(Def::Entity(entity)) = rt.model.resolution.def_at(class.span) else {
                return false;
            };
            let layout = rt.layout(entity);
            rt.leaves_index_open(entity, |slot| {
                arguments.iter().any(|argument| {
                    matches!(argument, Argument::Keyword { name, .. } if layout.slot(&name.text) == Some(slot))
                })
            })
        }
        ExprKind::List { items } => items.iter().any(|item| needs_inverse(rt, item)),
        ExprKind::Conditional {
            then, otherwise, ..
        } => needs_inverse(rt, then) || needs_inverse(rt, otherwise),
        ExprKind::Comprehension { value, .. } => needs_inverse(rt, value),
        _ => false,
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
    let layout = rt.layout(entity);
    let mut given = super::instances::Given::new();
    // Relations whose value needs the new instance for an implicit inverse: set once it exists.
    let mut deferred: smallvec::SmallVec<[(usize, &'m Expr); 1]> = smallvec::SmallVec::new();
    let add = |rt: &Runtime<'m>,
               name: &str,
               value: Value,
               given: &mut super::instances::Given|
     -> R<()> {
        let Some(slot) = layout.slot(name) else {
            return Err(EvalError::NoAttributeInConstructor {
                name: name.to_string(),
                entity: rt.model.entity(entity).full_name.clone(),
                span,
            }
            .into());
        };
        if given.iter().any(|(s, _)| *s == slot) {
            return Err(EvalError::SetTwiceInConstructor {
                name: name.to_string(),
                class: class.name.text.clone(),
                span,
            }
            .into());
        }
        given.push((slot, value));
        Ok(())
    };
    for argument in arguments {
        match argument {
            Argument::Keyword { name, value } => {
                if let Some(slot) = deferrable(rt, entity, &layout, &name.text, value) {
                    deferred.push((slot, value));
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
                add(rt, &name.text, v, &mut given)?;
            }
            Argument::Kwargs { value } => {
                for (k, v) in spread(rt, task, value, scope)?.iter() {
                    add(rt, k, v.clone(), &mut given)?;
                }
            }
            Argument::Positional { value } => {
                eval(rt, task, value, scope)?;
            }
        }
    }
    for (i, (slot, _)) in deferred.iter().enumerate() {
        if given.iter().any(|(s, _)| s == slot) || deferred[..i].iter().any(|(s, _)| s == slot) {
            return Err(EvalError::SetTwiceInConstructor {
                name: layout.slots[*slot].name.to_string(),
                class: class.name.text.clone(),
                span,
            }
            .into());
        }
    }
    let implicit = lhs.and_then(|lhs| {
        let slot = inverse_slot(rt, &layout, lhs)?;
        Some((slot, Value::Instance(lhs.instance)))
    });
    let pos = rt.memo_pos;
    rt.memo_pos += 1;
    let value = match rt.memo.get(pos) {
        Some(v) => v.clone(),
        None => {
            let value = rt.construct(entity, given, implicit, span)?;
            rt.memo.push(value.clone());
            value
        }
    };
    if let (false, Value::Instance(instance)) = (deferred.is_empty(), &value) {
        let instance = *instance;
        for (slot, expr) in deferred {
            let (relation, end) = layout.slots[slot]
                .relation
                .expect("deferred slots are relations");
            // Promise the value so that the relation is not frozen while it waits.
            let cell = rt.instances[instance.0 as usize].cell(slot);
            if rt.cells[cell.0 as usize].delayed() && rt.tasks[task.0 as usize].promised.is_none() {
                rt.cells[cell.0 as usize].promises += 1;
                rt.tasks[task.0 as usize].promised = Some(cell);
            }
            let lhs = Lhs {
                instance,
                relation,
                end,
            };
            // The reference sets such a relation after the instance exists: a constructor that
            // still lacks an index attribute fails that setting.
            let v = eval_rhs(rt, task, expr, scope, Some(lhs)).map_err(|flow| match flow {
                Flow::Error(e) if matches!(*e, EvalError::IndexAttributeMissing { .. }) => {
                    EvalError::CouldNotSet {
                        name: layout.slots[slot].name.to_string(),
                        instance: rt.describe(instance),
                        problem: super::error::SetProblem::Invalid(Diagnostic::from(*e).message),
                        span,
                    }
                    .into()
                }
                other if wrap_arguments => could_not_compute(
                    other,
                    &layout.slots[slot].name,
                    || rt.describe(instance),
                    span,
                ),
                other => other,
            })?;
            rt.set_slot(instance, slot, v, span, false)?;
        }
    }
    Ok(value)
}

/// The slot of a constructor argument that waits for the new instance (see [`Lhs`]): a
/// relation outside the entity's indexes (their values make the instance) whose value has a
/// constructor that needs the inverse.
fn deferrable(
    rt: &mut Runtime<'_>,
    entity: EntityId,
    layout: &super::Layout,
    name: &str,
    value: &Expr,
) -> Option<usize> {
    // Most arguments are neither constructors nor collections of them: decided by their kind.
    if !passes_lhs(value) {
        return None;
    }
    let key = value as *const Expr as usize;
    if let Some(known) = rt.deferrable.get(&key) {
        return *known;
    }
    let found = layout.slot(name).filter(|&slot| {
        layout.slots[slot].relation.is_some()
            && !rt.in_index(entity, slot)
            && needs_inverse(rt, value)
    });
    rt.deferrable.insert(key, found);
    found
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
