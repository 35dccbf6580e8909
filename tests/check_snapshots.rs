//! Snapshot tests of the name resolution and static checks: one snapshot per project folder
//! `fixtures/check/<name>/` (a `main.cf`, and its own modules under `libs/`), holding the numbered
//! source of every file of the project and the diagnostics of loading and resolving it, rendered as
//! text (no colour). See `tests/README.md`.

mod common;

use common::{diagnostics_section, sources_section, Fixture};

#[test]
fn check_fixtures() {
    insta::glob!("../fixtures/check", "*/main.cf", |path| {
        let fixture = Fixture::of_main("check", path);
        // Names and static rules only: the LSM rules have their own fixtures.
        let checked = fixture.check(lsmc::driver::Options {
            lsm_checks: false,
            ..Default::default()
        });
        let out = sources_section(&checked.sources)
            + &diagnostics_section(&checked.diagnostics, &checked.sources);

        fixture.snapshot_as(|| insta::assert_snapshot!(out));
    });
}

#[test]
fn every_fixture_folder_has_a_main_file() {
    common::assert_every_fixture_has_a_main_file("check");
}
