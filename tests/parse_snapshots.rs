//! Snapshot tests of the syntax diagnostics: one snapshot per `fixtures/parse/*.cf`, holding the
//! numbered source and the diagnostics rendered as text (no colour). See `tests/README.md`.

use lsmc::diagnostics::{render_text, TextOptions};
use lsmc::parser::parse_module;
use lsmc::source::SourceMap;

/// The source with 1-based line numbers, so that a snapshot shows where each error points.
fn numbered(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| format!("{:>3} | {line}\n", i + 1))
        .collect()
}

#[test]
fn parse_fixtures() {
    insta::glob!("../fixtures/parse", "*.cf", |path| {
        let text = std::fs::read_to_string(path).expect("fixtures are UTF-8 text");
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a fixture has a UTF-8 file name");
        // A relative name keeps the snapshots the same on every machine.
        let mut sources = SourceMap::new();
        let file = sources.add(format!("fixtures/parse/{file_name}"), text);
        let (_module, diagnostics) = parse_module(&sources.get(file).text, file);
        let rendered = render_text(&diagnostics, &sources, TextOptions { color: false });
        insta::assert_snapshot!(format!(
            "----- SOURCE\n{}----- DIAGNOSTICS\n{rendered}",
            numbered(&sources.get(file).text)
        ));
    });
}
