//! Goto definition, find references and rename.

use crate::driver::Checked;
use crate::resolve::Def;
use crate::source::{FileId, Span};

use super::{def_at, member_accesses, name_of, text_of};

/// Where the name at `offset` is defined: the definition's name, or the start of a module's file.
pub fn definition(checked: &Checked, file: FileId, offset: u32) -> Option<Span> {
    let (_, def) = def_at(checked, file, offset)?;
    checked.model.definition_span(def)
}

/// Every place that names what the name at `offset` names, in source order; with its definition
/// when `include_definition`.
pub fn references(
    checked: &Checked,
    file: FileId,
    offset: u32,
    include_definition: bool,
) -> Vec<Span> {
    let Some((_, def)) = def_at(checked, file, offset) else {
        return Vec::new();
    };
    uses_of(checked, def, include_definition)
}

/// Every use of a definition: the resolution's, and the member accesses `x.name` whose object is
/// known.
pub fn uses_of(checked: &Checked, def: Def, include_definition: bool) -> Vec<Span> {
    let model = &checked.model;
    let mut out: Vec<Span> = model.resolution.uses(def).to_vec();
    if matches!(def, Def::Attribute { .. } | Def::RelationEnd { .. }) {
        out.extend(
            member_accesses(model)
                .into_iter()
                .filter(|(_, d)| *d == def)
                .map(|(s, _)| s),
        );
    }
    if include_definition {
        if let Some(span) = model.definition_span(def) {
            if !span.is_empty() {
                out.push(span);
            }
        }
    }
    out.sort_by_key(|s| (s.file, s.start, s.end));
    out.dedup();
    out
}

/// Why a rename can not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenameError {
    /// No name at that place, or one that is not renamed (a module, a plugin, a primitive).
    NothingToRename,
    /// The new name is not a name of that kind.
    InvalidName(String),
    /// The definition is in a module built into lsmc.
    BuiltIn,
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::NothingToRename => write!(f, "there is nothing to rename here"),
            RenameError::InvalidName(why) => write!(f, "{why}"),
            RenameError::BuiltIn => write!(f, "this is defined in a module built into lsmc"),
        }
    }
}

/// The span of the name at `offset` when it can be renamed (for prepareRename).
pub fn prepare_rename(checked: &Checked, file: FileId, offset: u32) -> Result<Span, RenameError> {
    let (span, def) = def_at(checked, file, offset).ok_or(RenameError::NothingToRename)?;
    renameable(checked, def)?;
    Ok(last_segment(checked, span))
}

/// The edits that rename what the name at `offset` names to `new_name`, across the project.
pub fn rename(
    checked: &Checked,
    file: FileId,
    offset: u32,
    new_name: &str,
) -> Result<Vec<(Span, String)>, RenameError> {
    let (_, def) = def_at(checked, file, offset).ok_or(RenameError::NothingToRename)?;
    renameable(checked, def)?;
    let entity = matches!(def, Def::Entity(_));
    let valid = new_name.chars().next().is_some_and(|c| {
        if entity {
            c.is_ascii_uppercase()
        } else {
            c.is_ascii_lowercase() || c == '_'
        }
    }) && new_name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid || crate::lexer::KEYWORDS.contains(&new_name) {
        return Err(RenameError::InvalidName(if entity {
            format!("`{new_name}` is not an entity name: it starts with an upper-case letter")
        } else {
            format!("`{new_name}` is not a name: it starts with a lower-case letter or `_`")
        }));
    }
    Ok(uses_of(checked, def, true)
        .into_iter()
        .map(|span| (last_segment(checked, span), new_name.to_string()))
        .collect())
}

fn renameable(checked: &Checked, def: Def) -> Result<(), RenameError> {
    match def {
        Def::Entity(_)
        | Def::Attribute { .. }
        | Def::RelationEnd { .. }
        | Def::Variable(_)
        | Def::Typedef(_)
        | Def::Implementation(_) => {}
        _ => return Err(RenameError::NothingToRename),
    }
    name_of(&checked.model, def).ok_or(RenameError::NothingToRename)?;
    let span = checked
        .model
        .definition_span(def)
        .ok_or(RenameError::NothingToRename)?;
    let builtin = checked
        .model
        .namespaces
        .iter()
        .any(|n| n.builtin && n.file == span.file);
    if builtin {
        return Err(RenameError::BuiltIn);
    }
    Ok(())
}

/// The last name of a qualified use (`Host` of `std::Host`): what a rename replaces.
fn last_segment(checked: &Checked, span: Span) -> Span {
    let text = text_of(checked, span);
    match text.rfind("::") {
        Some(at) => Span {
            start: span.start + at as u32 + 2,
            ..span
        },
        None => span,
    }
}
