//! Projects on disk: `main.cf`, `project.yml` and the module path.

use std::path::{Path, PathBuf};

use lsmc::diagnostics::{codes, Diagnostic, Label};
use lsmc::driver::{Checked, Input};
use lsmc::project::ModuleFiles;
use lsmc::source::Span;

/// A project folder (or a lone `.cf` file) and the folders its modules are searched in.
pub struct DiskProject {
    /// The main file as diagnostics show it, and its text.
    main_name: String,
    main_text: String,
    main_path: PathBuf,
    pub module_path: Vec<PathBuf>,
    /// Where v2 modules (`inmanta_plugins/<name>/model/`) are installed; found lazily.
    python_paths: std::sync::OnceLock<Vec<PathBuf>>,
    /// Given with `--python-path`: used instead of asking the environment.
    explicit_python_paths: Vec<PathBuf>,
    /// The `project.yml` read for the module path (its name as shown, and its text), and the
    /// entries of its `modulepath` that name no folder.
    project_yml: Option<(String, String)>,
    missing_folders: Vec<String>,
}

impl DiskProject {
    /// Finds `main.cf` and the module path of a project folder (or takes a lone `.cf` file),
    /// and reads the main file. `python_paths` (`--python-path`) replace the environment's.
    pub fn open(path: &Path, python_paths: &[PathBuf]) -> Result<DiskProject, String> {
        let (main, module_path, project_yml) = Self::locate(path)?;
        let main_text = read(&main)?;
        let missing_folders = match &project_yml {
            Some((_, text)) => module_path_of(text)
                .unwrap_or_default()
                .into_iter()
                .filter(|entry| !path.join(entry).is_dir())
                .collect(),
            None => Vec::new(),
        };
        Ok(DiskProject {
            main_name: display_name(&main),
            main_text,
            main_path: main,
            module_path,
            python_paths: Default::default(),
            explicit_python_paths: python_paths.to_vec(),
            project_yml,
            missing_folders,
        })
    }

    /// What the driver reads: the main file, and the modules through this project.
    pub fn input(&self) -> Input<'_> {
        Input {
            main_name: &self.main_name,
            main_text: &self.main_text,
            files: self,
        }
    }

    /// The main file, the module path, and the `project.yml` that gave it (name and text).
    #[allow(clippy::type_complexity)]
    fn locate(path: &Path) -> Result<(PathBuf, Vec<PathBuf>, Option<(String, String)>), String> {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("can not read {}: {e}", path.display()))?;
        if meta.is_file() {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            return Ok((path.to_path_buf(), default_module_path(&dir), None));
        }
        let main = path.join("main.cf");
        if !main.is_file() {
            return Err(format!("{} has no main.cf", path.display()));
        }
        let project_yml = path.join("project.yml");
        if !project_yml.is_file() {
            return Ok((main, default_module_path(path), None));
        }
        let text = std::fs::read_to_string(&project_yml)
            .map_err(|e| format!("can not read {}: {e}", project_yml.display()))?;
        let mut dirs: Vec<PathBuf> = module_path_of(&text)
            .map_err(|e| format!("{}: {e}", project_yml.display()))?
            .into_iter()
            .map(|p| path.join(p))
            .collect();
        if dirs.is_empty() {
            dirs = default_module_path(path);
        }
        Ok((main, dirs, Some((display_name(&project_yml), text))))
    }

    /// A warning for each `modulepath` entry of `project.yml` that names no folder: modules
    /// there would never be found, and the import errors alone would not say why.
    pub fn report_missing_folders(&self, checked: &mut Checked) {
        let Some((name, text)) = &self.project_yml else {
            return;
        };
        if self.missing_folders.is_empty() {
            return;
        }
        let file = checked.sources.add(name.clone(), text.clone());
        for entry in &self.missing_folders {
            let mut warning = Diagnostic::warning(
                codes::MISSING_MODULE_FOLDER,
                format!("the modulepath folder `{entry}` does not exist"),
            )
            .with_help(
                "create the folder, or correct or remove this entry of `modulepath` in project.yml",
            );
            if let Some(range) = entry_range(text, entry) {
                let span = Span::new(file, range.start, range.end);
                warning = warning.with_label(Label::primary(span, "no such folder"));
            }
            checked.diagnostics.push(warning);
        }
        lsmc::diagnostics::sort(&mut checked.diagnostics);
    }
}

/// Where a `modulepath` entry is written in `project.yml`: its first occurrence after the key.
fn entry_range(text: &str, entry: &str) -> Option<std::ops::Range<usize>> {
    let key = text.find("modulepath")?;
    let start = key + text[key..].find(entry)?;
    Some(start..start + entry.len())
}

