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
            return Err(not_a_main_file(path, &main));
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

/// Why `main` (the `main.cf` of folder `project`) can not be read as the main file: missing, a
/// link to nothing, a folder, or a special file (a named pipe would block the read).
fn not_a_main_file(project: &Path, main: &Path) -> String {
    let Ok(link) = std::fs::symlink_metadata(main) else {
        return format!("{} has no main.cf", project.display());
    };
    let what = match std::fs::metadata(main) {
        Err(_) if link.file_type().is_symlink() => {
            let target = std::fs::read_link(main).unwrap_or_default();
            format!(
                "is a broken link (to {}, which does not exist)",
                target.display()
            )
        }
        Err(e) => format!("can not be read: {e}"),
        Ok(meta) if meta.is_dir() => "is a folder, not a file".to_string(),
        Ok(meta) => format!("is not a regular file ({})", kind_of(&meta)),
    };
    format!("{} {what}", main.display())
}

/// What a path that is neither a file nor a folder is.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
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

/// The `modulepath` of a `project.yml`: one folder, or a list of folders. A document that is not
/// a mapping, or a `modulepath` of another type, is an error: ignoring it would look for modules
/// elsewhere than the project says, and the import errors would not say why.
fn module_path_of(text: &str) -> Result<Vec<String>, String> {
    use yaml_rust2::Yaml;
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
    let Some(doc) = docs.first().filter(|d| !d.is_null()) else {
        return Ok(Vec::new());
    };
    if !matches!(doc, Yaml::Hash(_)) {
        return Err(format!(
            "the document must be a mapping of settings (`modulepath: libs`), not {}",
            yaml_kind(doc)
        ));
    }
    match &doc["modulepath"] {
        Yaml::String(s) => Ok(vec![s.clone()]),
        Yaml::BadValue | Yaml::Null => Ok(Vec::new()),
        Yaml::Array(items) => items
            .iter()
            .map(|item| match item {
                Yaml::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "each entry of `modulepath` must be a folder name (a string), not {}",
                    yaml_kind(other)
                )),
            })
            .collect(),
        other => Err(format!(
            "`modulepath` must be a folder name or a list of folder names, not {}",
            yaml_kind(other)
        )),
    }
}

/// A YAML value's type, as messages name it.
fn yaml_kind(value: &yaml_rust2::Yaml) -> &'static str {
    use yaml_rust2::Yaml;
    match value {
        Yaml::Real(_) => "a number",
        Yaml::Integer(_) => "an integer",
        Yaml::String(_) => "a string",
        Yaml::Boolean(_) => "a boolean",
        Yaml::Array(_) => "a list",
        Yaml::Hash(_) => "a mapping",
        Yaml::Alias(_) => "an alias",
        Yaml::Null => "null",
        Yaml::BadValue => "a bad value",
    }
}

/// The largest inventory lsmc reads: 1 GiB.
pub const MOST_INVENTORY_BYTES: u64 = 1 << 30;

/// Reads an inventory: a regular file, or a pipe (`/dev/stdin`, `<(...)`), of at most
/// [`MOST_INVENTORY_BYTES`]. A device (`/dev/zero`) or a socket is refused: it may never end.
pub fn read_inventory(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| format!("can not read {}: {e}", path.display()))?;
    let metadata = file
        .metadata()
        .map_err(|e| format!("can not read {}: {e}", path.display()))?;
    let kind = metadata.file_type();
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
    // A file's size up front: grown as it is read, the buffer would be copied over and over
    // and end up to twice the text.
    let size = metadata.len().min(MOST_INVENTORY_BYTES + 1);
    let mut bytes = Vec::with_capacity(size as usize);
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

/// What tells that a regular file changed since it was read: its inode, length and change
/// times. `None` for what is not a regular file (a pipe can not be read twice).
pub fn file_stamp(path: &Path) -> Option<[i64; 6]> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    Some([
        m.ino() as i64,
        m.len() as i64,
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
    ])
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
/// The file an output path names: a symbolic link is followed (to its target, which is written,
/// so that the link stays a link); a dangling one up to 40 links, as the kernel does.
pub fn output_target(path: &Path) -> Result<PathBuf, String> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            return std::fs::canonicalize(path)
                .map_err(|e| format!("can not write {}: {e}", path.display()));
        }
        // A device or pipe is opened through the path as given (`/dev/stdout` links to
        // `/proc/self/fd/1`, which links to no path); a folder is refused when written.
        Ok(_) => return Ok(path.to_path_buf()),
        // Missing: a new file, or the missing target of a link, created where the link points.
        Err(_) => {}
    }
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&target) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let next = std::fs::read_link(&target)
                    .map_err(|e| format!("can not read the link {}: {e}", target.display()))?;
                target = match target.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            _ => return Ok(target),
        }
    }
    Err(format!(
        "can not write {}: too many levels of symbolic links",
        path.display()
    ))
}

