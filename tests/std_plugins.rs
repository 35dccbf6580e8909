//! The `std` plugins against the reference compiler's answers: `lsmc compile` on each project
//! of `fixtures/plugins/std/`, copied to a scratch folder first (`std::generate_password` writes
//! the project's data folder). A project with `expected_dump.json` (the reference's instance
//! dump, `--config-only`) compiles to the same dump; one with `expected_error.json` fails with
//! the reference's exception type, line and first line of the message.
//!
//! The projects cover every `std` plugin that reads the world around the model or works on
//! addresses (`network`, `misc`, `files`, `passwords`), `std::template` with loops, filters,
//! relations, keyword arguments and an implementation's attributes (`template`), the
//! reference's argument checks and the plugins' exceptions (`error_*`).

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;

use common::{lsmc_command, manifest_dir, text};

fn fixture_dirs() -> Vec<PathBuf> {
    let root = manifest_dir().join("fixtures/plugins/std");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/plugins/std is readable")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.join("main.cf").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a scratch folder");
    for entry in std::fs::read_dir(from).expect("a readable fixture") {
        let path = entry.expect("a readable entry").path();
        let target = to.join(path.file_name().expect("a named entry"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("a copied file");
        }
    }
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("a readable expectation"))
        .expect("an expectation is JSON")
}

/// Compiles one fixture in a scratch copy; `None` when it matches its expectation, else why not.
fn mismatch(dir: &Path) -> Option<String> {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let project = scratch.path().join("project");
    copy_dir(dir, &project);
    let dump = scratch.path().join("dump.json");
    let output = lsmc_command()
        .arg("compile")
        .arg(&project)
        .args(["--config-only", "--format", "json", "--dump"])
        .arg(&dump)
        // The fixtures read this variable as one that is not set.
        .env_remove("LSMC_STD_FIXTURE_UNSET")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("lsmc runs");
    let expected_dump = dir.join("expected_dump.json");
    if expected_dump.is_file() {
        if output.status.code() != Some(0) {
            return Some(format!("expected success, got:\n{}", text(&output)));
        }
        let got = read_json(&dump);
        let want = read_json(&expected_dump);
        return (got != want).then(|| {
            format!(
                "dump differs:\n--- lsmc\n{}\n--- expected\n{}",
                serde_json::to_string_pretty(&got).unwrap(),
                serde_json::to_string_pretty(&want).unwrap()
            )
        });
    }
    let want = read_json(&dir.join("expected_error.json"));
    if output.status.code() != Some(1) {
        return Some(format!("expected exit 1, got:\n{}", text(&output)));
    }
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    let first = &report["errors"][0];
    let got = (
        first["type"].as_str().unwrap_or_default(),
        first["location"]["range"]["start"]["line"]
            .as_u64()
            .map(|l| l + 1),
        first["message"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .next()
            .unwrap_or_default(),
    );
    let expected = (
        want["type"].as_str().unwrap_or_default(),
        want["line"].as_u64(),
        want["message"].as_str().unwrap_or_default(),
    );
    (got != expected).then(|| format!("expected {expected:?}, got {got:?}"))
}

#[test]
fn std_plugins_give_the_reference_answers() {
    let dirs = fixture_dirs();
    assert!(dirs.len() > 10, "the std plugin fixtures are there");
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|dir| {
            mismatch(dir)
                .map(|why| format!("{}: {why}", dir.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_fixture_has_an_expectation() {
    for dir in fixture_dirs() {
        let dump = dir.join("expected_dump.json").is_file();
        let error = dir.join("expected_error.json").is_file();
        assert!(
            dump != error,
            "{}: one of expected_dump.json, expected_error.json",
            dir.display()
        );
    }
}

/// A password made once is read back on the next compile, from the project's data folder.
#[test]
fn generated_passwords_are_kept_between_compiles() {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let project = scratch.path();
    std::fs::write(
        project.join("main.cf"),
        "import std\nstd::print(std::generate_password(\"db\"))\n",
    )
    .unwrap();
    let run = || {
        let output = lsmc_command()
            .arg("compile")
            .arg(project)
            .output()
            .expect("lsmc runs");
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        text(&output).lines().next().unwrap_or_default().to_string()
    };
    let first = run();
    assert_eq!(first.len(), 20, "a password of the default length: {first}");
    assert_eq!(run(), first);
    let stored = std::fs::read_to_string(project.join("data/std/passwordfile.txt")).unwrap();
    assert_eq!(stored, format!("db={first}\n"));
}

/// `std::timestamp` reads `SOURCE_DATE_EPOCH` when it is set: a compile can be reproduced.
#[test]
fn timestamp_reads_source_date_epoch() {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    std::fs::write(
        scratch.path().join("main.cf"),
        "import std\nstd::print(std::timestamp())\n",
    )
    .unwrap();
    let output = lsmc_command()
        .arg("compile")
        .arg(scratch.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("lsmc runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        text(&output).starts_with("1700000000\n"),
        "{}",
        text(&output)
    );
}
