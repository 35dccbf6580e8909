//! `lsmc export`, `lsmc schema` and `lsmc lifecycle`: the service catalog of a project, the JSON
//! Schema of one service version, and a lifecycle as a Graphviz drawing. `lsmc export --previous`
//! first checks the version rules against the catalog on record (and an inventory).
//!
//! Files are written to a temporary file in the same folder, then renamed: a failed run leaves
//! no file behind and never a partial one.

use std::io::Write;
use std::path::{Path, PathBuf};

use lsmc::diagnostics;
use lsmc::driver::{self, Checked, InventoryFile};
use lsmc::export::previous::{self, Instance};
use lsmc::export::{self, Catalog, ServiceEntity};

use super::fs::{display_name, read, uri_of, DiskProject};
use super::{report, report_beside, tool_failure, Status};
use crate::{Format, OutputOptions};

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The project folder or .cf file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The catalog file to write (`-`: standard output).
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Write the v1 list instead: the default version of every service.
    #[arg(long)]
    pub v1: bool,
    /// Also write the JSON Schema of every service version to this file.
    #[arg(long)]
    pub schemas: Option<PathBuf>,
    /// The catalog on record (a file this command wrote): refuse to export when an existing
    /// version changed (except a sole version 0) or a version with instances was removed.
    #[arg(long, value_name = "OLD.json")]
    pub previous: Option<PathBuf>,
    /// The service inventory (the LSM API's instances) whose versions must not be removed.
    #[arg(long, requires = "previous")]
    pub inventory: Option<PathBuf>,
    /// A virtual environment or site-packages folder with v2 modules (repeatable).
    #[arg(long = "python-path")]
    pub python_paths: Vec<PathBuf>,
}

fn load(path: &Path, python_paths: &[PathBuf]) -> Result<Checked, String> {
    let project = DiskProject::open(path, python_paths)?;
    let mut checked = driver::check(&project.input(), driver::Options::default());
    project.report_missing_folders(&mut checked);
    Ok(checked)
}

/// Loads a project and builds its catalog; on model errors, reports them and returns the status.
pub(crate) fn catalog_of(
    path: &Path,
    python_paths: &[PathBuf],
    output: &OutputOptions,
) -> Result<(Catalog, Checked), Status> {
    let checked = load(path, python_paths).map_err(|m| tool_failure(&m, Some(output)))?;
    match checked.catalog() {
        Ok(catalog) => Ok((catalog, checked)),
        Err(all) => Err(report(&all, &checked.sources, output, &uri_of)),
    }
}

/// Warnings of a successful run, beside its payload (see [`report_beside`]).
pub(crate) fn report_warnings(
    loaded: &Checked,
    output: &OutputOptions,
    stdout_used: bool,
) -> Status {
    report_beside(
        &loaded.diagnostics,
        &loaded.sources,
        output,
        &uri_of,
        stdout_used,
    )
}

pub fn run(args: &ExportArgs, output: &OutputOptions) -> Status {
    let start = std::time::Instant::now();
    if let Some(schemas) = args
        .schemas
        .as_deref()
        .filter(|s| super::same_output(s, &args.output))
    {
        return tool_failure(
            &format!(
                "the catalog and the schemas would both be written to {}: give each its own file",
                schemas.display()
            ),
            Some(output),
        );
    }
    let (catalog, mut loaded) = match catalog_of(&args.path, &args.python_paths, output) {
        Ok(found) => found,
        Err(status) => return status,
    };
    if let Some(previous) = &args.previous {
        if let Err(status) = check_previous(
            &catalog,
            &mut loaded,
            previous,
            args.inventory.as_deref(),
            output,
        ) {
            return status;
        }
    }
    let text = if args.v1 {
        export::to_pretty_json(&catalog.v1())
    } else {
        export::to_pretty_json(&catalog)
    };
    let mut files = vec![(args.output.clone(), text)];
    if let Some(schemas) = &args.schemas {
        files.push((schemas.clone(), export::to_pretty_json(&catalog.schemas())));
    }
    if let Err(message) = write_all(&files) {
        return tool_failure(&message, Some(output));
    }
    let stdout_used = files.iter().any(|(p, _)| p.as_os_str() == "-");
    let status = report_warnings(&loaded, output, stdout_used);
    if status == Status::Ok {
        let versions: usize = catalog.services.iter().map(|s| s.versions.len()).sum();
        let what = format!(
            "exported {} ({}) to {}{}",
            super::count(catalog.services.len(), "service"),
            super::count(versions, "version"),
            shown(&args.output),
            super::warnings_note(&loaded.diagnostics)
        );
        super::summary(output, stdout_used, start, &what);
    }
    status
}