/// Whether two output paths name the same file (after links, relative to the same folder).
pub fn same_output(a: &Path, b: &Path) -> bool {
    if a == Path::new("-") || b == Path::new("-") {
        return false;
    }
    let resolved = |p: &Path| absolute(&output_target(p).unwrap_or_else(|_| p.to_path_buf()));
    resolved(a) == resolved(b)
}

/// A path that is neither a regular file nor a folder (`/dev/null`, `/dev/stdout`, a named pipe):
/// written in place, since renaming a file over it would replace the device or pipe.
pub fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The name temporary outputs start with: `<target>.lsmc-partial-<pid>-<random>`. Visible beside
/// the target, never hidden, and tagged with the writer's process id, so that one left by a run
/// that was killed (SIGKILL can not be caught) is seen, and removed by the next run that writes
/// the same target once that process is gone.
const PARTIAL: &str = ".lsmc-partial-";

/// A file being written beside its target, then renamed over it, so that an output is whole or
/// absent. While it exists its path is registered, and SIGINT or SIGTERM remove it before lsmc
/// exits.
pub struct Staged {
    /// Taken by [`Staged::persist`].
    file: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl Staged {
    pub fn file_mut(&mut self) -> &mut std::fs::File {
        self.file
            .as_mut()
            .expect("present until persisted")
            .as_file_mut()
    }

    /// Renames the finished file over `target`.
    pub fn persist(mut self, target: &Path) -> Result<(), String> {
        let file = self.file.take().expect("persisted once");
        file.persist(target)
            .map(drop)
            .map_err(|e| format!("can not write {}: {}", target.display(), e.error))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        forget_staged(&self.path);
    }
}

/// A temporary file in the folder of `target` (a path with its links followed, see
/// [`output_target`]). It gets the mode (and owner) of the file it replaces, or the mode of any new file
/// (0666 less the umask), not the private 0600 of temporary files: the renamed file is what other
/// tools read.
pub fn staging_file(target: &Path) -> Result<Staged, String> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    remove_stale_partials(dir, &name);
    install_signal_cleanup();
    let prefix = format!("{name}{PARTIAL}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    let existing = std::fs::metadata(target).ok().filter(|m| m.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let file = builder.tempfile_in(dir).map_err(|e| {
        // tempfile's message ends with the temporary file's name (`... at path "..."`), which
        // the user never asked for: the cause is what comes before it.
        let text = e.to_string();
        let cause = text.split(" at path ").next().unwrap_or(&text);
        format!("can not write in {}: {cause}", dir.display())
    })?;
    remember_staged(file.path());
    let staged = Staged {
        path: file.path().to_path_buf(),
        file: Some(file),
    };
    if let Some(meta) = existing {
        // The old owner too, where lsmc may give it (as root): a file of another user that root
        // rewrites stays that user's. Before the mode, which a change of owner can narrow.
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let _ = std::os::unix::fs::chown(&staged.path, Some(meta.uid()), Some(meta.gid()));
        }
        // Exactly the old mode, which the umask applied at creation could have narrowed.
        std::fs::set_permissions(&staged.path, meta.permissions())
            .map_err(|e| format!("can not write in {}: {e}", dir.display()))?;
    }
    Ok(staged)
}

/// Temporary outputs registered for removal on SIGINT and SIGTERM.
static STAGED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn remember_staged(path: &Path) {
    if let Ok(mut staged) = STAGED.lock() {
        staged.push(path.to_path_buf());
    }
}

fn forget_staged(path: &Path) {
    if let Ok(mut staged) = STAGED.lock() {
        staged.retain(|p| p != path);
    }
}

/// On SIGINT or SIGTERM: removes the temporary outputs, then exits as the signal would have
/// (128 + its number). Installed with the first temporary output, once.
fn install_signal_cleanup() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("lsmc-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    if let Ok(staged) = STAGED.lock() {
                        for path in staged.iter() {
                            let _ = std::fs::remove_file(path);
                        }
                    }
                    std::process::exit(128 + signal);
                }
            });
    });
}

/// Removes what a killed run left while writing `name` in `dir`: the temporary outputs of
/// processes that no longer run (see [`PARTIAL`]).
fn remove_stale_partials(dir: &Path, name: &str) {
    let prefix = format!("{name}{PARTIAL}");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !process_runs(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` exists; where that can not be told, it is taken to run (nothing is
/// removed).
fn process_runs(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}
