//! `lsmc compile`: evaluate a project over a service inventory, optionally dumping every instance.

use std::io::Write;
use std::path::{Path, PathBuf};

use std::rc::Rc;

use lsmc::driver::{self, EvalOptions, InventoryFile};
use lsmc::eval::python_plugins::HostHandle;

use super::fs::{display_name, file_stamp, read_inventory, uri_of, DiskProject};
use super::{report, report_beside, tool_failure, Status};
use crate::{Format, OutputOptions};

#[derive(clap::Args)]
pub struct CompileArgs {
    /// The project folder (with main.cf, and project.yml for the module path) or .cf file.
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
    /// Dump only the types of main.cf (with --dump).
    #[arg(long)]
    pub config_only: bool,
    /// Skip the LSM rules (export checks): evaluate as the reference compiler does.
    #[arg(long)]
    pub no_lsm_checks: bool,
    /// A virtual environment or site-packages folder with v2 modules (repeatable).
    #[arg(long = "python-path")]
    pub python_paths: Vec<PathBuf>,
    /// The interpreter or virtual environment of Python plugins (default: $VIRTUAL_ENV, the
    /// project's .venv or .env, python3).
    #[arg(long, value_name = "PY")]
    pub python: Option<PathBuf>,
    /// Seconds a Python plugin may run before it is stopped.
    #[arg(long, value_name = "SECONDS", default_value_t = super::plugin_host::DEFAULT_TIMEOUT_SECONDS)]
    pub plugin_timeout: u64,
    /// Stop a compile that takes more task runs than this (default 10,000,000).
    #[arg(long, value_name = "N")]
    pub max_steps: Option<usize>,
    /// Stop a compile that constructs more instances than this (default 1,000,000).
    #[arg(long, value_name = "N")]
    pub max_instances: Option<usize>,
}

pub fn run(args: &CompileArgs, output: &OutputOptions) -> Status {
    let start = std::time::Instant::now();
    let timer = super::Timer::from_env();
    let project = match DiskProject::open(&args.path, &args.python_paths) {
        Ok(p) => p.with_python(args.python.as_deref()),
        Err(message) => return tool_failure(&message, Some(output)),
    };
    let progress = |stage: driver::Stage| timer.mark(stage.name());
    let options = driver::Options {
        lsm_checks: !args.no_lsm_checks,
        progress: Some(&progress),
    };
    let mut checked = driver::check(&project.input(), options);
    project.report_missing_folders(&mut checked);
    // Taken before the file is read: a change while it is read shows too.
    let stamp = args.inventory.as_deref().and_then(file_stamp);
    if let Some(path) = &args.inventory {
        let text = match read_inventory(path) {
            Ok(t) => t,
            Err(message) => return tool_failure(&message, Some(output)),
        };
        checked.read_inventory(InventoryFile {
            name: display_name(path),
            text,
        });
        timer.mark("inventory");
    } else if let Some(unread) = unread_inventory(args) {
        checked.diagnostics.push(unread);
        lsmc::diagnostics::sort(&mut checked.diagnostics);
    }
    checked.check_inventory(args.validate.as_deref());
    timer.mark("inventory check");
    // The inventory's text is as large as the inventory: when warnings point into it, a
    // regular file is read again for them after the evaluation rather than kept through it.
    let text_aside = stamp.is_some() && checked.set_aside_inventory_text();
    let options = EvalOptions {
        validate: args.validate.clone(),
        no_instances: args.no_instances || no_instances_from_env(),
        max_steps: args.max_steps,
        max_instances: args.max_instances,
        host: lsmc::eval::std_host::Host(std::sync::Arc::new(super::std_host::DiskHost::new(
            &project,
            checked.model.namespaces.iter().map(|ns| ns.name.as_str()),
        ))),
        plugin_host: Some(HostHandle(Rc::new(
            project.plugin_host(args.plugin_timeout),
        ))),
    };
    let Some(mut evaluated) = checked.evaluate(options) else {
        if text_aside {
            checked.restore_inventory_text(reread_inventory(args, stamp), &mut []);
        }
        return report(&checked.diagnostics, &checked.sources, output, &uri_of);
    };
    timer.mark("evaluate");
    if std::env::var_os("LSMC_TIMINGS").is_some() {
        eprintln!("{}", evaluated.runtime.statistics());
    }
    // The dump on stdout, or the JSON diagnostics there: `print` output goes to stderr then.
    let dump_on_stdout = args.dump.as_deref() == Some(Path::new("-"));
    let stdout_is_document =
        dump_on_stdout || (output.format == Format::Json && output.diagnostics.is_none());
    for line in &evaluated.runtime.printed {
        if stdout_is_document {
            eprintln!("{line}");
        } else {
            super::print_out(&format!("{line}\n"));
        }
    }
    if !evaluated.has_errors() {
        if let Err(message) = write_drawings(&evaluated.drawings) {
            return tool_failure(&message, Some(output));
        }
        if let Some(dump_path) = &args.dump {
            let dump = evaluated.dump(args.config_only);
            let written = write_output_with(dump_path, |out| {
                lsmc::diagnostics::write_pretty(&mut *out, &dump)?;
                out.write_all(b"\n")
            });
            if let Err(message) = written {
                return tool_failure(&message, Some(output));
            }
            timer.mark("dump");
        }
    }
    if evaluated.has_errors() && !evaluated.unplaced_records.is_empty() {
        let records = std::mem::take(&mut evaluated.unplaced_records);
        let mut diagnostics = std::mem::take(&mut evaluated.diagnostics);
        if text_aside {
            evaluated.runtime.release_arenas();
        }
        // The process ends soon: freeing every instance one by one would only cost time.
        std::mem::forget(evaluated);
        place_error_records(
            &mut checked,
            &mut diagnostics,
            &records,
            args,
            text_aside,
            stamp,
        );
        let status = report(&diagnostics, &checked.sources, output, &uri_of);
        std::mem::forget(checked);
        return status;
    }
    let dumped = dump_on_stdout && !evaluated.has_errors();
    let instances = evaluated.runtime.instances.len();
    let mut diagnostics = std::mem::take(&mut evaluated.diagnostics);
    if text_aside {
        evaluated.runtime.release_arenas();
    }
    // The process ends soon: freeing every instance one by one would only cost time.
    std::mem::forget(evaluated);
    if text_aside {
        checked.restore_inventory_text(reread_inventory(args, stamp), &mut diagnostics);
    }
    let status = report_beside(&diagnostics, &checked.sources, output, &uri_of, dumped);
    timer.mark("report");
    if status == Status::Ok {
        let what = format!(
            "compiled {} into {}{}",
            super::files_read(&checked.sources),
            super::count(instances, "instance"),
            super::warnings_note(&diagnostics)
        );
        super::summary(output, dumped, start, &what);
    }
    std::mem::forget(checked);
    status
}

