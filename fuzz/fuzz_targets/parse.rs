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
    let _ = render_text(&diagnostics, &sources, TextOptions { color: false });
    let _ = render_text(&diagnostics, &sources, TextOptions { color: true });
    let uri_of = |name: &str| format!("file:///project/{name}");
    let _ = render_json(&diagnostics, &sources, &uri_of).to_string();
});
