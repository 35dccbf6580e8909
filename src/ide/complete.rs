//! Completion: what may be written at a place, from the text before it and the checked project.

use crate::driver::Checked;
use crate::source::FileId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Module,
    Entity,
    Typedef,
    Primitive,
    Attribute,
    Relation,
    Variable,
    Plugin,
    Implementation,
    Argument,
    Value,
}

/// A completion item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// What is inserted, when it is not the label (`name=` for a keyword argument).
    pub insert: Option<String>,
    /// Lower comes first (required arguments before optional ones).
    pub rank: u8,
}

/// The completions at `offset`; `modules` are the modules that can be imported.
pub fn complete(
    checked: &Checked,
    file: FileId,
    offset: u32,
    modules: &[String],
) -> Vec<Completion> {
    let _ = (checked, file, offset, modules);
    Vec::new()
}