/// The inventory's text, read again for the diagnostics that point into it
/// ([`driver::Checked::set_aside_inventory_text`]); `None` when the file changed since `stamp`.
fn reread_inventory(args: &CompileArgs, stamp: Option<[i64; 6]>) -> Option<String> {
    let path = args.inventory.as_deref()?;
    if file_stamp(path) != stamp {
        return None;
    }
    read_inventory(path).ok()
}

/// The inventory records a failed evaluation came from, labelled in the inventory file, read
/// again for it: its text is not kept through the evaluation (it is as large as the inventory),
/// so only a run that fails reads it twice. A file that can no longer be read leaves the
/// diagnostics as they are (their notes name the records).
fn place_error_records(
    checked: &mut driver::Checked,
    diagnostics: &mut [lsmc::diagnostics::Diagnostic],
    records: &[lsmc::eval::value::Str],
    args: &CompileArgs,
    text_aside: bool,
    stamp: Option<[i64; 6]>,
) {
    let Some(path) = &args.inventory else {
        return;
    };
    if text_aside {
        // Back among the sources, where the records are labelled.
        checked.restore_inventory_text(reread_inventory(args, stamp), diagnostics);
        let file = InventoryFile {
            name: display_name(path),
            text: String::new(),
        };
        checked.place_error_records(diagnostics, records, file);
    } else if let Ok(text) = read_inventory(path) {
        let file = InventoryFile {
            name: display_name(path),
            text,
        };
        checked.place_error_records(diagnostics, records, file);
    }
}

/// A warning for an `inventory.json` beside the main file that `--inventory` did not name: it is
/// not read (lsmc reads only the inventory it is given), and `lsm::all` returns no instance.
fn unread_inventory(args: &CompileArgs) -> Option<lsmc::diagnostics::Diagnostic> {
    if args.no_instances || no_instances_from_env() {
        return None;
    }
    let dir = if args.path.is_file() {
        args.path.parent().unwrap_or(Path::new("."))
    } else {
        &args.path
    };
    let found = dir.join("inventory.json");
    if !found.is_file() {
        return None;
    }
    let shown = display_name(&found);
    Some(
        lsmc::diagnostics::Diagnostic::warning(
            lsmc::diagnostics::codes::INVENTORY_NOT_READ,
            format!("{shown} is not read: without --inventory, lsm::all returns no instance"),
        )
        .with_help(format!(
            "compile its service instances with `--inventory {shown}`, or say that there are none with --no-instances"
        )),
    )
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
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        if let Err(e) = write(&mut out).and_then(|_| out.flush()) {
            // As `print_out`: a reader that has gone away is not an error of lsmc, a full disk is.
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(format!("can not write to standard output: {e}"));
            }
        }
        return Ok(());
    }
    let target = super::output_target(path)?;
    if super::is_special_file(&target) {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .map_err(|e| format!("can not write {}: {e}", path.display()))?;
        let mut out = std::io::BufWriter::new(file);
        return write(&mut out)
            .and_then(|_| out.flush())
            .map_err(|e| format!("can not write {}: {e}", path.display()));
    }
    let mut file = super::staging_file(&target)?;
    let mut out = std::io::BufWriter::new(file.file_mut());
    write(&mut out)
        .and_then(|_| out.flush())
        .map_err(|e| format!("can not write {}: {e}", path.display()))?;
    drop(out);
    file.persist(&target)
}

/// `lsm::render_dot(fsm)` in a model draws that lifecycle as the real module does: `fsm.svg` in
/// the working directory, or `fsm.dot` when Graphviz is not installed.
fn write_drawings(drawings: &[Result<String, String>]) -> Result<(), String> {
    for drawing in drawings {
        let dot = drawing.as_deref().map_err(|message| message.to_string())?;
        match super::export::run_dot(dot) {
            Ok(svg) => write_output(Path::new("fsm.svg"), &svg)?,
            Err(_) => write_output(Path::new("fsm.dot"), dot)?,
        }
    }
    Ok(())
}
