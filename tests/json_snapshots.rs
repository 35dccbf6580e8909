//! Snapshot tests of the JSON renderer (Inmanta's compile-data format, extended), on a few of the
//! `fixtures/parse` files. See `tests/README.md`.

use lsmc::diagnostics::render_json;
use lsmc::parser::parse_module;
use lsmc::source::SourceMap;

/// The diagnostics of `fixtures/parse/<fixture>.cf` as pretty JSON.
fn json_of(fixture: &str) -> String {
    let path = format!("{}/fixtures/parse/{fixture}.cf", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the fixture exists");
    let mut sources = SourceMap::new();
    let file = sources.add(format!("fixtures/parse/{fixture}.cf"), text);
    let (_module, diagnostics) = parse_module(&sources.get(file).text, file);
    let uri_of = |name: &str| format!("file:///project/{name}");
    let json = render_json(&diagnostics, &sources, &uri_of);
    // As the command line writes it.
    lsmc::diagnostics::to_pretty_text(&json)
}

#[test]
fn illegal_character() {
    insta::assert_snapshot!(json_of("illegal_character"));
}

#[test]
fn three_errors_one_file() {
    insta::assert_snapshot!(json_of("three_errors_one_file"));
}

#[test]
fn invalid_escape_warning() {
    insta::assert_snapshot!(json_of("invalid_escape_warning"));
}
