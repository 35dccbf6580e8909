//! Result cells: every variable, attribute slot and relation end holds its value in a cell, and
//! tasks that need a value that is not there yet wait on the cell.
//!
//! Single cells (variables, primitive attributes, `[1]` relations) are available once set.
//! Optional (`[0:1]`) and multi-valued relations are *delayed*: they become available when they are
//! frozen (upper bound reached, a `null` assigned, an optional value set, or the scheduler freezing
//! them when nothing else can progress). Gradual readers (`for` loops, `is defined`) see values
//! as they arrive.
//!
//! A model has a cell per attribute of every instance, so cells are kept small: the rarely used
//! parts (the tasks waiting) live in a table of the runtime, a multi cell's values share one list
//! with its readers.

use std::rc::Rc;

use super::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub u32);

/// "No upper bound" for [`CellKind::Multi`].
pub const UNBOUNDED: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Single,
    /// `[0:1]` relations.
    Optional,
    /// Relations with an upper bound above 1 (or none: [`UNBOUNDED`]).
    Multi {
        lower: u32,
        upper: u32,
    },
}

/// Tasks waiting on a cell.
#[derive(Debug, Clone, Default)]
pub struct Waiting {
    /// Tasks to wake when the cell becomes available.
    pub waiters: Vec<TaskId>,
    /// Gradual readers, woken on every new value.
    pub listeners: Vec<TaskId>,
}

/// What a cell holds: the [`CellKind`] without its bounds (they live in the entity's layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Single,
    Optional,
    Multi,
}

impl CellKind {
    pub fn shape(self) -> Shape {
        match self {
            CellKind::Single => Shape::Single,
            CellKind::Optional => Shape::Optional,
            CellKind::Multi { .. } => Shape::Multi,
        }
    }
}

/// Where a value was set: an index in the runtime's table of spans (0: nowhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Site(pub u32);

const FROZEN: u8 = 1;
const WATCHED: u8 = 2;

#[derive(Debug, Clone)]
pub struct Cell {
    /// Single and optional cells: the value once set. Multi cells: the list of values, in
    /// arrival order, without duplicates (`None` while empty).
    pub value: Option<Value>,
    /// Where the value was set (single cells), for double-set messages.
    pub set_at: Site,
    pub shape: Shape,
    /// [`FROZEN`] and [`WATCHED`]: one byte, so that a cell takes 32 bytes.
    flags: u8,
    /// Statements known to be about to add a value.
    pub promises: u16,
}

impl Cell {
    pub fn new(shape: Shape) -> Cell {
        Cell {
            value: None,
            set_at: Site::default(),
            shape,
            flags: 0,
            promises: 0,
        }
    }

    /// Whether the cell takes no more values (delayed cells).
    pub fn frozen(&self) -> bool {
        self.flags & FROZEN != 0
    }

    pub fn set_frozen(&mut self) {
        self.flags |= FROZEN;
    }

    /// Whether tasks wait on the cell (the runtime keeps their list: few cells have one).
    pub fn watched(&self) -> bool {
        self.flags & WATCHED != 0
    }

    pub fn set_watched(&mut self) {
        self.flags |= WATCHED;
    }

    /// Whether readers that need the whole value can read it.
    pub fn available(&self) -> bool {
        match self.shape {
            Shape::Single => self.value.is_some(),
            Shape::Optional | Shape::Multi => self.frozen(),
        }
    }

    pub fn delayed(&self) -> bool {
        self.shape != Shape::Single
    }

    /// The values of a multi cell.
    pub fn items(&self) -> &[Value] {
        match &self.value {
            Some(Value::List(items)) => items,
            _ => &[],
        }
    }

    pub fn push_item(&mut self, item: Value) {
        match &mut self.value {
            Some(Value::List(items)) => Rc::make_mut(items).push(item),
            _ => self.value = Some(Value::list(vec![item])),
        }
    }

    /// The value as readers see it: a list for multi cells.
    pub fn read(&self) -> Option<Value> {
        match self.shape {
            Shape::Single => self.value.clone(),
            Shape::Optional => self
                .frozen()
                .then(|| self.value.clone().unwrap_or(Value::Null)),
            Shape::Multi => self.frozen().then(|| {
                self.value
                    .clone()
                    .unwrap_or_else(|| Value::list(Vec::new()))
            }),
        }
    }
}

// A model has a cell per attribute of every instance: keep them small.
const _: () = assert!(std::mem::size_of::<Cell>() == 24);
