//! Fixes from the diagnostics' help: a did-you-mean replacement, a new name (an added `_`
//! prefix: a rename of the definition and its uses across the project), an added index.

use crate::diagnostics::{codes, Diagnostic};
use crate::driver::Checked;
use crate::source::{FileId, Span};

use super::{def_at, navigate, text_of};

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
    let mut out = Vec::new();
    for diagnostic in &checked.diagnostics {
        let Some(span) = diagnostic.primary_span() else {
            continue;
        };
        if span.file != file || span.end < start || span.start > end {
            continue;
        }
        if let Some(fix) = fix(checked, diagnostic, span) {
            out.push(fix);
        }
    }
    out
}

/// The text quoted in backticks after `lead` in a help text.
fn quoted_after<'h>(help: &'h str, lead: &str) -> Option<&'h str> {
    let rest = &help[help.find(lead)? + lead.len()..];
    let rest = rest.strip_prefix('`')?;
    Some(&rest[..rest.find('`')?])
}

fn fix(checked: &Checked, diagnostic: &Diagnostic, span: Span) -> Option<Fix> {
    let help = diagnostic.help.as_deref()?;
    if diagnostic.code == codes::MISSING_INDEX {
        return added_index(checked, diagnostic, span);
    }
    if let Some(suggestion) = quoted_after(help, "did you mean ") {
        let (name, _) = closest_name(checked, span, suggestion)?;
        // A qualified suggestion replaces the whole qualified name written.
        let written = if suggestion.contains("::") {
            qualified_name_at(checked, span, name)
        } else {
            name
        };
        return Some(Fix {
            title: format!("Replace with `{suggestion}`"),
            diagnostic: Some(diagnostic.clone()),
            edits: vec![(written, suggestion.to_string())],
            preferred: true,
        });
    }
    let renamed = ["rename it ", "name it ", "use an underscore: "]
        .iter()
        .find_map(|lead| quoted_after(help, lead))?;
    let (name, _) = closest_name(checked, span, renamed)?;
    // A name that is defined here is renamed everywhere it is used.
    let edits = def_at(checked, name.file, name.start)
        .filter(|(s, _)| *s == name || text_of(checked, *s).ends_with(text_of(checked, name)))
        .and_then(|_| navigate::rename(checked, name.file, name.start, renamed).ok())
        .unwrap_or_else(|| vec![(name, renamed.to_string())]);
    Some(Fix {
        title: format!("Rename to `{renamed}`"),
        diagnostic: Some(diagnostic.clone()),
        edits,
        preferred: true,
    })
}

/// The name written in `span` most like `wanted`, and how alike they are.
fn closest_name(checked: &Checked, span: Span, wanted: &str) -> Option<(Span, f64)> {
    let text = text_of(checked, span);
    let wanted_short = wanted.rsplit("::").next().unwrap_or(wanted);
    let mut best: Option<(Span, f64)> = None;
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let in_name = c.is_alphanumeric() || c == '_' || c == '-';
        match (in_name, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let word = &text[s..i];
                let score = strsim::normalized_levenshtein(word, wanted_short);
                if best.is_none_or(|(_, b)| score > b)
                    && !word.starts_with(|c: char| c.is_ascii_digit())
                {
                    let found = Span {
                        file: span.file,
                        start: span.start + s as u32,
                        end: span.start + i as u32,
                    };
                    best = Some((found, score));
                }
                start = None;
            }
            _ => {}
        }
    }
    best
}

/// The whole `a::b::Name` around the name `name` (inside `span`).
fn qualified_name_at(checked: &Checked, span: Span, name: Span) -> Span {
    let text = text_of(checked, span);
    let local = (name.start - span.start) as usize;
    let before = &text[..local];
    let start = super::start_of_run(before, |c: char| {
        !(c.is_alphanumeric() || c == '_' || c == ':')
    });
    Span {
        start: span.start + start as u32,
        ..name
    }
}

/// `index Target(attribute)` after the entity a relation holds several of.
fn added_index(checked: &Checked, diagnostic: &Diagnostic, span: Span) -> Option<Fix> {
    let model = &checked.model;
    let relation = model.relations.iter().find(|r| r.span == span)?;
    let target = relation
        .ends
        .iter()
        .map(|e| e.target)
        .find(|t| model.all_indexes(*t).is_empty())?;
    let entity = model.entity(target);
    let attributes = model.all_attributes(target);
    let plain = |a: &&&crate::resolve::AttributeDef| !a.list && !a.name.starts_with('_');
    let attribute = attributes
        .iter()
        .filter(plain)
        .find(|a| a.name == "name")
        .or_else(|| attributes.iter().find(plain))?;
    let line = format!("index {}({})", entity.name, attribute.name);
    let at = Span {
        file: entity.span.file,
        start: entity.span.end,
        end: entity.span.end,
    };
    Some(Fix {
        title: format!("Add `{line}`"),
        diagnostic: Some(diagnostic.clone()),
        edits: vec![(at, format!("\n\n{line}"))],
        preferred: true,
    })
}
