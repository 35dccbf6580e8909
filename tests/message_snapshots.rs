//! Snapshot tests of messages as a user meets them: one snapshot per project folder
//! `fixtures/messages/<name>/`, holding the numbered source, the diagnostics of loading,
//! resolving and checking it (LSM rules included) rendered as text, then as JSON. Each fixture
//! makes one mistake and gives exactly the one error its first line names (`# E0006: ...`): no
//! follow-on error from the same mistake.

use lsmc::diagnostics::{render_json, Severity};

mod common;

use common::{diagnostics_section, sources_section, Fixture};

#[test]
fn message_fixtures() {
    insta::glob!("../fixtures/messages", "*/main.cf", |path| {
        let fixture = Fixture::of_main("messages", path);
        let checked = fixture.check(lsmc::driver::Options::default());
        let uri_of = |name: &str| format!("file:///project/{name}");
        let json = render_json(&checked.diagnostics, &checked.sources, &uri_of);
        let out = sources_section(&checked.sources)
            + &diagnostics_section(&checked.diagnostics, &checked.sources)
            + "----- JSON\n"
            + &serde_json::to_string_pretty(&json).expect("JSON values serialise");
        fixture.snapshot_as(|| insta::assert_snapshot!(out));
    });
}

#[test]
fn every_fixture_gives_the_one_error_it_names() {
    for fixture in common::fixtures("messages") {
        let checked = fixture.check(lsmc::driver::Options::default());
        let codes: Vec<&str> = checked
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code.id)
            .collect();
        common::assert_gives_its_named_code(&fixture, &codes);
    }
}

#[test]
fn every_fixture_folder_has_a_main_file() {
    common::assert_every_fixture_has_a_main_file("messages");
}
