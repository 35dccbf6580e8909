//! How an evaluation step stops without a value: it waits for a cell, or it fails with an
//! [`EvalError`]. Every part of evaluation returns [`R`]; this module needs nothing of `eval` but
//! the cell ids and the errors, so that returning one imports no other part.

use super::cells::CellId;
use super::error::EvalError;

/// Why an evaluation stopped.
#[derive(Debug)]
pub enum Flow {
    /// A value is not available yet: run again when this cell is.
    Wait(CellId),
    Error(Box<EvalError>),
}

impl From<EvalError> for Flow {
    fn from(error: EvalError) -> Self {
        Flow::Error(Box::new(error))
    }
}

pub type R<T> = Result<T, Flow>;

// Every step returns an `R`: the error is boxed so that a `Flow` stays two words.
const _: () = assert!(std::mem::size_of::<Flow>() == 16);
