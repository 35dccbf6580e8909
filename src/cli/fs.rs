//! Projects on disk: `main.cf`, `project.yml` and the module path.

use std::path::{Path, PathBuf};

use lsmc::diagnostics::{codes, Diagnostic, Label};
use lsmc::driver::{Checked, Input};
use lsmc::project::{ModuleFiles, PluginSource};
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
    /// Given with `--python`: the interpreter or virtual environment of the project.
    explicit_python: Option<PathBuf>,
    environment: std::sync::OnceLock<PythonEnvironment>,
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
            explicit_python: None,
            environment: Default::default(),
            project_yml,
            missing_folders,
        })
    }

    /// The project's Python environment is this interpreter or virtual environment (`--python`).
    pub fn with_python(mut self, python: Option<&Path>) -> DiskProject {
        self.explicit_python = python.map(Path::to_path_buf);
        self
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
    /// there would never be found, and the import errors alone would not say why; and, on each
    /// import error, where the module was looked for.
    pub fn report_missing_folders(&self, checked: &mut Checked) {
        self.explain_missing_modules(&mut checked.diagnostics);
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

/// The `modulepath` of a `project.yml`: one folder, or a list.
fn module_path_of(text: &str) -> Result<Vec<String>, String> {
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
    /// `$LSMC_PYTHON_PATH` (folders separated by `:`), else those of the project's Python
    /// environment (see [`DiskProject::python_environment`]).
    fn python_paths(&self) -> &[PathBuf] {
        self.python_paths.get_or_init(|| {
            if !self.explicit_python_paths.is_empty() {
                return self.explicit_python_paths.iter().flat_map(|p| site_packages_of(p)).collect();
            }
            if let Some(paths) = lsmc_python_path() {
                return paths.iter().flat_map(|p| site_packages_of(p)).collect();
            }
            let environment = self.python_environment();
            if let Some(venv) = &environment.venv {
                return site_packages_of(venv);
            }
            let output = std::process::Command::new(&environment.interpreter)
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

    /// The folders given with `--python-path` or `$LSMC_PYTHON_PATH`, which the plugin host adds
    /// to its import path.
    pub fn extra_python_paths(&self) -> Vec<PathBuf> {
        if !self.explicit_python_paths.is_empty() {
            return self
                .explicit_python_paths
                .iter()
                .flat_map(|p| site_packages_of(p))
                .collect();
        }
        lsmc_python_path()
            .unwrap_or_default()
            .iter()
            .flat_map(|p| site_packages_of(p))
            .collect()
    }

    /// The Python environment of the project, the first of: `--python`, `$VIRTUAL_ENV`, the
    /// project's own `.venv` or `.env` folder, `python3` on the `PATH`.
    pub fn python_environment(&self) -> &PythonEnvironment {
        self.environment.get_or_init(|| {
            let project_dir = self
                .main_path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            find_environment(self.explicit_python.as_deref(), &project_dir)
        })
    }
}

/// Where Python plugins run and v2 modules are found.
#[derive(Debug, Clone)]
pub struct PythonEnvironment {
    /// The interpreter to start.
    pub interpreter: PathBuf,
    /// The virtual environment it belongs to, when it was found as one.
    pub venv: Option<PathBuf>,
    /// How it was found, as `check -v` says it.
    pub found_by: &'static str,
}

impl PythonEnvironment {
    /// `<interpreter> (found by ...)`.
    pub fn describe(&self) -> String {
        format!("{} ({})", self.interpreter.display(), self.found_by)
    }
}

fn lsmc_python_path() -> Option<Vec<PathBuf>> {
    let paths = std::env::var_os("LSMC_PYTHON_PATH").filter(|p| !p.is_empty())?;
    Some(std::env::split_paths(&paths).collect())
}

/// The interpreter of a virtual environment folder, or the file itself when it is one.
fn interpreter_of(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    ["bin/python3", "bin/python", "Scripts/python.exe"]
        .iter()
        .map(|p| path.join(p))
        .find(|p| p.is_file())
}

/// See [`DiskProject::python_environment`].
pub fn find_environment(explicit: Option<&Path>, project_dir: &Path) -> PythonEnvironment {
    let venv_of = |interpreter: &Path| {
        let venv = interpreter.parent()?.parent()?;
        venv.join("pyvenv.cfg")
            .is_file()
            .then(|| venv.to_path_buf())
    };
    if let Some(path) = explicit {
        let interpreter = interpreter_of(path).unwrap_or_else(|| path.to_path_buf());
        return PythonEnvironment {
            venv: venv_of(&interpreter),
            interpreter,
            found_by: "given with --python",
        };
    }
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty()) {
        if let Some(interpreter) = interpreter_of(Path::new(&venv)) {
            return PythonEnvironment {
                interpreter,
                venv: Some(PathBuf::from(venv)),
                found_by: "the active virtual environment, $VIRTUAL_ENV",
            };
        }
    }
    for (folder, found_by) in [
        (".venv", "the project's .venv folder"),
        (".env", "the project's .env folder"),
    ] {
        let venv = project_dir.join(folder);
        if let Some(interpreter) = interpreter_of(&venv).filter(|_| venv.is_dir()) {
            return PythonEnvironment {
                interpreter,
                venv: Some(venv),
                found_by,
            };
        }
    }
    PythonEnvironment {
        interpreter: PathBuf::from("python3"),
        venv: None,
        found_by: "python3 on the PATH",
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

    fn plugin_sources(&self, name: &str) -> Option<Vec<PluginSource>> {
        let folder = self.plugin_folder(name)?;
        let mut files = Vec::new();
        python_files(&folder, name, &mut files);
        let mut sources = Vec::new();
        for (namespace, path) in files {
            // A file that can not be read leaves the module's plugins unknown.
            let text = read(&path).ok()?;
            sources.push(PluginSource {
                namespace,
                name: display_name(&path),
                text,
            });
        }
        Some(sources)
    }
}

impl DiskProject {
    /// The folder of module `name`'s Python code (`plugins/` of a v1 module, the package of a
    /// v2 one), as imports find the module; `None` when the module is not found. A v1 module
    /// without `plugins/` has no plugins: its folder is then one with no Python files.
    fn plugin_folder(&self, name: &str) -> Option<PathBuf> {
        for dir in &self.module_path {
            if dir.join(name).join("model").is_dir() {
                return Some(dir.join(name).join("plugins"));
            }
        }
        self.python_paths()
            .iter()
            .map(|site| site.join("inmanta_plugins").join(name))
            .find(|package| package.join("model").is_dir())
    }
}

/// The `.py` files below `folder`, each with the namespace of its plugins.
fn python_files(folder: &Path, namespace: &str, out: &mut Vec<(String, PathBuf)>) {
    for path in sorted_entries(folder) {
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.is_dir() {
            if path.join("__init__.py").is_file() {
                python_files(&path, &format!("{namespace}::{stem}"), out);
            }
        } else if path.extension().is_some_and(|e| e == "py") {
            let own = if stem == "__init__" {
                namespace.to_string()
            } else {
                format!("{namespace}::{stem}")
            };
            out.push((own, path));
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

impl DiskProject {
    /// The host that runs the project's Python plugins (started on its first call).
    pub fn plugin_host(&self, timeout_seconds: u64) -> super::plugin_host::ProcessHost {
        let project_dir = absolute(self.main_path.parent().unwrap_or(Path::new(".")));
        super::plugin_host::ProcessHost::new(super::plugin_host::HostConfig {
            interpreter: self.python_environment().interpreter.clone(),
            module_path: self.module_path.iter().map(|p| absolute(p)).collect(),
            python_path: self
                .extra_python_paths()
                .iter()
                .map(|p| absolute(p))
                .collect(),
            project_dir,
            timeout: std::time::Duration::from_secs(timeout_seconds.max(1)),
        })
    }
}

impl DiskProject {
    /// Says, for each module that was not found, where it was looked for and how to add it.
    pub fn explain_missing_modules(&self, diagnostics: &mut [Diagnostic]) {
        for diagnostic in diagnostics
            .iter_mut()
            .filter(|d| d.code == codes::MODULE_NOT_FOUND)
        {
            let Some(name) = diagnostic.labels.first().and_then(|l| {
                let rest = l.message.strip_prefix("module `")?;
                rest.strip_suffix("` is not on the module path")
            }) else {
                continue;
            };
            let name = name.to_string();
            let mut places: Vec<String> = self
                .module_path
                .iter()
                .map(|dir| format!("{}/{name} (modulepath)", display_name(dir)))
                .collect();
            let environment =
                if self.explicit_python_paths.is_empty() && lsmc_python_path().is_none() {
                    self.python_environment().describe()
                } else {
                    "--python-path or $LSMC_PYTHON_PATH".to_string()
                };
            places.extend(self.python_paths().iter().map(|site| {
                format!(
                    "{} (Python environment: {environment})",
                    site.join("inmanta_plugins").join(&name).display()
                )
            }));
            if places.is_empty() {
                continue;
            }
            diagnostic.notes.push(format!(
                "looked for `{name}` in:\n  {}",
                places.join("\n  ")
            ));
            diagnostic.help = Some(format!(
                "put the module in a folder of the project's `modulepath` (`libs/` by default), or install it in the project's Python environment (`pip install inmanta-module-{}`; choose the environment with `--python`)",
                name.replace('_', "-")
            ));
        }
    }
}