/// Without a `project.yml`, modules are looked for in `libs/` next to `main.cf`.
fn default_module_path(dir: &Path) -> Vec<PathBuf> {
    vec![dir.join("libs")]
}

/// The most values a `project.yml` may hold once its aliases are expanded. The loader copies an
/// anchored value at each alias: nested aliases in a few hundred bytes expand to gigabytes.
const MOST_YAML_VALUES: u64 = 100_000;

/// The number of values (scalars, sequences, mappings) of a YAML text with its aliases expanded,
/// counted on the parser's events without building anything.
#[derive(Default)]
struct ExpandedSize {
    /// The anchor and size so far of each open sequence or mapping.
    open: Vec<(usize, u64)>,
    /// The expanded size of each anchored value.
    anchored: std::collections::HashMap<usize, u64>,
    total: u64,
}

impl ExpandedSize {
    fn add(&mut self, size: u64) {
        let to = match self.open.last_mut() {
            Some((_, inner)) => inner,
            None => &mut self.total,
        };
        *to = to.saturating_add(size);
    }
}

impl yaml_rust2::parser::EventReceiver for ExpandedSize {
    fn on_event(&mut self, event: yaml_rust2::Event) {
        use yaml_rust2::Event;
        match event {
            Event::Scalar(_, _, anchor, _) => {
                if anchor > 0 {
                    self.anchored.insert(anchor, 1);
                }
                self.add(1);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((anchor, 1));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, size)) = self.open.pop() {
                    if anchor > 0 {
                        self.anchored.insert(anchor, size);
                    }
                    self.add(size);
                }
            }
            Event::Alias(anchor) => {
                let size = self.anchored.get(&anchor).copied().unwrap_or(1);
                self.add(size);
            }
            _ => {}
        }
    }
}

/// The `modulepath` of a `project.yml`: one folder, or a list.
fn module_path_of(text: &str) -> Result<Vec<String>, String> {
    let mut size = ExpandedSize::default();
    yaml_rust2::parser::Parser::new_from_str(text)
        .load(&mut size, true)
        .map_err(|e| e.to_string())?;
    if size.total > MOST_YAML_VALUES {
        return Err(format!(
            "its aliases expand to more than {MOST_YAML_VALUES} values; lsmc reads at most that many"
        ));
    }
    let docs = yaml_rust2::YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
    let Some(doc) = docs.first() else {
        return Ok(Vec::new());
    };
    let entry = &doc["modulepath"];
    Ok(match entry {
        yaml_rust2::Yaml::String(s) => vec![s.clone()],
        yaml_rust2::Yaml::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    })
}

/// The largest inventory lsmc reads: 1 GiB.
pub const MOST_INVENTORY_BYTES: u64 = 1 << 30;

