//! What the integration tests share: where the shared material is, running the `lsmc` binary,
//! and the fixture harness (a fixture's own modules, its run through the driver, the source and
//! diagnostics of a snapshot).

// Each test crate includes this module and uses a part of it.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lsmc::diagnostics::{render_text, Diagnostic, TextOptions};
use lsmc::driver::{self, Checked, Input, InventoryFile};
use lsmc::project::ModuleFiles;
use lsmc::source::SourceMap;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared material: `$LSMC_SHARED` (when not empty), else `../shared` next to this crate.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("LSMC_SHARED") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => manifest_dir().join("../shared"),
    }
}

/// The conformance suite: `$LSMC_CONFORMANCE`, else `<shared>/conformance`.
pub fn suite_dir() -> PathBuf {
    std::env::var_os("LSMC_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared_dir().join("conformance"))
}

/// The reference compiler's models: `<shared>/oracle/models`.
pub fn models_dir() -> PathBuf {
    shared_dir().join("oracle/models")
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// `Some(dir)` when it exists; otherwise a loud message (a failure under `CI=true`).
pub fn required(dir: PathBuf, what: &str) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir);
    }
    let message = format!("\n*** {what} IS MISSING: {} ***\n", dir.display());
    if in_ci() {
        panic!("{message}");
    }
    eprintln!("{message}");
    None
}

/// The `lsmc` binary, with `LSMC_PYTHON_PATH` from the environment or `corpus/site` (the v2
/// modules some models import), without colour, and without the caller's `lsm_no_instances`
/// (the reference reads it from the environment; a test sets it when it means to).
pub fn lsmc_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lsmc"));
    if std::env::var_os("LSMC_PYTHON_PATH").is_none() {
        cmd.env("LSMC_PYTHON_PATH", manifest_dir().join("corpus/site"));
    }
    cmd.env("NO_COLOR", "1").env_remove("lsm_no_instances");
    cmd
}

pub fn lsmc<S: AsRef<OsStr>>(args: &[S]) -> Output {
    lsmc_command().args(args).output().expect("lsmc runs")
}

/// What a run wrote: standard output, then standard error.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Modules under a folder laid out as a module path: `<dir>/<mod>/model/_init.cf`,
/// `<dir>/<mod>/model/<sub>.cf` (or `<sub>/_init.cf`), named `<shown>/<mod>/model/...`.
pub struct ModuleDir {
    pub dir: PathBuf,
    /// The folder as diagnostics show it, so that snapshots are the same on every machine.
    pub shown: String,
}

impl ModuleFiles for ModuleDir {
    fn module(&self, segments: &[&str]) -> Result<Option<(String, String)>, String> {
        let model = format!("{}/model", segments[0]);
        let candidates = match segments {
            [_] => vec![format!("{model}/_init.cf")],
            [_, sub @ ..] => vec![
                format!("{model}/{}.cf", sub.join("/")),
                format!("{model}/{}/_init.cf", sub.join("/")),
            ],
            [] => Vec::new(),
        };
        for relative in candidates {
            let path = self.dir.join(&relative);
            if path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
                return Ok(Some((format!("{}/{relative}", self.shown), text)));
            }
        }
        Ok(None)
    }
}

/// A project folder `fixtures/<kind>/<name>/`: a `main.cf`, its own modules under `libs/`, and
/// an optional `inventory.json`. Its files are named relative to the repository.
pub struct Fixture {
    pub dir: PathBuf,
    pub name: String,
    /// `fixtures/<kind>/<name>`.
    pub shown: String,
}

impl Fixture {
    pub fn new(kind: &str, dir: &Path) -> Fixture {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a fixture folder has a UTF-8 name")
            .to_string();
        Fixture {
            dir: dir.to_path_buf(),
            shown: format!("fixtures/{kind}/{name}"),
            name,
        }
    }