/// An output path as the summary names it.
fn shown(path: &Path) -> String {
    if path == Path::new("-") {
        "standard output".to_string()
    } else {
        path.display().to_string()
    }
}

/// The version rules against the catalog on record (`--previous`): any error is reported (with
/// the model's warnings) and nothing is written.
fn check_previous(
    catalog: &Catalog,
    loaded: &mut Checked,
    previous: &Path,
    inventory: Option<&Path>,
    output: &OutputOptions,
) -> Result<(), Status> {
    let text = read(previous).map_err(|m| tool_failure(&m, Some(output)))?;
    let old: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        tool_failure(
            &format!("{} is not valid JSON: {e}", previous.display()),
            Some(output),
        )
    })?;
    let instances = match inventory {
        Some(path) => Some(read_instances(loaded, path, output)?),
        None => None,
    };
    let spans = previous::binding_spans(&loaded.model, loaded.statics());
    let problems = previous::compare(catalog, &old, &spans, instances.as_deref())
        .map_err(|m| tool_failure(&format!("{}: {m}", previous.display()), Some(output)))?;
    if !diagnostics::has_errors(&problems) {
        return Ok(());
    }
    let all = loaded.diagnostics_with(problems);
    Err(report(&all, &loaded.sources, output, &uri_of))
}

/// The instances of an inventory file (the `lsmc compile --inventory` format); its problems
/// are reported as for `lsmc compile`.
fn read_instances(
    loaded: &mut Checked,
    path: &Path,
    output: &OutputOptions,
) -> Result<Vec<Instance>, Status> {
    let text = super::fs::read_inventory(path).map_err(|m| tool_failure(&m, Some(output)))?;
    let file = InventoryFile {
        name: display_name(path),
        text,
    };
    loaded
        .previous_instances(file)
        .map_err(|all| report(&all, &loaded.sources, output, &uri_of))
}

/// Writes every file (`-`: standard output) through a temporary file in its folder, renaming
/// only once all are written: an error leaves none of them half written. Standard output comes
/// last, so that a failure never follows a payload there.
fn write_all(files: &[(PathBuf, String)]) -> Result<(), String> {
    for (i, (path, _)) in files.iter().enumerate() {
        if files[..i]
            .iter()
            .any(|(other, _)| super::same_output(other, path))
        {
            return Err(format!(
                "two outputs would be written to {}: give each its own file",
                path.display()
            ));
        }
    }
    let mut pending = Vec::new();
    for (path, text) in files {
        if path.as_os_str() == "-" {
            continue;
        }
        let target = super::output_target(path)?;
        if super::is_special_file(&target) {
            continue;
        }
        let mut temp = super::staging_file(&target)?;
        temp.file_mut()
            .write_all(text.as_bytes())
            .and_then(|_| temp.file_mut().flush())
            .map_err(|e| format!("can not write {}: {e}", path.display()))?;
        pending.push((temp, target));
    }
    for (temp, target) in pending {
        temp.persist(&target)?;
    }
    for (path, text) in files {
        if path.as_os_str() == "-" {
            super::print_out(text);
        } else if super::is_special_file(&super::output_target(path)?) {
            super::compile::write_output(path, text)?;
        }
    }
    Ok(())
}

