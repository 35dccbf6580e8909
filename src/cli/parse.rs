//! `lsmc parse`: syntax only, file by file, optionally with the tree.

use std::path::PathBuf;

use lsmc::parser::parse_module;
use lsmc::source::SourceMap;

use super::fs::{display_name, read, uri_of};
use super::{report, tool_failure, Status};
use crate::OutputOptions;

pub fn run(files: &[PathBuf], print_ast: bool, output: &OutputOptions) -> Status {
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut trees = Vec::new();
    for path in files {
        let text = match read(path) {
            Ok(t) => t,
            Err(message) => return tool_failure(&message, Some(output)),
        };
        let name = display_name(path);
        let file = sources.add(name.clone(), text);
        let (module, diags) = parse_module(&sources.get(file).text, file);
        diagnostics.extend(diags);
        trees.push(serde_json::json!({ "file": name, "module": module }));
    }
    if print_ast {
        let json = if trees.len() == 1 {
            trees.remove(0)
        } else {
            serde_json::Value::Array(trees)
        };
        super::print_out(&(serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"));
    }
    report(&diagnostics, &sources, output, &uri_of)
}
