//! The projects an editor has open: which project a file belongs to, its open buffers over the
//! files on disk, and the last check of each project.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use lsmc::driver::{self, Checked, Input};
use lsmc::project::ModuleFiles;
use lsmc::source::FileId;

use crate::cli::fs::DiskProject;

/// An open buffer.
pub struct Document {
    pub text: String,
    pub version: i32,
}

/// A project folder (with `main.cf`) and its last check.
pub struct Project {
    pub root: PathBuf,
    disk: DiskProject,
    pub checked: Option<Checked>,
    /// The file of each source of the last check (built-in modules have none).
    pub files: HashMap<PathBuf, FileId>,
    /// The files diagnostics were published for last time (to clear them when they are gone).
    pub published: HashSet<PathBuf>,
    /// Whether an edit came after the last check.
    pub dirty: bool,
    /// The syntax trees of the last check: an edit parses the edited file again, not the rest.
    parsed: lsmc::project::ParseCache,
    /// The evaluation's diagnostics of the last compile over the inventory (on save), until the
    /// next edit.
    pub evaluation: Vec<lsmc::diagnostics::Diagnostic>,
}

impl Project {
    pub fn open(root: &Path, python_paths: &[PathBuf]) -> Result<Project, String> {
        let disk = DiskProject::open(root, python_paths)?;
        Ok(Project {
            root: root.to_path_buf(),
            disk,
            checked: None,
            files: HashMap::new(),
            published: HashSet::new(),
            dirty: true,
            parsed: Default::default(),
            evaluation: Vec::new(),
        })
    }

    /// Checks the project again and evaluates it over an inventory (`inventory`, relative to
    /// the project folder), as `lsmc compile --inventory` does: the evaluation's diagnostics
    /// join the check's until the next edit. A project with errors is not evaluated.
    pub fn compile(&mut self, open: &HashMap<PathBuf, Document>, inventory: &Path) {
        self.check(open);
        let path = self.root.join(inventory);
        let Some(checked) = self.checked.as_mut() else {
            return;
        };
        let text = match open.get(&canonical(&path)) {
            Some(document) => document.text.clone(),
            None => match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(_) => return,
            },
        };
        // The inventory's own problems join the check's diagnostics.
        checked.read_inventory(driver::InventoryFile {
            name: canonical(&path).display().to_string(),
            text,
        });
        let all = checked
            .evaluate(driver::EvalOptions::default())
            .map(|evaluated| evaluated.diagnostics);
        self.evaluation = all
            .unwrap_or_default()
            .into_iter()
            .filter(|d| !checked.diagnostics.contains(d))
            .collect();
        let checked = self.checked.as_ref().expect("checked above");
        self.files = files_of(checked);
    }

    /// Checks the project again: its files as the editor has them, else as they are on disk.
    pub fn check(&mut self, open: &HashMap<PathBuf, Document>) {
        let timer = crate::cli::Timer::from_env();
        // The last check is let go first: its memory is reused by this one.
        self.checked = None;
        timer.mark("drop last check");
        let main = canonical(self.disk.main_path());
        let main_text = match open.get(&main) {
            Some(document) => document.text.clone(),
            None => std::fs::read_to_string(&main).unwrap_or_default(),
        };
        let main_name = main.display().to_string();
        let files = Overlay {
            disk: &self.disk,
            open,
        };
        let input = Input {
            main_name: &main_name,
            main_text: &main_text,
            files: &files,
        };
        let progress = |stage: driver::Stage| timer.mark(stage.name());
        let options = driver::Options {
            progress: Some(&progress),
            ..Default::default()
        };
        let checked = driver::check_cached(&input, options, Some(&self.parsed));
        self.files = files_of(&checked);
        self.checked = Some(checked);
        self.evaluation.clear();
        self.dirty = false;
    }

    /// The modules that can be imported: those on the module path and in the Python
    /// environment, and the built-in ones.
    pub fn importable_modules(&self) -> Vec<String> {
        let mut names: Vec<String> = lsmc::project::BUILT_IN
            .iter()
            .map(|n| n.to_string())
            .collect();
        for (name, model) in self.disk.module_models() {
            submodules(&name, &model, &mut names, 0);
        }
        names.sort();
        names.dedup();
        names
    }
}

/// The file of each source of a check (built-in modules have none).
fn files_of(checked: &Checked) -> HashMap<PathBuf, FileId> {
    checked
        .sources
        .iter()
        .filter(|(_, f)| !f.name.starts_with('<'))
        .map(|(id, f)| (PathBuf::from(&f.name), id))
        .collect()
}

/// `name` and the submodules in its `model/` folder (`name::sub`).
fn submodules(name: &str, dir: &Path, out: &mut Vec<String>, depth: usize) {
    out.push(name.to_string());
    if depth > 8 {
        return;
    }
    for entry in crate::cli::fs::sorted_entries(dir) {
        let Some(stem) = entry.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if entry.is_dir() && entry.join("_init.cf").is_file() {
            submodules(&format!("{name}::{stem}"), &entry, out, depth + 1);
        } else if entry.extension().is_some_and(|e| e == "cf") && stem != "_init" {
            out.push(format!("{name}::{stem}"));
        }
    }
}

/// The module files of a project, open buffers first.
struct Overlay<'a> {
    disk: &'a DiskProject,
    open: &'a HashMap<PathBuf, Document>,
}

impl ModuleFiles for Overlay<'_> {
    fn module(&self, segments: &[&str]) -> Result<Option<(String, String)>, String> {
        let Some(path) = self.disk.module_file(segments) else {
            return Ok(None);
        };
        let path = canonical(&path);
        let text = match self.open.get(&path) {
            Some(document) => document.text.clone(),
            None => crate::cli::fs::read(&path)?,
        };
        Ok(Some((path.display().to_string(), text)))
    }

    /// As `lsmc check` reads them: the calls of a module's Python plugins are checked as you type.
    fn plugin_sources(&self, name: &str) -> Option<Vec<lsmc::project::PluginSource>> {
        self.disk.plugin_sources(name)
    }
}

/// A path with its links resolved, when it exists: the one name a file has in the server.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The project folder of a file: the nearest folder above it with a `main.cf`.
pub fn project_root_of(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .find(|dir| dir.join("main.cf").is_file())
        .map(Path::to_path_buf)
}
