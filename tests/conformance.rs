//! The shared conformance suite (`../shared/conformance`, or `$LSMC_CONFORMANCE`), judged by its own
//! runner (`run.py`) so that cases are compared exactly as the suite defines.
//!
//! Every case is run; the test prints `N passed, M failed` per area and mode, and fails when a case
//! listed in `tests/conformance/baseline.txt` (the cases lsmc is known to pass) fails. Cases that
//! newly pass are printed so that they can be added to the baseline. A missing suite fails under
//! `CI=true` and is reported loudly otherwise.

use std::collections::BTreeSet;
use std::process::Command;

mod common;

use common::suite_dir;

/// One run of `run.py` on one area in one mode: the failing cases, and the counts.
fn run_area(area: &str, mode: &str) -> (BTreeSet<String>, usize, usize, Vec<String>) {
    let suite = suite_dir();
    let mut cmd = Command::new("python3");
    cmd.arg(suite.join("run.py"))
        .arg(env!("CARGO_BIN_EXE_lsmc"))
        .arg(suite.join(area));
    if mode != "full" {
        cmd.args(["--only", mode]);
    }
    let output = cmd.output().expect("python3 runs the conformance runner");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut failing = BTreeSet::new();
    let mut lines = Vec::new();
    let (mut passed, mut failed) = (0, 0);
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("FAIL ") {
            let case = rest.split(':').next().unwrap_or(rest).trim();
            failing.insert(format!("{area}/{case}"));
            lines.push(line.to_string());
        } else if let Some((p, f)) = line.split_once(" passed, ") {
            passed = p.trim().parse().unwrap_or(0);
            failed = f.trim_end_matches(" failed").trim().parse().unwrap_or(0);
        }
    }
    (failing, passed, failed, lines)
}

fn all_cases(area: &str, mode: &str) -> BTreeSet<String> {
    let mut cases = BTreeSet::new();
    let dir = suite_dir().join(area);
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if !path.join("expect.json").is_file() {
            continue;
        }
        if mode == "export" {
            let expect = std::fs::read_to_string(path.join("expect.json")).unwrap_or_default();
            if !expect.contains("\"catalog\"") {
                continue;
            }
        }
        cases.insert(format!("{area}/{}", entry.file_name().to_string_lossy()));
    }
    cases
}

#[test]
fn conformance_suite() {
    let suite = suite_dir();
    if !suite.join("run.py").is_file() {
        let message = format!(
            "\n\n*** THE CONFORMANCE SUITE IS MISSING: {} ***\n*** set LSMC_CONFORMANCE to its path ***\n\n",
            suite.display()
        );
        if common::in_ci() {
            panic!("{message}");
        }
        eprintln!("{message}");
        return;
    }
    let baseline_text = include_str!("conformance/baseline.txt");
    let baseline: BTreeSet<(String, String)> = baseline_text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(' '))
        .map(|(mode, case)| (mode.to_string(), case.trim().to_string()))
        .collect();

    let mut regressions = Vec::new();
    let mut new_passes = Vec::new();
    for mode in ["check", "full", "export"] {
        for area in ["language", "lsm"] {
            let (failing, passed, failed, lines) = run_area(area, mode);
            println!("conformance {mode:<6} {area:<8}: {passed} passed, {failed} failed");
            for case in all_cases(area, mode) {
                let known = baseline.contains(&(mode.to_string(), case.clone()));
                let fails = failing.contains(&case);
                if known && fails {
                    let why = lines
                        .iter()
                        .find(|l| l.contains(case.trim_start_matches(&format!("{area}/"))))
                        .cloned()
                        .unwrap_or_default();
                    regressions.push(format!("{mode} {case}: {why}"));
                } else if !known && !fails {
                    new_passes.push(format!("{mode} {case}"));
                }
            }
        }
    }
    if !new_passes.is_empty() {
        println!("\nnewly passing (add to tests/conformance/baseline.txt):");
        for line in &new_passes {
            println!("{line}");
        }
    }
    assert!(
        regressions.is_empty(),
        "conformance cases that used to pass now fail:\n{}",
        regressions.join("\n")
    );
}
