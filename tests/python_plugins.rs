//! Python plugins, run by `lsmc compile` in the plugin host: each case is a project in
//! `fixtures/plugins/python/<case>` over the module `pyplug` (`fixtures/plugins/python/libs`),
//! whose plugins take and return every kind of value, read entity attributes, raise and hang.
//! Each snapshot shows the case's `main.cf` and the run (command, exit code, stdout, stderr),
//! the values printed being the reference compiler's (in lsmc's order).
//!
//! The environment is `$LSMC_TEST_PYTHON`, else `target/python-venv` (made by scripts/test.sh,
//! with inmanta-core at the reference's version); without one the cases that run Python are
//! skipped with a loud message, and fail under `CI=true`.

mod common;

use std::path::{Path, PathBuf};

fn case(name: &str) -> PathBuf {
    common::manifest_dir()
        .join("fixtures/plugins/python")
        .join(name)
}

/// The virtual environment with inmanta-core.
fn venv() -> Option<PathBuf> {
    let venv = std::env::var_os("LSMC_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::manifest_dir().join("target/python-venv"));
    let interpreter = venv.join("bin/python");
    if interpreter.exists() {
        return Some(venv);
    }
    let message = format!(
        "\n*** THE PYTHON ENVIRONMENT OF THE PLUGIN TESTS IS MISSING: {} (scripts/test.sh makes it) ***\n",
        venv.display()
    );
    assert!(!common::in_ci(), "{message}");
    eprintln!("{message}");
    None
}

/// The run of `lsmc ARGS` in the case's folder, as a snapshot shows it: after the case's
/// `main.cf`, with this checkout's folder, the environment's and the time replaced.
fn shown(name: &str, args: &[&str], venv: Option<&Path>) -> String {
    shown_with(name, args, venv, None)
}

/// [`shown`], with `$LSMC_PYTHON_PATH` set to `python_path` when given.
fn shown_with(
    name: &str,
    args: &[&str],
    venv: Option<&Path>,
    python_path: Option<&std::ffi::OsStr>,
) -> String {
    let dir = case(name);
    let mut command = common::lsmc_command();
    if let Some(python_path) = python_path {
        command.env("LSMC_PYTHON_PATH", python_path);
    }
    let out = command
        .current_dir(&dir)
        .env_remove("VIRTUAL_ENV")
        .args(args)
        .output()
        .expect("lsmc runs");
    let root = common::manifest_dir().to_string_lossy().into_owned();
    let clean = |bytes: &[u8]| {
        let mut text = String::from_utf8_lossy(bytes).into_owned();
        if let Some(venv) = venv {
            text = text.replace(&*venv.to_string_lossy(), "<venv>");
        }
        let text = text.replace(&root, "<repo>");
        let mut out = String::new();
        for line in text.split_inclusive('\n') {
            match line.rfind(" in ").filter(|_| line.starts_with("ok: ")) {
                Some(at) => {
                    out.push_str(&line[..at]);
                    out.push_str(" in <time> ms\n");
                }
                None => out.push_str(line),
            }
        }
        out
    };
    let main = std::fs::read_to_string(dir.join("main.cf")).expect("the case has a main.cf");
    let args: Vec<String> = args
        .iter()
        .map(|a| match venv {
            Some(venv) if Path::new(a) == venv => "<venv>".to_string(),
            _ => a.to_string(),
        })
        .collect();
    format!(
        "{}\n$ lsmc {}\nexit {}\n--- stdout\n{}--- stderr\n{}",
        common::source_section("main.cf", &main),
        args.join(" "),
        out.status.code().unwrap_or(-1),
        clean(&out.stdout),
        clean(&out.stderr)
    )
}

/// `lsmc compile` of a case with the test environment.
fn compiled(name: &str, extra: &[&str]) -> Option<String> {
    let venv = venv()?;
    let venv_text = venv.to_string_lossy().into_owned();
    let mut args = vec!["compile", ".", "--python", venv_text.as_str()];
    args.extend(extra);
    Some(shown(name, &args, Some(&venv)))
}

#[test]
fn kinds() {
    if let Some(run) = compiled("kinds", &[]) {
        insta::assert_snapshot!("kinds", run);
    }
}

/// Results that cross as lines framed by the host itself (integers at both ends of the range,
/// strings with characters JSON escapes), and booleans beside them.
#[test]
fn plain_values() {
    if let Some(run) = compiled("plain_values", &[]) {
        insta::assert_snapshot!("plain_values", run);
    }
}

/// A hang limit too far from now to be an instant is as good as none: the calls run.
#[test]
fn plugin_timeout_beyond_instants() {
    if let Some(run) = compiled(
        "plain_values",
        &["--plugin-timeout", "18446744073709551615"],
    ) {
        assert!(run.contains("\nexit 0\n"), "{run}");
    }
}

#[test]
fn attributes() {
    if let Some(run) = compiled("attributes", &[]) {
        insta::assert_snapshot!("attributes", run);
    }
}

#[test]
fn context() {
    let Some(run) = compiled("context", &[]) else {
        return;
    };
    let data = case("context").join("data");
    assert!(
        data.join("pyplug").is_dir(),
        "get_data_dir makes the folder"
    );
    std::fs::remove_dir_all(data).unwrap();
    insta::assert_snapshot!("context", run);
}

#[test]
fn raises() {
    if let Some(run) = compiled("raises", &[]) {
        insta::assert_snapshot!("raises", run);
    }
}

#[test]
fn refuses() {
    if let Some(run) = compiled("refuses", &[]) {
        insta::assert_snapshot!("refuses", run);
    }
}

#[test]
fn hangs() {
    if let Some(run) = compiled("hangs", &["--plugin-timeout", "1"]) {
        insta::assert_snapshot!("hangs", run);
    }
}

/// Arguments and results are checked against the plugin's annotations, as the reference's
/// `Plugin.check_args` and return check do: primitives, lists, nullables, typedefs, entities.
#[test]
fn typed() {
    if let Some(run) = compiled("typed", &[]) {
        insta::assert_snapshot!("typed", run);
    }
}

#[test]
fn arg_type() {
    if let Some(run) = compiled("arg_type", &[]) {
        insta::assert_snapshot!("arg_type", run);
    }
}

#[test]
fn arg_entity() {
    if let Some(run) = compiled("arg_entity", &[]) {
        insta::assert_snapshot!("arg_entity", run);
    }
}

#[test]
fn arg_not_entity() {
    if let Some(run) = compiled("arg_not_entity", &[]) {
        insta::assert_snapshot!("arg_not_entity", run);
    }
}

#[test]
fn arg_typedef() {
    if let Some(run) = compiled("arg_typedef", &[]) {
        insta::assert_snapshot!("arg_typedef", run);
    }
}

#[test]
fn arg_list() {
    if let Some(run) = compiled("arg_list", &[]) {
        insta::assert_snapshot!("arg_list", run);
    }
}

#[test]
fn result_type() {
    if let Some(run) = compiled("result_type", &[]) {
        insta::assert_snapshot!("result_type", run);
    }
}

/// The plugins of the public module `fs` (corpus/site, and installed in the test
/// environment): `source`, `list_files` and `file` read a module's `files/`, and a `./` path is
/// in the calling module (`Context.owner`, `Project.get().modules`).
#[test]
fn corpus_fs() {
    if let Some(run) = compiled("corpus_fs", &[]) {
        insta::assert_snapshot!("corpus_fs", run);
    }
}

/// `fs::source` of a file that is not there: the plugin's exception, as the reference gives it.
#[test]
fn corpus_fs_missing() {
    if let Some(run) = compiled("corpus_fs_missing", &[]) {
        insta::assert_snapshot!("corpus_fs_missing", run);
    }
}

/// The plugins of the public module `ssh` (its wheel in corpus/wheels, from
/// scripts/fetch-corpus.sh, unpacked as a v2 module): the keys of `Context.get_data_dir()`, and
/// the module's own `std::template` of `SSHUser`.
#[test]
fn corpus_ssh() {
    let Some(venv) = venv() else {
        return;
    };
    let wheels = common::manifest_dir().join("corpus/wheels");
    let wheel = std::fs::read_dir(&wheels)
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("inmanta_module_ssh-") && name.ends_with(".whl")
        })
        .expect("corpus/wheels has the ssh module (scripts/fetch-corpus.sh)");
    let site = tempfile::tempdir().unwrap();
    let unpacked = std::process::Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(&wheel)
        .arg(site.path())
        .status()
        .expect("python3 runs");
    assert!(unpacked.success(), "{} unpacks", wheel.display());
    let python_path = std::env::join_paths([
        common::manifest_dir().join("corpus/site"),
        site.path().to_path_buf(),
    ])
    .unwrap();
    let venv_text = venv.to_string_lossy().into_owned();
    let run = shown_with(
        "corpus_ssh",
        &["compile", ".", "--python", &venv_text],
        Some(&venv),
        Some(&python_path),
    );
    insta::assert_snapshot!("corpus_ssh", run);
}

