//! The machine renderer: Inmanta's compile-data JSON, extended.
//!
//! `{"errors": [...], "warnings": [...]}`; each entry has Inmanta's `category`, `type`, `message`
//! and `location` (`uri` and an LSP range: 0-based lines, UTF-16 columns), plus lsmc's `code`,
//! `severity`, `labels`, `notes` and `help`. Runs of the same error are merged and at most
//! [`super::shown::MOST_SHOWN`] entries are written (see [`super::shown::select`]); when some are
//! left out, `"omitted": {"errors": N, "warnings": M}` counts them.
//!
//! Every JSON document lsmc writes (diagnostics, catalogs, schemas, dumps, syntax trees) is
//! indented the same way: one space per level, as the reference's `json.dumps(..., indent=1)`.

use serde::Serialize;
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
            "category": category(d),
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
    let shown = super::shown::select(diagnostics);
    let errors: Vec<Value> = shown
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| entry(d))
        .collect();
    let warnings: Vec<Value> = shown
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| entry(d))
        .collect();
    let mut document = json!({ "errors": errors, "warnings": warnings });
    if shown.omitted_errors + shown.omitted_warnings > 0 {
        document["omitted"] = json!({
            "errors": shown.omitted_errors,
            "warnings": shown.omitted_warnings,
        });
    }
    document
}

/// Inmanta's `ErrorCategory` for an error (`parse_error`, `plugin_exception`, `runtime_error`).
/// The compile-data format has errors only; a warning is not an error of any category, so it is
/// `warning`. Problems of service instances and catalog versions (`E5xxx`: inventory records,
/// `validate-instance`, `export --previous`) are a `plugin_exception`, as a broken inventory is
/// in the reference, where the plugin `lsm::all` reads it.
fn category(d: &Diagnostic) -> &'static str {
    let ty = d.code.inmanta_type;
    if !d.is_error() {
        "warning"
    } else if ty.starts_with("inmanta.parser") {
        "parse_error"
    } else if ty == "inmanta.plugins.PluginException" || d.code.id.starts_with("E5") {
        "plugin_exception"
    } else {
        "runtime_error"
    }
}

/// Writes a value as JSON, one space per indentation level, without a final newline.
pub fn write_pretty<W: std::io::Write, T: Serialize + ?Sized>(
    out: W,
    value: &T,
) -> serde_json::Result<()> {
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    value.serialize(&mut serializer)
}

/// A value as JSON text, one space per indentation level, with a final newline. The same value
/// always gives the same bytes.
pub fn to_pretty_text<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    write_pretty(&mut out, value).expect("values lsmc writes serialize");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
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
