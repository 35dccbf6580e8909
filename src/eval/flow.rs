//! How an evaluation step stops without a value: it waits for a cell, or it fails with a
//! diagnostic. Every part of evaluation returns [`R`]; this module needs nothing of `eval` but
//! the cell ids, so that returning one imports no other part.

use super::cells::CellId;
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::source::Span;

/// Why an evaluation stopped.
#[derive(Debug)]
pub enum Flow {
    /// A value is not available yet: run again when this cell is.
    Wait(CellId),
    Error(Box<Diagnostic>),
}

pub type R<T> = Result<T, Flow>;

pub fn error(code: Code, message: impl Into<String>, span: Span, label: &str) -> Flow {
    Flow::Error(Box::new(
        Diagnostic::error(code, message).with_label(Label::primary(span, label)),
    ))
}
