//! `lsmc check`: every error of a project at once.

use std::path::Path;

use lsmc::driver;

use super::fs::{uri_of, DiskProject};
use super::{report, tool_failure, Status};
use crate::OutputOptions;

pub fn run(
    path: &Path,
    python_paths: &[std::path::PathBuf],
    python: Option<&Path>,
    verbose: bool,
    output: &OutputOptions,
) -> Status {
    let start = std::time::Instant::now();
    let project = match DiskProject::open(path, python_paths) {
        Ok(p) => p.with_python(python),
        Err(message) => return tool_failure(&message, Some(output)),
    };
    let mut checked = driver::check(&project.input(), driver::Options::default());
    project.report_missing_folders(&mut checked);
    if verbose {
        for (_, file) in checked.sources.iter() {
            eprintln!("note: loaded {}", file.name);
        }
        eprintln!(
            "note: Python plugins run with {}",
            project.python_environment().describe()
        );
        for shadowed in project.shadowed_builtins() {
            eprintln!(
                "note: {} is ignored: lsmc uses its built-in module of that name",
                shadowed.display()
            );
        }
    }
    let status = report(&checked.diagnostics, &checked.sources, output, &uri_of);
    if status == Status::Ok {
        let what = format!(
            "checked {}{}",
            super::files_read(&checked.sources),
            super::warnings_note(&checked.diagnostics)
        );
        super::summary(output, false, start, &what);
    }
    status
}
