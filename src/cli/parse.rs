//! `lsmc parse`: syntax only, file by file, optionally with the tree.

use std::path::{Path, PathBuf};

use lsmc::ast::Module;
use lsmc::diagnostics::to_pretty_text;
use lsmc::parser::parse_module;
use lsmc::source::SourceMap;

use super::fs::{display_name, read, uri_of};
use super::{report_beside, tool_failure, Status};
use crate::OutputOptions;

/// One file's tree as `--ast` prints it.
#[derive(serde::Serialize)]
struct Tree {
    file: String,
    module: Module,
}

/// `out`: where the trees go with `--ast` (`None`: standard output).
pub fn run(
    files: &[PathBuf],
    print_ast: bool,
    out: Option<&Path>,
    output: &OutputOptions,
) -> Status {
    let start = std::time::Instant::now();
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
    let out = out.unwrap_or(Path::new("-"));
    let stdout_used = print_ast && out == Path::new("-");
    if print_ast {
        let json = match trees.as_slice() {
            [one] => to_pretty_text(one),
            _ => to_pretty_text(&trees),
        };
        if let Err(message) = super::compile::write_output(out, &json) {
            return tool_failure(&message, Some(output));
        }
    }
    let status = report_beside(&diagnostics, &sources, output, &uri_of, stdout_used);
    if status == Status::Ok {
        let what = format!(
            "parsed {}{}",
            super::count(files.len(), "file"),
            super::warnings_note(&diagnostics)
        );
        super::summary(output, stdout_used, start, &what);
    }
    status
}
