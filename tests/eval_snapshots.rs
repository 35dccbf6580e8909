//! Snapshot tests of evaluation (codes E4001..E4017, and models that evaluate): one snapshot per
//! project folder `fixtures/eval/<name>/` (a `main.cf`, its own modules under `libs/`, and an
//! optional `inventory.json` that `lsm::all` reads). Each fixture goes through the whole pipeline
//! as `lsmc compile` runs it: load, resolve, the LSM checks, the inventory, evaluation (which only
//! runs when nothing before it failed). The snapshot holds the numbered source of every file
//! (the inventory included), the diagnostics rendered as text (no colour), what `std::print`
//! printed and, when there is no error, the instance dump of the `__config__` types
//! (`lsmc::eval::dump::dump(.., true)`, pretty JSON). See `tests/README.md`.
//!
//! A fixture named `ok_*` must evaluate without error; any other fixture names on its first line
//! the one code it gives (`# E4001: ...`). A fixture folder with a file `max_steps` (a number)
//! runs with that cap on task runs (`Options::max_steps`, `--max-steps`); a file `max_instances`
//! with that cap on instances (`--max-instances`).
//!
//! The reference compiler's answers are kept next to the fixtures: `oracle_errors.json` (its
//! `--errors-out`: exception type and 0-based line) and `oracle_dump.json` (its `--config-only`
//! dump), recorded with
//! `ORACLE_MODE=dump bash ../shared/oracle/run.sh fixtures/eval/NAME -- --config-only
//! --out fixtures/eval/NAME/oracle_dump.json --errors-out fixtures/eval/NAME/oracle_errors.json`
//! (the oracle writes only the file of its outcome). `fixtures_agree_with_the_oracle` compares them.
//! Where the oracle stops on a Python exception of its own (it writes neither file), its last line
//! is kept in `oracle_crash.txt`, and lsmc must give an error.

use std::path::Path;

use lsmc::diagnostics::{Diagnostic, Severity};
use lsmc::source::SourceMap;
use serde_json::Value;

mod common;

use common::{diagnostics_section, source_section, sources_section, Fixture};

/// The outcome of one fixture.
struct Run {
    /// The snapshot text.
    snapshot: String,
    /// The errors, sorted.
    errors: Vec<Diagnostic>,
    sources: SourceMap,
    /// The dump, when the evaluation ran and gave no error.
    dump: Option<Value>,
}

/// Runs a fixture through load, resolve, check, inventory and evaluate, as `lsmc compile` does.
fn run_fixture(fixture: &Fixture) -> Run {
    let max_steps = fixture.dir.join("max_steps");
    let max_steps = max_steps.is_file().then(|| {
        let text = std::fs::read_to_string(&max_steps).expect("readable");
        text.trim().parse().expect("max_steps holds a number")
    });
    let mut checked = fixture.check(lsmc::driver::Options::default());
    let inventory = fixture.inventory();
    let inventory_source = inventory
        .as_ref()
        .map(|file| (file.name.clone(), source_section(&file.name, &file.text)));
    if let Some(file) = inventory {
        checked.read_inventory(file);
    }
    checked.check_inventory(None, true);

    let mut printed = Vec::new();
    let mut dump = None;
    let mut diagnostics = checked.diagnostics.clone();
    let max_instances = fixture.dir.join("max_instances");
    let max_instances = max_instances.is_file().then(|| {
        let text = std::fs::read_to_string(&max_instances).expect("readable");
        text.trim().parse().expect("max_instances holds a number")
    });
    let options = lsmc::driver::EvalOptions {
        max_steps,
        max_instances,
        ..Default::default()
    };
    if let Some(mut evaluated) = checked.evaluate(options) {
        printed = evaluated.runtime.printed.clone();
        if !evaluated.has_errors() {
            dump = Some(serde_json::to_value(evaluated.dump(true)).expect("a dump is JSON"));
        }
        diagnostics = evaluated.diagnostics;
    }

    let mut out = sources_section(&checked.sources);
    // The inventory is among the sources only when it has problems; the snapshot shows it always.
    if let Some((name, section)) = inventory_source {
        if !checked.sources.iter().any(|(_, file)| file.name == name) {
            out.push_str(&section);
        }
    }
    out.push_str(&diagnostics_section(&diagnostics, &checked.sources));
    if !printed.is_empty() {
        out.push_str("----- PRINTED\n");
        for line in &printed {
            out.push_str(line);
            out.push('\n');
        }
    }
    if let Some(dump) = &dump {
        let text = serde_json::to_string_pretty(dump).expect("a dump is JSON");
        out.push_str(&format!("----- DUMP\n{text}\n"));
    }
    let errors = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    Run {
        snapshot: out,
        errors,
        sources: checked.sources,
        dump,
    }
}

#[test]
fn eval_fixtures() {
    insta::glob!("../fixtures/eval", "*/main.cf", |path| {
        let fixture = Fixture::of_main("eval", path);
        let run = run_fixture(&fixture);
        fixture.snapshot_as(|| insta::assert_snapshot!(run.snapshot));
    });
}

#[test]
fn every_fixture_folder_has_a_main_file() {
    common::assert_every_fixture_has_a_main_file("eval");
}