/// Reads an inventory: a regular file, or a pipe (`/dev/stdin`, `<(...)`), of at most
/// [`MOST_INVENTORY_BYTES`]. A device (`/dev/zero`) or a socket is refused: it may never end.
pub fn read_inventory(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| format!("can not read {}: {e}", path.display()))?;
    let kind = file
        .metadata()
        .map_err(|e| format!("can not read {}: {e}", path.display()))?
        .file_type();
    let is_pipe = {
        use std::os::unix::fs::FileTypeExt;
        kind.is_fifo()
    };
    if !kind.is_file() && !is_pipe {
        return Err(format!(
            "{} is not a file: an inventory is read from a file or a pipe",
            path.display()
        ));
    }
    let mut bytes = Vec::new();
    file.take(MOST_INVENTORY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("can not read {}: {e}", path.display()))?;
    if bytes.len() as u64 > MOST_INVENTORY_BYTES {
        return Err(format!(
            "{} is larger than {} MiB, the largest inventory lsmc reads",
            path.display(),
            MOST_INVENTORY_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}

pub fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("can not read {}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}

/// The name a file is shown with: relative to the working directory when it is below it.
pub fn display_name(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = absolute(path);
    absolute
        .strip_prefix(&cwd)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| absolute.display().to_string())
}

pub fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

/// `file://` URI of a displayed file name.
pub fn uri_of(name: &str) -> String {
    format!("file://{}", absolute(Path::new(name)).display())
}

impl DiskProject {
    /// Copies of the built-in modules on the module path or in the Python environment: lsmc
    /// never reads them (it uses its own `std` and `lsm`).
    pub fn shadowed_builtins(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        for name in lsmc::project::BUILT_IN {
            for dir in &self.module_path {
                let model = dir.join(name).join("model");
                if model.is_dir() {
                    found.push(model);
                }
            }
            for site in self.python_paths() {
                let model = site.join("inmanta_plugins").join(name).join("model");
                if model.is_dir() {
                    found.push(model);
                }
            }
        }
        found
    }

    /// The site-packages folders to search for v2 modules: `--python-path`, else
    /// `$LSMC_PYTHON_PATH` (folders separated by `:`), else the active virtual environment
    /// (`$VIRTUAL_ENV`), else those of `python3`.
    fn python_paths(&self) -> &[PathBuf] {
        self.python_paths.get_or_init(|| {
            if !self.explicit_python_paths.is_empty() {
                return self.explicit_python_paths.iter().flat_map(|p| site_packages_of(p)).collect();
            }
            if let Some(paths) = std::env::var_os("LSMC_PYTHON_PATH").filter(|p| !p.is_empty()) {
                return std::env::split_paths(&paths).flat_map(|p| site_packages_of(&p)).collect();
            }
            if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
                return site_packages_of(Path::new(&venv));
            }
            let output = std::process::Command::new("python3")
                .args([
                    "-c",
                    "import site, sys; print('\\n'.join(site.getsitepackages() + [site.getusersitepackages()]))",
                ])
                .output();
            match output {
                Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .map(PathBuf::from)
                    .filter(|p| p.is_dir())
                    .collect(),
                _ => Vec::new(),
            }
        })
    }
}

/// The site-packages folders of a virtual environment, or the folder itself when it is one.
fn site_packages_of(path: &Path) -> Vec<PathBuf> {
    if path.join("inmanta_plugins").is_dir() || path.ends_with("site-packages") {
        return vec![path.to_path_buf()];
    }
    let mut found = Vec::new();
    for lib in ["lib", "lib64"] {
        for entry in std::fs::read_dir(path.join(lib))
            .into_iter()
            .flatten()
            .flatten()
        {
            let site = entry.path().join("site-packages");
            if site.is_dir() {
                found.push(site);
            }
        }
    }
    found
}

impl ModuleFiles for DiskProject {
    fn module(&self, segments: &[&str]) -> Result<Option<(String, String)>, String> {
        match self.module_file(segments) {
            Some(path) => read(&path).map(|text| Some((display_name(&path), text))),
            None => Ok(None),
        }
    }
}

impl DiskProject {
    /// The main file.
    pub fn main_path(&self) -> &Path {
        &self.main_path
    }

    /// The file of module `segments`: v1 modules on the module path first, the Python
    /// environment only when they miss.
    pub fn module_file(&self, segments: &[&str]) -> Option<PathBuf> {
        let v1: Vec<PathBuf> = self
            .module_path
            .iter()
            .map(|dir| dir.join(segments[0]).join("model"))
            .collect();
        if let Some(found) = find_in_models(&v1, segments) {
            return Some(found);
        }
        let v2: Vec<PathBuf> = self
            .python_paths()
            .iter()
            .map(|site| site.join("inmanta_plugins").join(segments[0]).join("model"))
            .collect();
        find_in_models(&v2, segments)
    }

    /// The `model/` folders of every module on the module path and in the Python environment,
    /// by module name (the first found wins, as for imports).
    pub fn module_models(&self) -> Vec<(String, PathBuf)> {
        let mut found: Vec<(String, PathBuf)> = Vec::new();
        let v1 = self.module_path.iter().cloned();
        let v2 = self
            .python_paths()
            .iter()
            .map(|s| s.join("inmanta_plugins"));
        for dir in v1.chain(v2) {
            for module in sorted_entries(&dir) {
                let model = module.join("model");
                let Some(name) = module.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if model.join("_init.cf").is_file() && !found.iter().any(|(n, _)| n == name) {
                    found.push((name.to_string(), model));
                }
            }
        }
        found
    }
}

/// The file of module `segments` in the first of these `model/` folders that has it.
fn find_in_models(models: &[PathBuf], segments: &[&str]) -> Option<PathBuf> {
    for model in models.iter().filter(|m| m.is_dir()) {
        let mut candidates = Vec::new();
        if segments.len() == 1 {
            candidates.push(model.join("_init.cf"));
        } else {
            let mut sub = model.clone();
            for s in &segments[1..segments.len() - 1] {
                sub = sub.join(s);
            }
            let last = segments[segments.len() - 1];
            candidates.push(sub.join(format!("{last}.cf")));
            candidates.push(sub.join(last).join("_init.cf"));
        }
        if let Some(found) = candidates.into_iter().find(|c| c.is_file()) {
            return Some(found);
        }
    }
    None
}

/// The entries of a folder, sorted (so that what is found does not depend on the file system's
/// order); none when it can not be read.
pub fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    entries
}
