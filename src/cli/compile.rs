//! `lsmc compile`: evaluate a project over a service inventory, optionally dumping every instance.

use std::io::Write;
use std::path::{Path, PathBuf};

use lsmc::diagnostics::{self, codes, Diagnostic, Label};
use lsmc::eval::{self, inventory, Options};

use super::fs::{display_name, read, uri_of, DiskProject};
use super::{report, tool_failure, Status};
use crate::OutputOptions;

#[derive(clap::Args)]
pub struct CompileArgs {
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The service inventory (JSON: the LSM API's service instances) that lsm::all reads.
    #[arg(long)]
    pub inventory: Option<PathBuf>,
    /// A validation compile of this service instance (its id).
    #[arg(long)]
    pub validate: Option<String>,
    /// lsm::all returns no instance (also with lsm_no_instances=true in the environment).
    #[arg(long)]
    pub no_instances: bool,
    /// Write every instance as canonical JSON to this file (`-`: standard output).
    #[arg(long)]
    pub dump: Option<PathBuf>,
    /// Dump only the types of main.cf.
    #[arg(long)]
    pub config_only: bool,
    /// Skip the LSM rules (export checks): evaluate as the reference compiler does.
    #[arg(long)]
    pub no_lsm_checks: bool,
    /// A virtual environment or site-packages folder with v2 modules (repeatable).
    #[arg(long = "python-path")]
    pub python_paths: Vec<PathBuf>,
}

pub fn run(args: &CompileArgs, output: &OutputOptions) -> Status {
    let timer = super::Timer::from_env();
    let mut project = match DiskProject::open(&args.path) {
        Ok(p) => p,
        Err(message) => return tool_failure(&message, Some(output)),
    };
    project.explicit_python_paths = args.python_paths.clone();
    let text = match project.read_main() {
        Ok(t) => t,
        Err(message) => return tool_failure(&message, Some(output)),
    };
    let (loaded, mut all) = lsmc::project::load(&display_name(&project.main), &text, &project);
    for (module, reason, span) in &loaded.unreadable {
        all.push(
            Diagnostic::error(
                codes::UNREADABLE_MODULE,
                format!("could not read module {module}: {reason}"),
            )
            .with_label(Label::primary(*span, "imported here")),
        );
    }
    timer.mark("load and parse");
    let (model, mut sources, resolve_diagnostics) = lsmc::resolve::resolve(loaded);
    timer.mark("resolve");
    all.extend(resolve_diagnostics);
    if !args.no_lsm_checks {
        let (_statics, check_diagnostics) = lsmc::check::check(&model);
        all.extend(check_diagnostics);
        timer.mark("check");
    }
    // Inventory problems are reported with the model's, so that one run shows them all.
    let mut options = Options {
        validate: args.validate.clone(),
        no_instances: args.no_instances || no_instances_from_env(),
        ..Options::default()
    };
    if let Some(path) = &args.inventory {
        let text = match read(path) {
            Ok(t) => t,
            Err(message) => return tool_failure(&message, Some(output)),
        };
        // The text is kept (for the diagnostics that point into it) only when it has problems:
        // nothing after this refers to it, and it is as large as the inventory.
        let file = lsmc::source::FileId(sources.len() as u32);
        let (parsed, inventory_diagnostics) = inventory::parse(&text, file);
        if !inventory_diagnostics.is_empty() {
            let added = sources.add(display_name(path), text);
            debug_assert_eq!(added, file);
        }
        all.extend(inventory_diagnostics);
        options.inventory = Some(std::rc::Rc::new(parsed));
        timer.mark("inventory");
    }
    if diagnostics::has_errors(&all) {
        diagnostics::sort(&mut all);
        return report(&all, &sources, output, &uri_of);
    }
    let mut evaluation = eval::evaluate(&model, &sources, options);
    timer.mark("evaluate");
    if std::env::var_os("LSMC_TIMINGS").is_some() {
        eprintln!("{}", evaluation.runtime.statistics());
    }
    all.extend(std::mem::take(&mut evaluation.diagnostics));
    for line in &evaluation.runtime.printed {
        super::print_out(&format!("{line}\n"));
    }
    if !diagnostics::has_errors(&all) {
        if let Err(message) = render_lifecycles(&model, &evaluation.runtime.rendered) {
            return tool_failure(&message, Some(output));
        }
    }
    if !diagnostics::has_errors(&all) {
        if let Some(dump_path) = &args.dump {
            let dump = eval::dump::dump(&mut evaluation.runtime, args.config_only);
            let written = write_output_with(dump_path, |out| {
                serde_json::to_writer_pretty(&mut *out, &dump)?;
                out.write_all(b"\n")
            });
            if let Err(message) = written {
                return tool_failure(&message, Some(output));
            }
            timer.mark("dump");
        }
    }
    diagnostics::sort(&mut all);
    let status = report(&all, &sources, output, &uri_of);
    timer.mark("report");
    // The process ends here: freeing every instance one by one would only cost time.
    std::mem::forget(evaluation);
    std::mem::forget(model);
    std::mem::forget(sources);
    status
}

/// `lsm_no_instances=true` (any case, trimmed), as LSM reads it.
fn no_instances_from_env() -> bool {
    std::env::var("lsm_no_instances").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Writes a file whole or not at all (temporary file, then rename); `-` is standard output.
pub fn write_output(path: &Path, text: &str) -> Result<(), String> {
    write_output_with(path, |out| out.write_all(text.as_bytes()))
}

/// [`write_output`] of what `write` writes, as it writes it: a large output (the dump of a big
/// run) is never held whole in memory.
pub fn write_output_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    if path == Path::new("-") {
        // As `print_out`: a reader that has gone away is not an error of lsmc.
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let _ = write(&mut out).and_then(|_| out.flush());
        return Ok(());
    }
    let mut file = super::staging_file(path)?;
    let mut out = std::io::BufWriter::new(file.as_file_mut());
    write(&mut out)
        .and_then(|_| out.flush())
        .map_err(|e| format!("can not write {}: {e}", path.display()))?;
    drop(out);
    file.persist(path)
        .map_err(|e| format!("can not write {}: {e}", path.display()))?;
    Ok(())
}

/// `lsm::render_dot(fsm)` in a model draws that lifecycle as the real module does: `fsm.svg` in
/// the working directory, or `fsm.dot` when Graphviz is not installed.
fn render_lifecycles(model: &lsmc::resolve::Model, names: &[String]) -> Result<(), String> {
    if names.is_empty() {
        return Ok(());
    }
    let statics = lsmc::check::statics::Statics::collect(model);
    for name in names {
        let lifecycle = lsmc::export::lifecycle_named(model, &statics, name)?;
        let dot = lsmc::export::dot::render(&lifecycle);
        match super::export::run_dot(&dot) {
            Ok(svg) => write_output(Path::new("fsm.svg"), &svg)?,
            Err(_) => write_output(Path::new("fsm.dot"), &dot)?,
        }
    }
    Ok(())
}
