//! `lsmc check`: every error of a project at once.

use std::path::Path;

use lsmc::diagnostics::{codes, Diagnostic, Label};

use super::fs::{display_name, uri_of, DiskProject};
use super::{report, tool_failure, Status};
use crate::OutputOptions;

pub fn run(
    path: &Path,
    python_paths: &[std::path::PathBuf],
    verbose: bool,
    output: &OutputOptions,
) -> Status {
    let mut project = match DiskProject::open(path) {
        Ok(p) => p,
        Err(message) => return tool_failure(&message, Some(output)),
    };
    project.explicit_python_paths = python_paths.to_vec();
    let text = match project.read_main() {
        Ok(t) => t,
        Err(message) => return tool_failure(&message, Some(output)),
    };
    let (loaded, mut diagnostics) =
        lsmc::project::load(&display_name(&project.main), &text, &project);
    if verbose {
        for (_, file) in loaded.sources.iter() {
            eprintln!("note: loaded {}", file.name);
        }
        for shadowed in project.shadowed_builtins() {
            eprintln!(
                "note: {} is ignored: lsmc uses its built-in module of that name",
                shadowed.display()
            );
        }
    }
    for (module, reason, span) in &loaded.unreadable {
        diagnostics.push(
            Diagnostic::error(
                codes::UNREADABLE_MODULE,
                format!("could not read module {module}: {reason}"),
            )
            .with_label(Label::primary(*span, "imported here")),
        );
    }
    let (model, sources, resolve_diagnostics) = lsmc::resolve::resolve(loaded);
    diagnostics.extend(resolve_diagnostics);
    let (_statics, check_diagnostics) = lsmc::check::check(&model);
    diagnostics.extend(check_diagnostics);
    lsmc::diagnostics::sort(&mut diagnostics);
    report(&diagnostics, &sources, output, &uri_of)
}
