//! Inputs that once took runaway memory or printed runaway diagnostics, through the command line
//! as a user runs it. No test measures time: each asserts on the size of what lsmc printed, on
//! counts, or runs lsmc under a memory limit (`ulimit -d`) that the old behaviour passed.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{lsmc, text};

fn fixture(name: &str) -> PathBuf {
    common::manifest_dir().join("fixtures/limits").join(name)
}

/// `lsmc ARGS` with its data segment limited to `kib` KiB (mimalloc's mappings count).
fn lsmc_within(kib: u64, args: &[&std::ffi::OsStr]) -> Output {
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(format!("ulimit -d {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_lsmc"))
        .args(args)
        .env("NO_COLOR", "1");
    command.output().expect("sh runs")
}

/// 10,000 `@` on one line: 10,000 syntax errors, each once printed with the whole line (200 MB
/// of text). Now one merged error with a window of the line.
#[test]
fn a_run_of_the_same_error_is_printed_once_with_a_window_of_its_line() {
    let output = lsmc(&[
        "check".as_ref(),
        fixture("many_illegal_characters").as_os_str(),
    ]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert_eq!(shown.matches("[E0001]").count(), 1, "{shown}");
    assert!(shown.contains("10000 times in a row"), "{shown}");
    assert!(shown.contains("found 10000 errors"), "{shown}");
    assert!(shown.len() < 2_000, "{} bytes:\n{shown}", shown.len());
}

/// Errors that are not a run are capped, with a count of the rest, in text and in JSON.
#[test]
fn many_errors_are_capped_with_a_count() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("main.cf"), "@ ".repeat(250)).unwrap();
    let output = lsmc(&["check".as_ref(), tmp.path().as_os_str()]);
    let shown = text(&output);
    assert_eq!(shown.matches("[E0001]").count(), 100, "{shown}");
    assert!(
        shown.contains("... and 150 more errors (only the first 100 are shown)"),
        "{shown}"
    );
    assert!(shown.contains("found 250 errors"), "{shown}");

    let output = lsmc(&[
        "check".as_ref(),
        tmp.path().as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["errors"].as_array().unwrap().len(), 100);
    assert_eq!(json["omitted"]["errors"], 150);
    assert_eq!(json["omitted"]["warnings"], 0);
}

/// One bad record in an inventory written on one long line: every diagnostic printed the whole
/// line (943 MB of text for a 300 MB inventory). Now a window of it.
#[test]
fn a_bad_record_on_a_long_line_is_shown_in_a_window() {
    let example = common::manifest_dir().join("examples/vpn-service");
    let records: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example.join("inventory.json")).unwrap())
            .unwrap();
    let record = &records[0];
    let mut all = Vec::new();
    for i in 0..500 {
        let mut r = record.clone();
        r["id"] = format!("00000000-0000-4000-8000-{i:012}").into();
        r["active_attributes"]["name"] = format!("link_{i}").into();
        all.push(r);
    }
    all[250]["active_attributes"]["bandwidth_mbps"] = "fast".into();
    let line = serde_json::to_string(&all).unwrap();
    assert!(line.len() > 200_000 && !line.contains('\n'));
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("inventory.json");
    std::fs::write(&path, &line).unwrap();
    let output = lsmc(&[
        "compile".as_ref(),
        example.as_os_str(),
        "--inventory".as_ref(),
        path.as_os_str(),
    ]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(shown.contains("fast"), "{shown}");
    assert!(shown.contains('…'), "{shown}");
    assert!(shown.len() < 4_000, "{} bytes:\n{shown}", shown.len());
}

/// `l1 = [l0, l0]` ... `l22 = [l21, l21]`: `check` copied each list at each use (1.58 GB).
#[test]
fn check_shares_lists_instead_of_copying_them() {
    let output = lsmc_within(
        300_000,
        &["check".as_ref(), fixture("shared_lists").as_os_str()],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
}

/// 600 bytes of nested YAML aliases in `project.yml` expanded past 3 GiB.
#[test]
fn yaml_alias_expansion_is_bounded() {
    let output = lsmc_within(
        300_000,
        &["check".as_ref(), fixture("alias_bomb").as_os_str()],
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("its aliases expand to more than 100000 values"),
        "{shown}"
    );
}

/// `--inventory /dev/zero` read until the machine ran out of memory.
#[test]
fn a_device_is_not_read_as_an_inventory() {
    let example = common::manifest_dir().join("examples/vpn-service");
    let output = lsmc(&[
        "compile".as_ref(),
        example.as_os_str(),
        "--inventory".as_ref(),
        Path::new("/dev/zero").as_os_str(),
    ]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(shown.contains("/dev/zero is not a file"), "{shown}");
}

/// A model that constructs without end stops at the instance limit, at the constructor call,
/// with the limit given on the command line.
#[test]
fn a_growing_model_stops_at_the_instance_limit() {
    let output = lsmc(&[
        "compile".as_ref(),
        fixture("growing_model").as_os_str(),
        "--max-instances".as_ref(),
        "100".as_ref(),
    ]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(shown.contains("[E4022]"), "{shown}");
    assert!(shown.contains("more than 100 instances"), "{shown}");
    assert!(shown.contains("A(n=self.n + 1)"), "{shown}");
}

/// The default limit stops it too, within a memory bound (it once reached 1 GB at the step cap).
#[test]
fn a_growing_model_stops_by_default_within_bounded_memory() {
    let output = lsmc_within(
        1_000_000,
        &["compile".as_ref(), fixture("growing_model").as_os_str()],
    );
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(shown.contains("more than 1000000 instances"), "{shown}");
}

/// 100,000 lines of `x = `: one syntax error reported, but a recovery (with its list of expected
/// tokens) kept for each line: 1.4 KB a line.
#[test]
fn a_file_of_broken_statements_reports_one_error_in_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("main.cf"), "x = \n".repeat(100_000)).unwrap();
    let output = lsmc_within(100_000, &["check".as_ref(), tmp.path().as_os_str()]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(shown.contains("found 1 error"), "{shown}");
}
