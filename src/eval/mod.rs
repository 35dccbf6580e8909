//! Evaluation: Inmanta's gradual execution of a resolved model, with `lsm::all` over a service
//! inventory.
//!
//! The runtime is a dataflow scheduler. Every statement (in every scope: top level, `for` and `if`
//! bodies, implementation bodies per instance) is a task. A task evaluates; when it needs a cell
//! that is not available it waits on that cell and runs again from the start when the cell is
//! available (constructor calls are remembered per task, so a rerun returns the same instances).
//! When no task can run, the scheduler freezes the delayed cell (a `[0:1]` or multi relation) that
//! the most tasks wait for, preferring cells no statement has promised to add to; when no task
//! waits at all, everything is frozen and the run ends with the final checks (unset attributes,
//! relation bounds, instances without implementation, lookups that found nothing).
//!
//! Invariants: the scheduler is bounded (a cap on task runs ends a model that does not settle with a
//! diagnostic); the first error met during execution ends the run, as in the reference compiler; the
//! final checks report every problem they find.

mod block_order;
mod cells;
pub mod definitions;
pub mod dump;
pub mod error;
mod exec;
mod flow;
mod format;
mod instances;
pub mod inventory;
pub mod inventory_json;
mod lsm_plugins;
pub mod origin;
mod plugin_args;
mod plugins;
pub mod python_plugins;
pub mod std_host;
mod std_plugins;
mod template;
mod types;
mod validators;
pub mod value;

use std::cell::OnceCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rustc_hash::FxHashMap as HashMap;
use std::rc::Rc;

use crate::ast::{Name, Stmt};
use crate::diagnostics::Diagnostic;
use crate::resolve::{
    Def, EntityId, ImplementDef, ImplementationId, Model, NamespaceId, RelationId,
};
use crate::source::{SourceMap, Span};
use cells::Waiting;
pub use cells::{Cell, CellId, CellKind, Shape, Site, TaskId, UNBOUNDED};
use flow::{Flow, R};
pub use value::{InstanceId, Value};

/// What evaluation needs besides the model.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The service inventory (parsed), read by `lsm::all`.
    pub inventory: Option<Rc<inventory::Inventory>>,
    /// A validation compile of this instance (`LSM_VALIDATE_INSTANCE`).
    pub validate: Option<String>,
    /// `lsm::all` returns nothing (`lsm_no_instances=true`).
    pub no_instances: bool,
    /// Cap on task runs; `None`: [`DEFAULT_MAX_STEPS`].
    pub max_steps: Option<usize>,
    /// What the `std` plugins read outside the model (files, the environment, the clock).
    pub host: std_host::Host,
    /// Runs the plugins lsmc has no native version of; without one, calling them is an error.
    pub plugin_host: Option<python_plugins::HostHandle>,
    /// Cap on the instances a compile constructs; `None`: [`DEFAULT_MAX_INSTANCES`].
    pub max_instances: Option<usize>,
}

/// The task runs a compile may take by default: a compile of 10,000 services of 4 instances
/// each takes about 90,000. Fixed, whatever the inventory's size, so that a model that keeps
/// growing stops at the same point.
pub const DEFAULT_MAX_STEPS: usize = 10_000_000;

/// The instances a compile may construct by default (each costs a few hundred bytes with its
/// cells and tasks): what bounds its memory.
pub const DEFAULT_MAX_INSTANCES: usize = 1_000_000;

/// An instance of an entity.
#[derive(Debug, Clone)]
pub struct Instance {
    pub entity: EntityId,
    /// The cell of the first slot: an instance's cells are made together, in the order of the
    /// entity's layout.
    first_cell: CellId,
    /// Every constructor call that returned this instance (almost always one).
    pub locations: smallvec::SmallVec<[Span; 1]>,
    /// Whether an implementation was selected (checked at the end).
    pub implemented: bool,
}

impl Instance {
    /// The cell of the slot at a position of the entity's layout.
    pub fn cell(&self, slot: usize) -> CellId {
        CellId(self.first_cell.0 + slot as u32)
    }
}

/// The slots of an entity: its attributes and relation ends, own and inherited.
#[derive(Debug)]
pub struct Layout {
    pub slots: Vec<SlotDef>,
    by_name: HashMap<Rc<str>, usize>,
}

