//! Inputs that once crashed a fuzz target's run (`fuzz/`), kept two ways. They are the crashes
//! found by hand before the targets existed (an `i64::MIN % -1`, a sequence too long to allocate,
//! format precisions of tens of thousands of digits, a typedef based on itself, an inventory
//! syntax error at a multi-byte character), and every crash the fuzzers find.
//!
//! * `fuzz/regressions/<target>/*`: the minimised input as the fuzzer found it, replayed through
//!   the very function its target runs (`fuzz/fuzz_targets/common/mod.rs`, included below):
//!   nothing may panic.
//! * `fixtures/fuzz/<name>/`: the same input as a project (`main.cf`, an optional
//!   `inventory.json`, and a file `no_lsm_checks` when the input reached its crash without the
//!   LSM rules), through the library with the fuzzers' step cap (one snapshot each: the sources
//!   and the diagnostics) and through `lsmc compile` as a user runs it (no panic; exit 0, or 1
//!   with a diagnostic).
//!
//! Against the reference compiler: `int_min_mod_minus_one` evaluates in both (to 0);
//! `sequence_capacity_overflow` and `typedef_cycle` fail in both (`MemoryError`, and its
//! `maximum recursion depth exceeded`); the two format precisions succeed in the reference and
//! fail in lsmc by design (it formats at most 50,000 digits).

use std::path::{Path, PathBuf};

use lsmc::driver::{self, EvalOptions};

mod common;

#[path = "../fuzz/fuzz_targets/common/mod.rs"]
mod fuzz_common;

use common::{diagnostics_section, lsmc, sources_section, text, Fixture};

/// The files of `fuzz/regressions/<target>/`, in name order.
fn regressions(target: &str) -> Vec<PathBuf> {
    let dir = common::manifest_dir().join("fuzz/regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} is readable: {e}", dir.display()))
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    files.sort();
    files
}

/// What a fuzz target runs on one input.
type TargetRun = fn(&[u8]);

#[test]
fn regressions_replay_without_a_panic() {
    let targets: [(&str, TargetRun); 3] = [
        ("parse", fuzz_common::parse_input),
        ("compile", fuzz_common::compile_input),
        ("inventory", fuzz_common::inventory_input),
    ];
    for (target, run) in targets {
        for file in regressions(target) {
            let data = std::fs::read(&file).expect("readable");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target}: {} panics", file.display());
        }
    }
}

fn lsm_checks(fixture: &Fixture) -> bool {
    !fixture.dir.join("no_lsm_checks").exists()
}

/// A fixture through check, inventory and evaluation as the compile target runs them: the
/// sources and every diagnostic.
fn run_fixture(fixture: &Fixture) -> String {
    let options = driver::Options {
        lsm_checks: lsm_checks(fixture),
        progress: None,
    };
    let mut checked = fixture.check(options);
    if let Some(file) = fixture.inventory() {
        checked.read_inventory(file);
    }
    checked.check_inventory(None);
    let options = EvalOptions {
        max_steps: Some(fuzz_common::MAX_STEPS),
        max_instances: Some(fuzz_common::MAX_INSTANCES),
        ..EvalOptions::default()
    };
    let mut diagnostics = checked.diagnostics.clone();
    if let Some(evaluated) = checked.evaluate(options) {
        diagnostics = evaluated.diagnostics;
    }
    let mut out = sources_section(&checked.sources);
    out.push_str(&diagnostics_section(&diagnostics, &checked.sources));
    out
}

#[test]
fn fuzz_fixtures() {
    insta::glob!("../fixtures/fuzz", "*/main.cf", |path| {
        let fixture = Fixture::of_main("fuzz", path);
        let snapshot = run_fixture(&fixture);
        fixture.snapshot_as(|| insta::assert_snapshot!(snapshot));
    });
}

/// `lsmc compile` on a fixture, with its inventory and without the LSM rules when it says so.
fn compile(dir: &Path, fixture: &Fixture) -> (Option<i32>, String) {
    let mut args = vec!["compile".into(), dir.as_os_str().to_owned()];
    let inventory = dir.join("inventory.json");
    if inventory.is_file() {
        args.extend(["--inventory".into(), inventory.into_os_string()]);
    }
    if !lsm_checks(fixture) {
        args.push("--no-lsm-checks".into());
    }
    let output = lsmc(&args);
    (output.status.code(), text(&output))
}

#[test]
fn fixtures_give_a_diagnostic_through_the_cli() {
    for fixture in common::fixtures("fuzz") {
        let (status, output) = compile(&fixture.dir, &fixture);
        let name = &fixture.name;
        assert!(!output.contains("panicked"), "{name}: {output}");
        match status {
            Some(0) => {}
            Some(1) => assert!(
                output.contains("] Error: "),
                "{name}: no diagnostic: {output}"
            ),
            other => panic!("{name}: exit {other:?}: {output}"),
        }
    }
}