    /// The fixture of a `main.cf` that `insta::glob!` found.
    pub fn of_main(kind: &str, main: &Path) -> Fixture {
        Fixture::new(kind, main.parent().expect("main.cf is in a fixture folder"))
    }

    /// Runs `assert` with its snapshot named after the fixture: one snapshot per fixture.
    pub fn snapshot_as(&self, assert: impl FnOnce()) {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(&self.name);
        settings.bind(assert);
    }

    pub fn main_text(&self) -> String {
        std::fs::read_to_string(self.dir.join("main.cf")).expect("fixtures are UTF-8 text")
    }

    /// The code the first line names (`# E4001: ...`).
    pub fn named_code(&self) -> String {
        let text = self.main_text();
        let first = text.lines().next().unwrap_or_default();
        first
            .strip_prefix("# ")
            .and_then(|rest| rest.split(':').next())
            .unwrap_or_default()
            .to_string()
    }

    pub fn inventory(&self) -> Option<InventoryFile> {
        let path = self.dir.join("inventory.json");
        path.is_file().then(|| InventoryFile {
            name: format!("{}/inventory.json", self.shown),
            text: std::fs::read_to_string(&path).expect("inventories are UTF-8 text"),
        })
    }

    /// The fixture through the driver, as `lsmc check` runs a project.
    pub fn check(&self, options: driver::Options) -> Checked {
        let modules = ModuleDir {
            dir: self.dir.join("libs"),
            shown: format!("{}/libs", self.shown),
        };
        let input = Input {
            main_name: &format!("{}/main.cf", self.shown),
            main_text: &self.main_text(),
            files: &modules,
        };
        driver::check(&input, options)
    }
}

/// The fixtures of `fixtures/<kind>/`, in name order.
pub fn fixtures(kind: &str) -> Vec<Fixture> {
    let root = manifest_dir().join("fixtures").join(kind);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{} is readable: {e}", root.display()))
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.iter().map(|dir| Fixture::new(kind, dir)).collect()
}

/// Every fixture folder has a `main.cf` (a folder without one would be skipped silently).
pub fn assert_every_fixture_has_a_main_file(kind: &str) {
    for fixture in fixtures(kind) {
        assert!(
            fixture.dir.join("main.cf").is_file(),
            "{} has no main.cf",
            fixture.dir.display()
        );
    }
}

/// A fixture that breaks one rule gives exactly one error, with the code its first line names;
/// returns that code.
#[track_caller]
pub fn assert_gives_its_named_code(fixture: &Fixture, codes: &[&str]) -> String {
    let expected = fixture.named_code();
    assert_eq!(
        codes,
        [expected.as_str()],
        "{} should give exactly one {expected}",
        fixture.dir.display()
    );
    expected
}

/// Every code `<family>01` to `<family><last>` (`E30`, 30: E3001..E3030) has a fixture.
#[track_caller]
pub fn assert_every_code_has_a_fixture(covered: &[String], family: &str, last: u32) {
    for n in 1..=last {
        let code = format!("{family}{n:02}");
        assert!(covered.contains(&code), "no fixture shows {code}");
    }
}

/// The source with 1-based line numbers, so that a snapshot shows where each error points.
pub fn numbered(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| format!("{:>3} | {line}\n", i + 1))
        .collect()
}

/// A snapshot's sources: every file but the built-in modules, numbered.
pub fn sources_section(sources: &SourceMap) -> String {
    let mut out = String::new();
    for (_, file) in sources.iter() {
        if !file.name.starts_with("<builtin>") {
            out.push_str(&source_section(&file.name, &file.text));
        }
    }
    out
}

pub fn source_section(name: &str, text: &str) -> String {
    format!("----- SOURCE {name}\n{}", numbered(text))
}

/// A snapshot's diagnostics, rendered as text without colour.
pub fn diagnostics_section(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let rendered = render_text(diagnostics, sources, TextOptions { color: false });
    format!("----- DIAGNOSTICS\n{rendered}")
}