/// `Context.get_type` is the one part of `Context` the host can not give (the types live in
/// lsmc): a plugin that asks for one fails with an error that says so, at its call.
#[test]
fn context_type() {
    if let Some(run) = compiled("context_type", &[]) {
        insta::assert_snapshot!("context_type", run);
    }
}

/// No Python at all: one diagnostic, at the first call, that says what to install.
#[test]
fn no_python() {
    let run = shown(
        "no_inmanta",
        &["compile", ".", "--python", "/nonexistent/python3"],
        None,
    );
    insta::assert_snapshot!("no_python", run);
}

/// A Python without inmanta-core (a fresh virtual environment): one diagnostic.
#[test]
fn no_inmanta() {
    let dir = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("python3")
        .args(["-m", "venv", "--without-pip"])
        .arg(dir.path())
        .status();
    if !made.is_ok_and(|s| s.success()) {
        assert!(!common::in_ci(), "python3 -m venv failed");
        eprintln!("\n*** python3 -m venv failed: no_inmanta skipped ***\n");
        return;
    }
    let venv = dir.path().to_string_lossy().into_owned();
    let run = shown(
        "no_inmanta",
        &["compile", ".", "--python", &venv],
        Some(dir.path()),
    );
    insta::assert_snapshot!("no_inmanta", run);
}