#[derive(Debug, Clone)]
pub struct SlotDef {
    pub name: Rc<str>,
    pub kind: CellKind,
    /// The attribute (entity, index in its `attributes`) when it is one.
    pub attribute: Option<(EntityId, usize)>,
    /// The relation (relation, end index) when it is one.
    pub relation: Option<(RelationId, usize)>,
}

impl Layout {
    #[inline]
    pub fn slot(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
}

/// A lexical scope: a block's variables, and for implementation bodies the instance.
#[derive(Debug, Clone)]
struct Scope<'m> {
    parent: Option<ScopeId>,
    vars: Vars,
    /// Inside an implementation or `when`: the instance whose attributes are visible.
    instance: Option<InstanceId>,
    namespace: NamespaceId,
    /// `for` variables and comprehension variables bound to a value (a loop body has one).
    bound: smallvec::SmallVec<[(&'m str, Value); 1]>,
}

/// The variables assigned in a block: a range of the runtime's [`VarTable`], made with the scope.
#[derive(Debug, Clone, Copy, Default)]
struct Vars {
    start: u32,
    len: u32,
}

/// The variables of every scope, one after the other. A block assigns a few (loop and
/// implementation bodies, made once per item or instance, most of all): a list is searched;
/// the rare block with many (a large `main.cf`) also gets a table, made when a name is first
/// looked up in it: the statements of a root scope find their variables by id
/// ([`Runtime::root_variable`]), and most never need it.
#[derive(Debug, Default)]
struct VarTable<'m> {
    entries: Vec<(&'m str, CellId)>,
    tables: HashMap<u32, OnceCell<HashMap<&'m str, CellId>>>,
}

impl<'m> VarTable<'m> {
    const FEW: usize = 12;

    #[inline]
    fn get(&self, vars: Vars, name: &str) -> Option<CellId> {
        if vars.len as usize > Self::FEW {
            return self.get_in_table(vars, name);
        }
        self.slice(vars)
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    }

    #[inline(never)]
    fn get_in_table(&self, vars: Vars, name: &str) -> Option<CellId> {
        let table = self.tables.get(&vars.start)?;
        let table = table.get_or_init(|| self.slice(vars).iter().copied().collect());
        table.get(name).copied()
    }

    /// Variables in declaration order.
    fn slice(&self, vars: Vars) -> &[(&'m str, CellId)] {
        &self.entries[vars.start as usize..(vars.start + vars.len) as usize]
    }

    /// Registers the variables `start..` as a scope's.
    #[inline(always)]
    fn close(&mut self, start: usize) -> Vars {
        let vars = Vars {
            start: start as u32,
            len: (self.entries.len() - start) as u32,
        };
        if vars.len as usize > Self::FEW {
            self.tables.insert(vars.start, OnceCell::new());
        }
        vars
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ScopeId(u32);

#[derive(Debug, Clone)]
enum Work<'m> {
    Stmt(&'m Stmt, ScopeId),
    /// Decide one `implement` statement for an instance.
    Implement {
        instance: InstanceId,
        implement: &'m ImplementDef,
    },
    /// Store a value in one slot of an instance, apart from the statement that asked for it.
    SetSlot(Rc<exec::SetSlot<'m>>),
    /// The holder of direct evaluations (typedef constraints); never queued.
    Direct,
}

#[derive(Debug)]
struct Task<'m> {
    work: Work<'m>,
    done: bool,
    queued: bool,
    /// The relation cell this task promised to add to.
    promised: Option<CellId>,
    /// The cell the task last waited on (for the report of a model that got stuck).
    waiting_on: Option<CellId>,
    /// `for` loops over a relation: values already handed to the body.
    consumed: u32,
    /// Whether the task listened to a relation (a `for` loop over it).
    listened: bool,
}

/// The outcome of evaluating a model.
pub struct Evaluation<'m> {
    pub runtime: Runtime<'m>,
    pub diagnostics: Vec<Diagnostic>,
}

/// How `freeze_one` ranks a waited-on delayed cell: no value promised to it, tasks waiting.
type FreezeKey = (bool, usize);

/// The runtime state of one evaluation.
pub struct Runtime<'m> {
    pub model: &'m Model,
    pub instances: Vec<Instance>,
    pub cells: Vec<Cell>,
    scopes: Vec<Scope<'m>>,
    tasks: Vec<Task<'m>>,
    /// The instances made by the constructor calls of the running task, in call order, and the
    /// number of calls so far in this run: a task that runs again gets the same instances.
    /// A call takes its place before its arguments do; the place holds the instance and where
    /// the call's arguments end (0 while the instance is not made yet).
    memo: Vec<(Value, u32)>,
    memo_pos: usize,
    /// The memos of tasks that stopped to wait (most tasks finish on their first run).
    memos: HashMap<TaskId, Vec<(Value, u32)>>,
    /// What creating an instance of each entity does with its `implement` statements.
    creation_plans: Vec<Option<Rc<exec::CreationPlan<'m>>>>,
    /// Implementations expanded by conditional `implement` statements, per instance.
    expanded_later: HashMap<InstanceId, Vec<ImplementationId>>,
    /// String literals as values, by the address of their text in the syntax tree: a literal
    /// evaluated for every item of a loop is one string.
    literals: HashMap<(usize, usize), value::Str>,
    /// The variables of the scopes.
    var_table: VarTable<'m>,
    /// The cell of each top-level variable, by its id (top-level variables are numbered first).
    root_cells: Vec<CellId>,
    /// The tasks waiting on each watched cell.
    waiting: HashMap<CellId, Waiting>,
    /// Slots of finished tasks nothing refers to any more, for new tasks.
    free_tasks: Vec<TaskId>,
    queue: VecDeque<TaskId>,
    /// Layouts by entity index, made on first use.
    layouts: Vec<Option<Rc<Layout>>>,
    /// The index tables: (declaring entity, index number) to key to instance.
    index_tables: instances::IndexTables,
    /// Pending index lookups: (index table, key) to the cell lookups wait on.
    lookups: HashMap<((EntityId, usize), String), CellId>,
    /// Where each pending lookup is, and what it looks for (entity, key), for its error.
    lookup_spans: HashMap<CellId, (Span, EntityId, String)>,
    /// The instances of long multi relations, for membership tests (see `relation_holds`).
    relation_sets: HashMap<CellId, rustc_hash::FxHashSet<InstanceId>>,
    /// Delayed cells in creation order (candidates for freezing).
    delayed: Vec<CellId>,
    /// The candidates of `freeze_one` (delayed cells waited on) by the key it chooses by, kept as
    /// upper bounds of their keys: a key only falls between freezes except through a new waiter
    /// (`freeze_dirty`) or a kept promise (`freeze_promised`). A model whose templates or loops
    /// read relations freezes them one by one: each choice costs a logarithm, not a walk.
    freeze_heap: BinaryHeap<(FreezeKey, Reverse<CellId>)>,
    /// Delayed cells that got a waiter since the last choice: their keys may have risen.
    freeze_dirty: Vec<CellId>,
    /// Cells of `freeze_heap` whose key was taken while values were promised to them: the key
    /// rises when the last promise is kept.
    freeze_promised: Vec<CellId>,
    /// Namespace root scopes.
    roots: HashMap<NamespaceId, ScopeId>,
    options: Options,
    /// The error that ended execution, if any.
    error: Option<error::EvalError>,
    /// The id of the inventory record whose work raised `error` ([`origin`]).
    pub error_record: Option<value::Str>,
    /// The other record of an error where the values of two records meet
    /// ([`origin::collided_record`]).
    pub collided_record: Option<value::Str>,
    pub sources: Option<&'m SourceMap>,
    steps: usize,
    /// Cached `lsm::all` results per binding instance.
    lsm_cache: HashMap<(InstanceId, String), Value>,
    /// How each typedef's constraint is checked.
    typedef_checks: HashMap<crate::resolve::TypedefId, types::TypedefCheck>,
    /// Construction plans by entity index, made on first use.
    plans: Vec<Option<Rc<instances::Plan>>>,
    /// States of a lifecycle instance by name.
    lifecycle_states: HashMap<InstanceId, Rc<HashMap<value::Str, InstanceId>>>,
    /// The `std::template` engine of this run, made on first use: it reads and compiles each
    /// template file once.
    templates: Option<Rc<template::Engine>>,
    /// `std::print` output, in order.
    pub printed: Vec<String>,
    /// Names of the lifecycles `lsm::render_dot` was called on, in call order.
    pub rendered: Vec<String>,
    direct: Option<TaskId>,
    /// Spans where values were set, by [`Site`] (index 0: nowhere), and the last one asked for:
    /// one constructor call sets many slots at the same span.
    sites: Vec<Span>,
    site_ids: HashMap<Span, Site>,
    last_site: (Span, Site),
    /// Each entity and its ancestors, nearest first (the model's `ancestors`, computed once,
    /// when first asked for).
    ancestry: Vec<std::cell::OnceCell<Rc<[EntityId]>>>,
}

/// Evaluates a resolved model.
pub fn evaluate<'m>(model: &'m Model, sources: &'m SourceMap, options: Options) -> Evaluation<'m> {
    let mut runtime = Runtime::new(model, sources, options);
    // Most of a large run is the inventory's services: size the arenas for them up front, so
    // that they are not copied over and over as they grow.
    let records = runtime
        .options
        .inventory
        .as_ref()
        .map_or(0, |i| i.records.len());
    runtime.cells.reserve(records * 64);
    runtime.scopes.reserve(records * 6);
    runtime.instances.reserve(records * 5);
    runtime.start();
    runtime.run();
    let errors = match runtime.error.take() {
        Some(error) => vec![error],
        None => {
            let problems = runtime.final_checks();
            // Statements that still wait for a value nothing will ever give: only worth
            // reporting when nothing else explains them.
            if problems.is_empty() {
                runtime.stuck().into_iter().collect()
            } else {
                problems
            }
        }
    };
    let mut diagnostics: Vec<Diagnostic> = errors.into_iter().map(Diagnostic::from).collect();
    if let (Some(id), Some(inventory), [diagnostic]) = (
        &runtime.error_record,
        runtime.options.inventory.as_deref(),
        diagnostics.as_mut_slice(),
    ) {
        if let Some(index) = inventory.records.iter().position(|r| r.id == *id) {
            let note = origin::note(&inventory.records[index], index);
            diagnostic.notes.push(note);
        }
        let collided = runtime.collided_record.as_ref();
        if let Some(index) =
            collided.and_then(|c| inventory.records.iter().position(|r| r.id == *c))
        {
            let note = origin::collided_note(&inventory.records[index], index);
            diagnostic.notes.push(note);
        }
    }
    Evaluation {
        runtime,
        diagnostics,
    }
}

impl<'m> Runtime<'m> {
    fn new(model: &'m Model, sources: &'m SourceMap, options: Options) -> Runtime<'m> {
        Runtime {
            model,
            instances: Vec::new(),
            cells: Vec::new(),
            scopes: Vec::new(),
            tasks: Vec::new(),
            free_tasks: Vec::new(),
            waiting: HashMap::default(),
            var_table: VarTable::default(),
            root_cells: Vec::new(),
            creation_plans: vec![None; model.entities.len()],
            expanded_later: HashMap::default(),
            literals: HashMap::default(),
            memo: Vec::new(),
            memo_pos: 0,
            memos: HashMap::default(),
            queue: VecDeque::new(),
            layouts: vec![None; model.entities.len()],
            index_tables: HashMap::default(),
            lookups: HashMap::default(),
            lookup_spans: HashMap::default(),
            relation_sets: HashMap::default(),
            delayed: Vec::new(),
            freeze_heap: BinaryHeap::new(),
            freeze_dirty: Vec::new(),
            freeze_promised: Vec::new(),
            roots: HashMap::default(),
            options,
            error: None,
            error_record: None,
            collided_record: None,
            sources: Some(sources),
            steps: 0,
            lsm_cache: HashMap::default(),
            lifecycle_states: HashMap::default(),
            templates: None,
            plans: vec![None; model.entities.len()],
            typedef_checks: HashMap::default(),
            printed: Vec::new(),
            rendered: Vec::new(),
            direct: None,
            sites: vec![Span::default()],
            site_ids: HashMap::default(),
            last_site: (Span::default(), Site::default()),
            // Listed when first asked for: every entity's list, in a chain of n entities, is n²/2.
            ancestry: vec![std::cell::OnceCell::new(); model.entities.len()],
        }
    }

    /// Creates the namespace scopes and queues every top-level statement.
    fn start(&mut self) {
        self.make_roots();
        let model = self.model;
        for (i, namespace) in model.namespaces.iter().enumerate() {
            let ns = NamespaceId(i as u32);
            let scope = self.roots[&ns];
            for item in &model.modules[namespace.module].1.items {
                if let crate::ast::Item::Statement(stmt) = item {
                    self.spawn(Work::Stmt(stmt, scope));
                }
            }
        }
    }

    /// Creates the namespace scopes, with a cell for every top-level variable: the model's
    /// top-level variables, which come namespace by namespace, each in the order of its
    /// statements (as a block's are found), so no name needs to be looked up.
    fn make_roots(&mut self) {
        let model = self.model;
        let mut variables = model
            .variables
            .iter()
            .take_while(|v| v.first_item.is_some())
            .peekable();
        for i in 0..model.namespaces.len() {
            let ns = NamespaceId(i as u32);
            let start = self.var_table.entries.len();
            while let Some(variable) = variables.next_if(|v| v.namespace == ns) {
                let cell = self.new_cell(CellKind::Single);
                self.var_table.entries.push((&variable.name, cell));
                self.root_cells.push(cell);
            }
            let vars = self.var_table.close(start);
            self.scopes.push(Scope {
                parent: None,
                vars,
                instance: None,
                namespace: ns,
                bound: Default::default(),
            });
            self.roots.insert(ns, ScopeId(self.scopes.len() as u32 - 1));
        }
        debug_assert!(
            variables.next().is_none(),
            "top-level variables come namespace by namespace"
        );
    }

    /// The cell of the variable `name` names in `scope`, when `scope` is a large root scope: by
    /// the variable's id, as resolved, instead of by its name (a table of many names is a cache
    /// miss per lookup). For the assignments of the root scope: its reads by name make the
    /// table.
    #[inline(always)]
    fn root_variable(&self, scope: ScopeId, name: &Name) -> Option<CellId> {
        let s = &self.scopes[scope.0 as usize];
        // Most scopes have a few variables: that test is inline, the rest is not.
        if (s.vars.len as usize) <= VarTable::FEW {
            return None;
        }
        self.large_root_variable(s, name)
    }

    #[inline(never)]
    fn large_root_variable(&self, s: &Scope<'m>, name: &Name) -> Option<CellId> {
        if s.parent.is_some() || s.instance.is_some() || !s.bound.is_empty() {
            return None;
        }
        match self.model.resolution.def_at(name.span)? {
            Def::Variable(v) if self.model.variable(v).namespace == s.namespace => {
                self.root_cells.get(v.index()).copied()
            }
            _ => None,
        }
    }

    fn new_scope(
        &mut self,
        parent: Option<ScopeId>,
        instance: Option<InstanceId>,
        namespace: NamespaceId,
        statements: impl IntoIterator<Item = &'m Stmt>,
    ) -> ScopeId {
        let start = self.var_table.entries.len();
        // A set of the names seen once the scope has more than a few: a scan of the names
        // before each one made N top-level variables quadratic.
        let mut seen: rustc_hash::FxHashSet<&'m str> = Default::default();
        for stmt in statements {
            if let crate::ast::StmtKind::Assign { target, .. } = &stmt.kind {
                if let crate::ast::ExprKind::Var { path } = &target.kind {
                    if path.segments.len() == 1 {
                        let name: &'m str = &path.segments[0].text;
                        let declared = self.var_table.entries.len() - start;
                        let new = if declared < VarTable::FEW {
                            !self.var_table.entries[start..]
                                .iter()
                                .any(|(n, _)| *n == name)
                        } else {
                            if seen.is_empty() {
                                seen.extend(
                                    self.var_table.entries[start..].iter().map(|(n, _)| *n),
                                );
                            }
                            seen.insert(name)
                        };
                        if new {
                            let cell = self.new_cell(CellKind::Single);
                            self.var_table.entries.push((name, cell));
                        }
                    }
                }
            }
        }
        let vars = self.var_table.close(start);
        self.scopes.push(Scope {
            parent,
            vars,
            instance,
            namespace,
            bound: Default::default(),
        });
        ScopeId(self.scopes.len() as u32 - 1)
    }

    pub fn new_cell(&mut self, kind: CellKind) -> CellId {
        let id = CellId(self.cells.len() as u32);
        let delayed = !matches!(kind, CellKind::Single);
        self.cells.push(Cell::new(kind.shape()));
        if delayed {
            self.delayed.push(id);
        }
        id
    }

    fn spawn(&mut self, work: Work<'m>) -> TaskId {
        let task = Task {
            work,
            done: false,
            queued: true,
            promised: None,
            waiting_on: None,
            consumed: 0,
            listened: false,
        };
        let id = match self.free_tasks.pop() {
            Some(id) => {
                self.tasks[id.0 as usize] = task;
                id
            }
            None => {
                self.tasks.push(task);
                TaskId(self.tasks.len() as u32 - 1)
            }
        };
        self.queue.push_back(id);
        id
    }

    fn wake(&mut self, task: TaskId) {
        let t = &mut self.tasks[task.0 as usize];
        if !t.done && !t.queued {
            t.queued = true;
            self.queue.push_back(task);
        }
    }

    /// The tasks waiting on a cell, to add to.
    fn waiting_mut(&mut self, cell: CellId) -> &mut Waiting {
        let c = &self.cells[cell.0 as usize];
        if c.delayed() && !c.frozen() {
            self.freeze_dirty.push(cell);
        }
        self.cells[cell.0 as usize].set_watched();
        self.waiting.entry(cell).or_default()
    }

    /// Tasks to wake when a cell becomes available.
    fn waiters(&self, cell: CellId) -> &[TaskId] {
        match self.cells[cell.0 as usize].watched() {
            true => self.waiting.get(&cell).map_or(&[], |w| &w.waiters),
            false => &[],
        }
    }

    /// Gradual readers of a cell.
    fn listeners(&self, cell: CellId) -> &[TaskId] {
        match self.cells[cell.0 as usize].watched() {
            true => self.waiting.get(&cell).map_or(&[], |w| &w.listeners),
            false => &[],
        }
    }

    /// Wakes the tasks waiting on a cell that became available (or got a new value). Inlined:
    /// every value stored asks, and few cells are watched.
    #[inline]
    fn notify(&mut self, cell: CellId, available: bool) {
        if self.cells[cell.0 as usize].watched() {
            self.wake_watchers(cell, available);
        }
    }

    fn wake_watchers(&mut self, cell: CellId, available: bool) {
        let Some(waiting) = self.waiting.get_mut(&cell) else {
            return;
        };
        let listeners = waiting.listeners.clone();
        let waiters = if available {
            std::mem::take(&mut waiting.waiters)
        } else {
            Vec::new()
        };
        for t in listeners.into_iter().chain(waiters) {
            self.wake(t);
        }
    }

    /// The most task runs a model may take: generous for what a model can legitimately
    /// produce, and the same whatever the size of the inventory (which once raised it per
    /// record, and with it the memory a runaway model took before it stopped).
    fn step_cap(&self) -> usize {
        self.options.max_steps.unwrap_or(DEFAULT_MAX_STEPS)
    }

    /// The most instances a model may construct.
    pub(crate) fn instance_cap(&self) -> usize {
        self.options.max_instances.unwrap_or(DEFAULT_MAX_INSTANCES)
    }

    /// Runs tasks until none can progress, freezing delayed cells as needed.
    fn run(&mut self) {
        loop {
            while let Some(task) = self.queue.pop_front() {
                if self.error.is_some() {
                    return;
                }
                self.steps += 1;
                if self.steps > self.step_cap() {
                    self.error = Some(exec::stuck_error(self, task));
                    return;
                }
                self.tasks[task.0 as usize].queued = false;
                if self.tasks[task.0 as usize].done {
                    continue;
                }
                exec::run_task(self, task);
            }
            if self.error.is_some() || !self.freeze_one() {
                return;
            }
        }
    }

    /// Freezes the delayed cell whose freezing unblocks most; when nobody waits, freezes every
    /// delayed cell. Returns whether anything was frozen.
    fn freeze_one(&mut self) -> bool {
        // Only a waited-on cell can have waiters; the greatest key wins, ties go to the first
        // created, as in a walk of `delayed` (creation order).
        let cells = &self.cells;
        let dirty = &mut self.freeze_dirty;
        self.freeze_promised.retain(|&cell| {
            let c = &cells[cell.0 as usize];
            if c.frozen() {
                return false;
            }
            if c.promises == 0 {
                dirty.push(cell);
                return false;
            }
            true
        });
        let mut dirty = std::mem::take(&mut self.freeze_dirty);
        dirty.sort_unstable();
        dirty.dedup();
        for &cell in &dirty {
            if let Some(key) = self.freeze_key(cell) {
                self.freeze_heap.push((key, Reverse(cell)));
            }
        }
        dirty.clear();
        self.freeze_dirty = dirty;
        // Every stored key is at least the cell's key now: the first one that is exact is the
        // greatest.
        while let Some((stored, Reverse(cell))) = self.freeze_heap.pop() {
            let Some(key) = self.freeze_key(cell) else {
                continue;
            };
            if key == stored {
                self.freeze(cell);
                return true;
            }
            self.freeze_heap.push((key, Reverse(cell)));
        }
        let all: Vec<CellId> = std::mem::take(&mut self.delayed);
        let mut any_unfrozen = false;
        for cell in all {
            if !self.cells[cell.0 as usize].frozen() {
                any_unfrozen = true;
                self.freeze(cell);
            }
        }
        any_unfrozen && !self.queue.is_empty()
    }

    /// What `freeze_one` chooses by (values promised to none first, then most waiting tasks);
    /// `None` for a frozen cell or one nobody waits on. Notes a promised cell, whose key rises
    /// when its promises are kept.
    fn freeze_key(&mut self, cell: CellId) -> Option<FreezeKey> {
        let c = &self.cells[cell.0 as usize];
        if c.frozen() {
            return None;
        }
        let waiting = self
            .waiters(cell)
            .iter()
            .filter(|t| !self.tasks[t.0 as usize].done)
            .count();
        if waiting == 0 {
            return None;
        }
        let unpromised = c.promises == 0;
        if !unpromised {
            self.freeze_promised.push(cell);
        }
        Some((unpromised, waiting))
    }

    pub fn freeze(&mut self, cell: CellId) {
        let c = &mut self.cells[cell.0 as usize];
        if c.frozen() {
            return;
        }
        c.set_frozen();
        if c.shape == Shape::Optional && c.value.is_none() {
            c.value = None;
        }
        self.notify(cell, true);
    }

    /// The value of a string literal of the model.
    pub fn literal(&mut self, text: &'m str) -> value::Str {
        let inventory = &self.options.inventory;
        self.literals
            .entry((text.as_ptr() as usize, text.len()))
            .or_insert_with(|| {
                inventory
                    .as_ref()
                    .and_then(|i| i.shared.get(text).cloned())
                    .unwrap_or_else(|| value::Str::from(text))
            })
            .clone()
    }

    /// The entity and its ancestors, nearest first.
    pub fn ancestors(&self, entity: EntityId) -> Rc<[EntityId]> {
        self.ancestry_of(entity).clone()
    }

    fn ancestry_of(&self, entity: EntityId) -> &Rc<[EntityId]> {
        self.ancestry[entity.index()].get_or_init(|| self.model.ancestors(entity).into())
    }

    /// Whether `child` is `ancestor` or inherits from it.
    pub fn is_subtype(&self, child: EntityId, ancestor: EntityId) -> bool {
        self.ancestry_of(child).contains(&ancestor)
    }

    /// The site of a span, for [`Cell::set_at`].
    pub fn site(&mut self, span: Span) -> Site {
        if self.last_site.0 == span && self.last_site.1 .0 != 0 {
            return self.last_site.1;
        }
        let sites = &mut self.sites;
        let site = *self.site_ids.entry(span).or_insert_with(|| {
            sites.push(span);
            Site(sites.len() as u32 - 1)
        });
        self.last_site = (span, site);
        site
    }

    /// The span of a site; `None` for a value set nowhere in particular.
    pub fn site_span(&self, site: Site) -> Option<Span> {
        (site.0 != 0).then(|| self.sites[site.0 as usize])
    }

    /// The slots of an entity, computed once. Inlined, as every slot read and write asks for it:
    /// only the first call for an entity makes the layout.
    #[inline]
    pub fn layout(&mut self, entity: EntityId) -> Rc<Layout> {
        match &self.layouts[entity.index()] {
            Some(l) => l.clone(),
            None => self.make_layout(entity),
        }
    }

    #[cold]
    #[inline(never)]
    fn make_layout(&mut self, entity: EntityId) -> Rc<Layout> {
        let model = self.model;
        let mut slots: Vec<SlotDef> = Vec::new();
        let mut by_name = HashMap::default();
        for ancestor in model.ancestors(entity) {
            for (i, attribute) in model.entity(ancestor).attributes.iter().enumerate() {
                if by_name.contains_key(attribute.name.as_str()) {
                    continue;
                }
                let name: Rc<str> = Rc::from(attribute.name.as_str());
                by_name.insert(name.clone(), slots.len());
                slots.push(SlotDef {
                    name,
                    kind: CellKind::Single,
                    attribute: Some((ancestor, i)),
                    relation: None,
                });
            }
            for &(relation, end) in &model.entity(ancestor).relation_ends {
                let def = &model.relations[relation.index()].ends[end];
                let Some(name) = &def.name else { continue };
                if by_name.contains_key(name.as_str()) {
                    continue;
                }
                let kind = match (def.lower, def.upper) {
                    (1, Some(1)) => CellKind::Single,
                    (0, Some(1)) => CellKind::Optional,
                    (lower, upper) => CellKind::Multi {
                        lower: lower.clamp(0, u32::MAX as i64) as u32,
                        upper: upper.map_or(UNBOUNDED, |u| u.clamp(0, UNBOUNDED as i64 - 1) as u32),
                    },
                };
                let name: Rc<str> = Rc::from(name.as_str());
                by_name.insert(name.clone(), slots.len());
                slots.push(SlotDef {
                    name,
                    kind,
                    attribute: None,
                    relation: Some((relation, end)),
                });
            }
        }
        let layout = Rc::new(Layout { slots, by_name });
        self.layouts[entity.index()] = Some(layout.clone());
        layout
    }

    /// The cell of an instance's attribute or relation.
    /// The layout of an instance's entity (made when the instance was).
    fn layout_of(&self, instance: InstanceId) -> &Layout {
        let entity = self.instances[instance.0 as usize].entity;
        self.layouts[entity.index()]
            .as_deref()
            .expect("an instance's layout is made with it")
    }

    pub fn slot(&mut self, instance: InstanceId, name: &str) -> Option<CellId> {
        let entity = self.instances[instance.0 as usize].entity;
        // Borrowed rather than cloned: this runs for every attribute read.
        let index = match self.layouts[entity.index()].as_deref() {
            Some(layout) => layout.slot(name),
            None => self.make_layout(entity).slot(name),
        }?;
        Some(self.instances[instance.0 as usize].cell(index))
    }

    /// Reads a cell, or waits for it.
    pub fn read(&self, cell: CellId) -> R<Value> {
        self.cells[cell.0 as usize].read().ok_or(Flow::Wait(cell))
    }

    /// Lets go of the arenas of cells, scopes and tasks without dropping what they hold, for a
    /// caller that ends the process without freeing the runtime: their memory serves what it
    /// does last (reading the inventory again for its diagnostics), and the values they share
    /// are not freed one by one.
    pub fn release_arenas(&mut self) {
        fn forget_all<T>(mut items: Vec<T>) {
            // SAFETY: a length of 0 is within the capacity, and no element is read again: they
            // are leaked (what they share stays allocated until the process ends), not dropped,
            // and the buffer is freed without a walk over them.
            unsafe { items.set_len(0) };
        }
        forget_all(std::mem::take(&mut self.cells));
        forget_all(std::mem::take(&mut self.scopes));
        forget_all(std::mem::take(&mut self.tasks));
    }

    /// Counts of what the run made, for profiling.
    pub fn statistics(&self) -> String {
        format!(
            "instances {} ({} B each), cells {} ({} B each), tasks {} ({} B each), task runs {}, scopes {} ({} B each), watched cells {}, index keys {}",
            self.instances.len(),
            std::mem::size_of::<Instance>(),
            self.cells.len(),
            std::mem::size_of::<Cell>(),
            self.tasks.len(),
            std::mem::size_of::<Task>(),
            self.steps,
            self.scopes.len(),
            std::mem::size_of::<Scope>(),
            self.waiting.len(),
            self.index_tables.values().map(|t| t.len()).sum::<usize>(),
        )
    }

    /// `__config__::A (instantiated at main.cf:7)`, as the reference prints instances.
    pub fn describe(&self, instance: InstanceId) -> String {
        let i = &self.instances[instance.0 as usize];
        let name = &self.model.entity(i.entity).full_name;
        let locations: Vec<String> = i.locations.iter().map(|s| self.location_text(*s)).collect();
        format!("{name} (instantiated at {})", locations.join(","))
    }

    /// `main.cf:7`: the file name (as given) and 1-based line of a span.
    /// `main.cf:4:9`: with the 1-based column, as the reference shows declarations.
    pub fn location_with_column(&self, span: Span) -> String {
        match self.sources {
            Some(sources) => {
                let file = sources.get(span.file);
                let position = file.position_chars(span.start as usize);
                let name = file.name.rsplit('/').next().unwrap_or(&file.name);
                format!("{name}:{}:{}", position.line + 1, position.column + 1)
            }
            None => format!("?:{}", span.start),
        }
    }

    pub fn location_text(&self, span: Span) -> String {
        match self.sources {
            Some(sources) => {
                let file = sources.get(span.file);
                let line = file.line_of(span.start as usize) + 1;
                let name = file.name.rsplit('/').next().unwrap_or(&file.name);
                format!("{name}:{line}")
            }
            None => format!("?:{}", span.start),
        }
    }
}
