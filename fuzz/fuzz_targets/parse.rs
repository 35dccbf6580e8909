//! Fuzz target: arbitrary bytes, read as UTF-8 (lossily), through the parser and both diagnostic
//! renderers. None of them may panic, whatever the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use lsmc::diagnostics::{render_json, render_text, TextOptions};
use lsmc::parser::parse_module;
use lsmc::source::SourceMap;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut sources = SourceMap::new();
    let file = sources.add("main.cf", text);
    let (_module, diagnostics) = parse_module(&sources.get(file).text, file);
    // Both colour settings are covered, on alternate input lengths: rendering dominates the time
    // of one run, so rendering twice would halve the fuzzer's speed.
    let color = data.len() % 2 == 1;
    let _ = render_text(&diagnostics, &sources, TextOptions { color });
    let uri_of = |name: &str| format!("file:///project/{name}");
    let _ = render_json(&diagnostics, &sources, &uri_of).to_string();
});
