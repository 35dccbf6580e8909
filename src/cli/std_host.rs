//! What the `std` plugins read outside the model, from the disk: the files of the project's
//! modules, the environment, the project's data folder, the system's randomness and clock.
//!
//! `std::timestamp` reads `$SOURCE_DATE_EPOCH` when it is set (the reproducible-builds
//! convention), so that a compile can be made to give the same output every time; otherwise the
//! clock.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use lsmc::eval::std_host::StdHost;

use super::fs::DiskProject;

pub struct DiskHost {
    /// The folder of each top-level module the model loaded, and of the project (`""`).
    modules: HashMap<String, PathBuf>,
    project: PathBuf,
}

impl DiskHost {
    /// The host of a project whose model loaded the modules `names`.
    pub fn new<'a>(project: &DiskProject, names: impl Iterator<Item = &'a str>) -> DiskHost {
        let root = project
            .main_path()
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let root = std::path::absolute(&root).unwrap_or(root);
        let mut modules = HashMap::new();
        for name in names {
            let top = name.split("::").next().unwrap_or(name);
            // The built-in modules have no folder; looking for one would ask the Python
            // environment (a process) for nothing.
            if top == "__config__"
                || lsmc::project::BUILT_IN.contains(&top)
                || modules.contains_key(top)
            {
                continue;
            }
            // `<module>/model/_init.cf`: the module's folder is two up.
            if let Some(dir) = project
                .module_file(&[top])
                .and_then(|init| init.parent()?.parent().map(Path::to_path_buf))
            {
                let dir = std::path::absolute(&dir).unwrap_or(dir);
                modules.insert(top.to_string(), dir);
            }
        }
        DiskHost {
            modules,
            project: root,
        }
    }

    fn path(&self, module: &str, folder: &str, path: &str) -> PathBuf {
        let base = if module.is_empty() {
            self.project.clone()
        } else {
            self.modules
                .get(module)
                .cloned()
                .unwrap_or_else(|| PathBuf::from(module))
        };
        base.join(folder).join(path)
    }

    fn data_dir(&self) -> PathBuf {
        self.project.join("data").join("std")
    }
}

impl StdHost for DiskHost {
    fn module_file(&self, module: &str, folder: &str, path: &str) -> Result<String, String> {
        let file = self.path(module, folder, path);
        if !file.is_file() {
            return Err(file.display().to_string());
        }
        std::fs::read_to_string(&file).map_err(|_| file.display().to_string())
    }

    fn module_file_path(&self, module: &str, folder: &str, path: &str) -> Result<String, String> {
        let file = self.path(module, folder, path);
        if file.is_file() {
            Ok(file.display().to_string())
        } else {
            Err(file.display().to_string())
        }
    }

    fn list_module_files(
        &self,
        module: &str,
        folder: &str,
        path: &str,
    ) -> Result<Vec<String>, String> {
        let dir = self.path(module, folder, path);
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            let errno = e.raw_os_error().unwrap_or(2);
            format!(
                "[Errno {errno}] {}: '{}'",
                python_strerror(&e),
                dir.display()
            )
        })?;
        Ok(entries
            .flatten()
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect())
    }

    fn env_var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    fn read_data_file(&self, name: &str) -> Result<Option<String>, String> {
        let file = self.data_dir().join(name);
        match std::fs::read_to_string(&file) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("could not read {}: {e}", file.display())),
        }
    }

    fn write_data_file(&self, name: &str, text: &str) -> Result<(), String> {
        let dir = self.data_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("could not make {}: {e}", dir.display()))?;
        let file = dir.join(name);
        // Written beside, then renamed: never a half-written password file.
        let partial = dir.join(format!(".{name}.partial"));
        std::fs::write(&partial, text)
            .and_then(|_| std::fs::rename(&partial, &file))
            .map_err(|e| format!("could not write {}: {e}", file.display()))
    }

    fn data_file_path(&self, name: &str) -> String {
        // The reference names the file relative to the project.
        format!("data/std/{name}")
    }

    fn random_alphanumeric(&self, length: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut out = String::with_capacity(length);
        let mut bytes = [0u8; 64];
        let mut random = std::fs::File::open("/dev/urandom").ok();
        while out.len() < length {
            match random.as_mut().map(|f| f.read_exact(&mut bytes)) {
                Some(Ok(())) => {}
                // No system randomness: the clock's nanoseconds, mixed.
                _ => {
                    let mut seed = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_nanos() as u64)
                        .unwrap_or(0x9e37_79b9_7f4a_7c15)
                        ^ out.len() as u64;
                    for b in bytes.iter_mut() {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        *b = seed as u8;
                    }
                }
            }
            // Uniform over the alphabet: bytes past the last whole multiple are dropped.
            for b in bytes {
                if out.len() < length && (b as usize) < 248 {
                    out.push(ALPHABET[b as usize % ALPHABET.len()] as char);
                }
            }
        }
        out
    }

    fn now(&self) -> i64 {
        if let Some(epoch) = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|v| v.trim().parse().ok())
        {
            return epoch;
        }
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// The text Python's `OSError` gives for the common reasons.
fn python_strerror(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory",
        std::io::ErrorKind::PermissionDenied => "Permission denied",
        _ => "Not a directory",
    }
}
