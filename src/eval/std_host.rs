//! What the `std` plugins need from outside the model: files of modules (`std::source`,
//! `std::file`, `std::list_files`, `std::template`), the environment (`std::get_env`), the
//! project's data folder (`std::password`, `std::generate_password`), randomness and the clock.
//! The library does no IO: the caller hands these in through a [`StdHost`] (the command line's
//! reads the disk); without one, files and variables are missing, the data folder can not be
//! written, and the clock reads 0.

use std::sync::Arc;

/// Access to the world outside the model, for the `std` plugins. Paths are as the plugins take
/// them: `module` is a top-level module's name (`""`: the project itself), `folder` is `files` or
/// `templates`, `path` is relative to that folder (`/`-separated).
pub trait StdHost: Send + Sync {
    /// The text of a module's file; `Err(filename)` (the path the reference shows) when it is no
    /// readable file.
    fn module_file(&self, module: &str, folder: &str, path: &str) -> Result<String, String>;
    /// The absolute path of a module's file; `Err(filename)` when it is no file.
    fn module_file_path(&self, module: &str, folder: &str, path: &str) -> Result<String, String>;
    /// The names of the files (not folders) in a module's folder, in the order the system lists
    /// them; `Err(message)` as Python's `os.listdir` words its failure.
    fn list_module_files(
        &self,
        module: &str,
        folder: &str,
        path: &str,
    ) -> Result<Vec<String>, String>;
    /// An environment variable.
    fn env_var(&self, name: &str) -> Option<String>;
    /// The text of a file in the project's data folder for `std` (`data/std/<name>`), `Ok(None)`
    /// when there is none.
    fn read_data_file(&self, name: &str) -> Result<Option<String>, String>;
    /// Writes a file in the project's data folder for `std`, making the folder.
    fn write_data_file(&self, name: &str, text: &str) -> Result<(), String>;
    /// A data file's path, as messages show it.
    fn data_file_path(&self, name: &str) -> String;
    /// `length` characters drawn at random from `[A-Za-z0-9]` (a password).
    fn random_alphanumeric(&self, length: usize) -> String;
    /// The current Unix time in seconds (`std::timestamp`).
    fn now(&self) -> i64;
}

/// A [`StdHost`] as evaluation options hold it.
#[derive(Clone)]
pub struct Host(pub Arc<dyn StdHost>);

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Host")
    }
}

impl Default for Host {
    fn default() -> Self {
        Host(Arc::new(NoHost))
    }
}

/// The host of a compile that has no world around it (an editor, a test of the library alone).
pub struct NoHost;

impl StdHost for NoHost {
    fn module_file(&self, module: &str, folder: &str, path: &str) -> Result<String, String> {
        Err(format!("{module}/{folder}/{path}"))
    }

    fn module_file_path(&self, module: &str, folder: &str, path: &str) -> Result<String, String> {
        Err(format!("{module}/{folder}/{path}"))
    }

    fn list_module_files(
        &self,
        module: &str,
        folder: &str,
        path: &str,
    ) -> Result<Vec<String>, String> {
        Err(format!(
            "[Errno 2] No such file or directory: '{module}/{folder}/{path}'"
        ))
    }

    fn env_var(&self, _name: &str) -> Option<String> {
        None
    }

    fn read_data_file(&self, _name: &str) -> Result<Option<String>, String> {
        Ok(None)
    }

    fn write_data_file(&self, name: &str, _text: &str) -> Result<(), String> {
        Err(format!("no data folder to write {name} in"))
    }

    fn data_file_path(&self, name: &str) -> String {
        format!("data/std/{name}")
    }

    fn random_alphanumeric(&self, length: usize) -> String {
        "a".repeat(length)
    }

    fn now(&self) -> i64 {
        0
    }
}