pub fn schema(
    name: &str,
    version: Option<i64>,
    path: &Path,
    out: &Path,
    python_paths: &[PathBuf],
    output: &OutputOptions,
) -> Status {
    let start = std::time::Instant::now();
    let (catalog, loaded) = match catalog_of(path, python_paths, output) {
        Ok(found) => found,
        Err(status) => return status,
    };
    let entity = match find_version(&catalog, name, version) {
        Ok(entity) => entity,
        Err(message) => return tool_failure(&message, Some(output)),
    };
    let text = export::to_pretty_json(&export::schema::version_schema(entity));
    if let Err(message) = write_all(&[(out.to_path_buf(), text)]) {
        return tool_failure(&message, Some(output));
    }
    let stdout_used = out == Path::new("-");
    let status = report_warnings(&loaded, output, stdout_used);
    if status == Status::Ok {
        let what = format!(
            "wrote the schema of `{name}` version {} to {}{}",
            entity.version,
            shown(out),
            super::warnings_note(&loaded.diagnostics)
        );
        super::summary(output, stdout_used, start, &what);
    }
    status
}

/// A version of a service (`None`: its default version); `Err` says which services or
/// versions there are.
pub(crate) fn find_version<'c>(
    catalog: &'c Catalog,
    name: &str,
    version: Option<i64>,
) -> Result<&'c ServiceEntity, String> {
    let Some(service) = catalog.service(name) else {
        let known: Vec<&str> = catalog.services.iter().map(|s| s.name.as_str()).collect();
        let hint = lsmc::diagnostics::suggest::did_you_mean(name, known.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(format!(
            "no service named `{name}`{hint}; services: {}",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ));
    };
    let version = version.unwrap_or(service.default_version);
    service.version(version).ok_or_else(|| {
        let known: Vec<String> = service
            .versions
            .iter()
            .map(|v| v.version.to_string())
            .collect();
        format!(
            "service `{name}` has no version {version}; versions: {}",
            known.join(", ")
        )
    })
}

#[derive(Clone, Copy, Debug, clap::ValueEnum, PartialEq, Eq)]
pub enum Drawing {
    Dot,
    Svg,
}

pub fn lifecycle(
    name: &str,
    path: &Path,
    drawing: Drawing,
    out: &Path,
    python_paths: &[PathBuf],
) -> Status {
    let output = OutputOptions {
        format: Format::Text,
        color: None,
        diagnostics: None,
        quiet: true,
    };
    let in_project = path.is_file() || path.join("main.cf").is_file();
    let loaded = if in_project {
        match load(path, python_paths) {
            Ok(l) => l,
            Err(message) => return tool_failure(&message, None),
        }
    } else if path == Path::new(".") {
        driver::lsm_modules()
    } else {
        return tool_failure(&format!("{} has no main.cf", path.display()), None);
    };
    if loaded.has_errors() {
        return report(&loaded.diagnostics, &loaded.sources, &output, &uri_of);
    }
    let mut found = loaded.lifecycle(name);
    if found.is_err() && in_project && name.starts_with("lsm::") {
        // A lifecycle of lsm::fsm that the project does not import.
        if let Ok(l) = driver::lsm_modules().lifecycle(name) {
            found = Ok(l);
        }
    }
    let lifecycle = match found {
        Ok(l) => l,
        Err(message) => return tool_failure(&message, None),
    };
    let dot = export::dot::render(&lifecycle);
    let text = match drawing {
        Drawing::Dot => dot,
        Drawing::Svg => match run_dot(&dot) {
            Ok(svg) => svg,
            Err(message) => return tool_failure(&message, None),
        },
    };
    if let Err(message) = write_all(&[(out.to_path_buf(), text)]) {
        return tool_failure(&message, None);
    }
    Status::Ok
}

/// `dot -Tsvg` on a DOT text.
pub fn run_dot(dot: &str) -> Result<String, String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                "Graphviz is not installed (no `dot` command): install it (e.g. `apt-get install graphviz`), or use --format dot and render the DOT text elsewhere".to_string()
            } else {
                format!("can not run Graphviz `dot`: {e}")
            }
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(dot.as_bytes())
            .map_err(|e| format!("can not write to Graphviz `dot`: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("Graphviz `dot` failed: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "Graphviz `dot` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| "Graphviz `dot` wrote no UTF-8 text".to_string())
}