/// A compile that calls no Python plugin starts no Python: with an interpreter that does not
/// exist, it still succeeds.
#[test]
fn native_only() {
    let run = shown(
        "native_only",
        &["compile", ".", "--python", "/nonexistent/python3"],
        None,
    );
    insta::assert_snapshot!("native_only", run);
}

#[test]
fn unknown_plugin() {
    insta::assert_snapshot!(
        "unknown_plugin",
        shown("unknown_plugin", &["check", "."], None)
    );
}

#[test]
fn wrong_arguments() {
    insta::assert_snapshot!(
        "wrong_arguments",
        shown("wrong_arguments", &["check", "."], None)
    );
}

#[test]
fn missing_argument() {
    insta::assert_snapshot!(
        "missing_argument",
        shown("missing_argument", &["check", "."], None)
    );
}

/// `check -v` names the environment that would run plugins, and how it was found.
#[test]
fn check_names_the_environment() {
    let run = shown(
        "kinds",
        &["check", "-v", ".", "--python", "/nonexistent/python3"],
        None,
    );
    assert!(
        run.contains("note: Python plugins run with /nonexistent/python3 (given with --python)"),
        "{run}"
    );
}

/// A module that is not found: where it was looked for, and how to add it.
#[test]
fn missing_module() {
    insta::assert_snapshot!(
        "missing_module",
        shown("missing_module", &["check", "."], None)
    );
}

/// A plugin with a parameter that has no annotation: `check` refuses its module, called or not.
#[test]
fn unannotated() {
    insta::assert_snapshot!("unannotated", shown("unannotated", &["check", "."], None));
}

/// `check` of a model that imports only the built-in modules runs no Python, not even to find
/// where the environment's modules are: the interpreter given here notes each start in a file.
#[test]
fn check_of_built_in_modules_starts_no_python() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let marker = scratch.path().join("started");
    let interpreter = scratch.path().join("python3");
    std::fs::write(
        &interpreter,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\nexit 1\n", marker.display()),
    )
    .expect("a fake interpreter");
    std::fs::set_permissions(&interpreter, std::fs::Permissions::from_mode(0o755))
        .expect("an executable interpreter");
    let project = scratch.path().join("project");
    std::fs::create_dir(&project).expect("a project folder");
    std::fs::write(
        project.join("main.cf"),
        "import std\nimport lsm\n\nx = std::upper(\"a\")\n",
    )
    .expect("a model");
    let out = common::lsmc_command()
        .env_remove("LSMC_PYTHON_PATH")
        .env_remove("VIRTUAL_ENV")
        .args(["check", "--python"])
        .arg(&interpreter)
        .arg(&project)
        .output()
        .expect("lsmc runs");
    assert!(out.status.success(), "{}", common::text(&out));
    assert!(
        !marker.exists(),
        "Python was started: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
}
