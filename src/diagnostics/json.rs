//! The machine renderer: Inmanta's compile-data JSON, extended.
//!
//! `{"errors": [...], "warnings": [...]}`; each entry has Inmanta's `category`, `type`, `message`
//! and `location` (`uri` and an LSP range: 0-based lines, UTF-16 columns), plus lsmc's `code`,
//! `severity`, `labels`, `notes` and `help`.

use serde_json::{json, Value};

use super::Diagnostic;
use crate::source::{SourceMap, Span};

/// How a file name becomes a `uri`: the CLI passes absolute `file://` URIs, tests keep names.
pub type UriOf<'a> = &'a dyn Fn(&str) -> String;

pub fn render_json(diagnostics: &[Diagnostic], sources: &SourceMap, uri_of: UriOf) -> Value {
    let entry = |d: &Diagnostic| {
        let primary = d.primary_span().map(|s| location(s, sources, uri_of));
        let labels: Vec<Value> = d
            .labels
            .iter()
            .map(|l| {
                json!({
                    "primary": l.primary,
                    "message": l.message,
                    "location": location(l.span, sources, uri_of),
                })
            })
            .collect();
        json!({
            "category": if d.code.inmanta_type.starts_with("inmanta.parser") { "parse_error" } else { "runtime_error" },
            "type": d.code.inmanta_type,
            "message": d.message,
            "location": primary,
            "code": d.code.id,
            "name": d.code.name,
            "severity": d.severity.as_str(),
            "labels": labels,
            "notes": d.notes,
            "help": d.help,
        })
    };
    let errors: Vec<Value> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(entry)
        .collect();
    let warnings: Vec<Value> = diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(entry)
        .collect();
    json!({ "errors": errors, "warnings": warnings })
}

fn location(span: Span, sources: &SourceMap, uri_of: UriOf) -> Value {
    let file = sources.get(span.file);
    let start = file.position_utf16(span.start as usize);
    let end = file.position_utf16(span.end as usize);
    json!({
        "uri": uri_of(&file.name),
        "range": {
            "start": {"line": start.line, "character": start.column},
            "end": {"line": end.line, "character": end.column},
        }
    })
}
