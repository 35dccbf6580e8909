//! `lsmc parse`: syntax only, file by file, optionally with the tree.

use std::path::PathBuf;

use lsmc::ast::Module;
use lsmc::parser::parse_module;
use lsmc::source::SourceMap;

use super::fs::{display_name, read, uri_of};
use super::{report, tool_failure, Status};
use crate::OutputOptions;

/// One file's tree as `--ast` prints it.
#[derive(serde::Serialize)]
struct Tree {
    file: String,
    module: Module,
}

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
        // The tree is kept only to be printed: serialized straight from the syntax tree.
        if print_ast {
            trees.push(Tree { file: name, module });
        }
    }
    if print_ast {
        let json = match trees.as_slice() {
            [one] => serde_json::to_string_pretty(one),
            _ => serde_json::to_string_pretty(&trees),
        };
        super::print_out(&(json.unwrap_or_default() + "\n"));
    }
    report(&diagnostics, &sources, output, &uri_of)
}
