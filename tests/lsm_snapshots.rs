//! Snapshot tests of the LSM rules (`lsmc::check`, codes E3001..E3030): one snapshot per project
//! folder `fixtures/lsm/<name>/` (a `main.cf`, and its own modules under `libs/` if any), holding
//! the numbered source of every file of the project and the diagnostics of loading, resolving and
//! checking it, rendered as text (no colour). See `tests/README.md`.
//!
//! A fixture breaks one rule in strict mode (`lsm::ServiceEntityBindingV2`); a fixture named
//! `<rule>_legacy` is the same model with a legacy binding (`lsm::ServiceEntityBinding`), which a
//! strict-only rule accepts: its snapshot shows no diagnostic.

use lsmc::diagnostics::Severity;

mod common;

use common::{diagnostics_section, sources_section, Fixture};

/// Loads, resolves and checks a fixture: the snapshot text and the codes of its errors.
fn run_fixture(fixture: &Fixture) -> (String, Vec<&'static str>) {
    let checked = fixture.check(lsmc::driver::Options::default());
    let out = sources_section(&checked.sources)
        + &diagnostics_section(&checked.diagnostics, &checked.sources);
    let codes = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.id)
        .collect();
    (out, codes)
}

#[test]
fn lsm_fixtures() {
    insta::glob!("../fixtures/lsm", "*/main.cf", |path| {
        let fixture = Fixture::of_main("lsm", path);
        let (out, _) = run_fixture(&fixture);
        fixture.snapshot_as(|| insta::assert_snapshot!(out));
    });
}

#[test]
fn every_fixture_folder_has_a_main_file() {
    common::assert_every_fixture_has_a_main_file("lsm");
}

/// The first line of a fixture names the code it shows (`# E3004: ...`); a strict fixture gives
/// exactly one error, with that code; a `_legacy` fixture whose first line says `no error` gives
/// none. Every code E3001..E3030 has a fixture.
#[test]
fn every_fixture_gives_the_error_it_names() {
    let mut covered = Vec::new();
    for fixture in common::fixtures("lsm") {
        let (_, codes) = run_fixture(&fixture);
        if fixture.main_text().starts_with("# no error") {
            assert!(
                codes.is_empty(),
                "{} should give no error, gives {codes:?}",
                fixture.dir.display()
            );
            continue;
        }
        covered.push(common::assert_gives_its_named_code(&fixture, &codes));
    }
    common::assert_every_code_has_a_fixture(&covered, "E30", 30);
}
