//! Result cells: every variable, attribute slot and relation end holds its value in a cell, and
//! tasks that need a value that is not there yet wait on the cell.
//!
//! Single cells (variables, primitive attributes, `[1]` relations) are available once set.
//! Optional (`[0:1]`) and multi-valued relations are *delayed*: they become available when they are
//! frozen (upper bound reached, a `null` assigned, an optional value set, or the scheduler freezing
//! them when nothing else can progress). Gradual readers (`for` loops, `is defined`) see values
//! as they arrive.

use super::value::{InstanceId, Value};
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Single,
    /// `[0:1]` relations.
    Optional,
    /// Relations with an upper bound above 1 (or none).
    Multi {
        lower: i64,
        upper: Option<i64>,
    },
}

/// Who a cell belongs to, for messages and final checks.
#[derive(Debug, Clone)]
pub enum Owner {
    Variable(String),
    Attribute {
        instance: InstanceId,
        name: String,
    },
    /// A pending index lookup.
    Lookup,
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub kind: CellKind,
    /// Single and optional cells: the value once set (`Null` for an optional frozen empty).
    pub value: Option<Value>,
    /// Multi cells: the values, in arrival order, without duplicates.
    pub items: Vec<Value>,
    pub frozen: bool,
    /// Where the value was set (single cells), for double-set messages.
    pub set_at: Option<Span>,
    /// Tasks to wake when the cell becomes available.
    pub waiters: Vec<TaskId>,
    /// Gradual readers, woken on every new value.
    pub listeners: Vec<TaskId>,
    /// Statements known to be about to add a value.
    pub promises: u32,
    pub owner: Owner,
}

impl Cell {
    pub fn new(kind: CellKind, owner: Owner) -> Cell {
        Cell {
            kind,
            value: None,
            items: Vec::new(),
            frozen: false,
            set_at: None,
            waiters: Vec::new(),
            listeners: Vec::new(),
            promises: 0,
            owner,
        }
    }

    /// Whether readers that need the whole value can read it.
    pub fn available(&self) -> bool {
        match self.kind {
            CellKind::Single => self.value.is_some(),
            CellKind::Optional | CellKind::Multi { .. } => self.frozen,
        }
    }

    pub fn delayed(&self) -> bool {
        !matches!(self.kind, CellKind::Single)
    }

    /// The value as readers see it: a list for multi cells.
    pub fn read(&self) -> Option<Value> {
        match self.kind {
            CellKind::Single => self.value.clone(),
            CellKind::Optional => {
                if self.frozen {
                    Some(self.value.clone().unwrap_or(Value::Null))
                } else {
                    None
                }
            }
            CellKind::Multi { .. } => self.frozen.then(|| Value::list(self.items.clone())),
        }
    }
}