/// `ok_*` fixtures evaluate without error; the others give exactly one error, with the code their
/// first line names. Every code E4001..E4016 has a fixture.
#[test]
fn every_fixture_gives_the_outcome_it_names() {
    let mut covered = Vec::new();
    for fixture in common::fixtures("eval") {
        let run = run_fixture(&fixture);
        let codes: Vec<&str> = run.errors.iter().map(|d| d.code.id).collect();
        if fixture.name.starts_with("ok_") {
            assert!(
                codes.is_empty(),
                "{} should evaluate without error, gives {codes:?}",
                fixture.dir.display()
            );
            assert!(run.dump.is_some(), "{} has no dump", fixture.dir.display());
            continue;
        }
        covered.push(common::assert_gives_its_named_code(&fixture, &codes));
    }
    common::assert_every_code_has_a_fixture(&covered, "E40", 17);
}

/// Fixtures whose outcome differs from the reference compiler's on purpose, and why. For these
/// only the exception type is compared, when both fail.
const DIFFERENT_BY_DESIGN: &[(&str, &str)] = &[
    (
        "inventory_missing_id",
        "lsmc reads the inventory before evaluating and points into it; the oracle's lsm::all fails at its call",
    ),
    (
        "inventory_not_json",
        "lsmc reads the inventory before evaluating and points into it; the oracle's lsm::all fails at its call",
    ),
    (
        "inventory_wrong_shape",
        "lsmc reads the inventory before evaluating and points into it; the oracle's lsm::all fails at its call",
    ),
    ("python_plugin", "the oracle runs the Python plugin; lsmc can not"),
    (
        "format_precision_too_large",
        "lsmc formats with a precision of at most 50000; the reference formats any",
    ),
    (
        "lsm_format_precision_too_large",
        "lsmc formats with a precision of at most 50000; the reference formats any",
    ),
    (
        "integer_overflow",
        "lsmc's ints are 64-bit and an overflow is an error; Python's ints are unbounded",
    ),
    (
        "int_of_large_float",
        "lsmc's ints are 64-bit and int() of a larger float is an error; Python's ints are unbounded",
    ),
    ("never_settles", "run with max_steps 1000; the oracle has no such cap and finishes"),
    (
        "too_many_instances",
        "run with max_instances 50; the oracle has no such cap and finishes",
    ),
];

fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).expect("the oracle's files are JSON"))
}

/// The exception type and 0-based line of the oracle's first error.
fn oracle_error(errors: &Value) -> (String, Option<u64>) {
    let first = &errors["errors"][0];
    let location = if first["location"].is_null() {
        &first["instance_location"]
    } else {
        &first["location"]
    };
    (
        first["type"].as_str().unwrap_or_default().to_string(),
        location["range"]["start"]["line"].as_u64(),
    )
}

/// lsmc's first error as (exception type, 0-based line).
fn lsmc_error(run: &Run) -> Option<(String, Option<u64>)> {
    let first = run.errors.first()?;
    let line = first.primary_span().map(|span| {
        let file = run.sources.get(span.file);
        file.line_of(span.start as usize) as u64
    });
    Some((first.code.inmanta_type.to_string(), line))
}

/// Each fixture against the reference compiler's recorded answer (`oracle_errors.json`,
/// `oracle_dump.json`): the same exception type at the same line, or the same dump.
#[test]
fn fixtures_agree_with_the_oracle() {
    let mut problems = Vec::new();
    let mut compared = 0;
    for fixture in common::fixtures("eval") {
        let name = fixture.name.clone();
        let errors = read_json(&fixture.dir.join("oracle_errors.json"));
        let dump = read_json(&fixture.dir.join("oracle_dump.json"));
        // The oracle stopped on a Python exception of its own (no compiler exception, so no
        // `--errors-out`): lsmc must give an error there too.
        if let Ok(crash) = std::fs::read_to_string(fixture.dir.join("oracle_crash.txt")) {
            compared += 1;
            if lsmc_error(&run_fixture(&fixture)).is_none() {
                problems.push(format!("{name}: lsmc gives no error, the oracle {crash}"));
            }
            continue;
        }
        if errors.is_none() && dump.is_none() {
            problems.push(format!("{name}: no oracle_errors.json or oracle_dump.json"));
            continue;
        }
        compared += 1;
        let run = run_fixture(&fixture);
        let by_design = DIFFERENT_BY_DESIGN.iter().any(|(n, _)| *n == name);
        match (&errors, lsmc_error(&run)) {
            (Some(errors), Some(ours)) => {
                let theirs = oracle_error(errors);
                let same = if by_design {
                    ours.0 == theirs.0
                } else {
                    ours == theirs
                };
                if !same {
                    problems.push(format!(
                        "{name}: lsmc gives {ours:?}, the oracle {theirs:?} (type, 0-based line)"
                    ));
                }
            }
            (Some(errors), None) => problems.push(format!(
                "{name}: lsmc gives no error, the oracle {:?}",
                oracle_error(errors)
            )),
            (None, Some(ours)) if !by_design => problems.push(format!(
                "{name}: lsmc gives {ours:?}, the oracle compiles the model"
            )),
            (None, _) => {}
        }
        if let (Some(expected), Some(ours)) = (&dump, &run.dump) {
            if expected != ours {
                problems.push(format!(
                    "{name}: the dump differs from oracle_dump.json:\n{}",
                    serde_json::to_string_pretty(ours).unwrap_or_default()
                ));
            }
        }
    }
    assert!(compared > 0, "no fixture has an oracle answer");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
