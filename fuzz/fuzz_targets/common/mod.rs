//! What each fuzz target runs on its input, without libFuzzer: the targets call it, and so does
//! the main crate's `tests/fuzz_regressions.rs`, which replays every input kept in
//! `fuzz/regressions/<target>/` exactly as its target ran it.

// Each includer uses a part of it.
#![allow(dead_code)]

use lsmc::diagnostics::{render_json, render_text, write_pretty, Diagnostic, TextOptions};
use lsmc::driver::{self, Checked, EvalOptions, Input, InventoryFile};
use lsmc::parser::parse_module;
use lsmc::project::{MemoryFiles, ParseCache};
use lsmc::source::SourceMap;

/// The `parse` target: the bytes, read as UTF-8 (lossily), through the parser and both
/// diagnostic renderers.
pub fn parse_input(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut sources = SourceMap::new();
    let file = sources.add("main.cf", text);
    let (_module, diagnostics) = parse_module(&sources.get(file).text, file);
    render(&diagnostics, &sources);
}

/// The `compile` target: the bytes before the first NUL are the model (`main.cf`), those after
/// it the inventory; without a NUL there is no inventory. The LSM rules are on for inputs of
/// even length and off for odd ones (`--no-lsm-checks`), so that models the rules refuse still
/// reach the evaluator.
pub fn compile_input(data: &[u8]) {
    let (model, inventory) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], Some(&data[at + 1..])),
        None => (data, None),
    };
    let model = String::from_utf8_lossy(model);
    let inventory = inventory.map(String::from_utf8_lossy);
    compile(&model, inventory.as_deref(), data.len().is_multiple_of(2));
}

/// The model of the `inventory` target.
pub const INVENTORY_MODEL: &str = include_str!("../../../examples/vpn-service/main.cf");

/// The `inventory` target: the bytes, read as UTF-8 (lossily), as the inventory of
/// `examples/vpn-service`. The model is checked once per thread; each run takes a copy of it, so
/// that a run costs the inventory's work only.
pub fn inventory_input(data: &[u8]) {
    thread_local! {
        static MODEL: Checked = {
            let files = MemoryFiles::default();
            let input = Input {
                main_name: "main.cf",
                main_text: INVENTORY_MODEL,
                files: &files,
            };
            driver::check(&input, driver::Options::default())
        };
    }
    let inventory = String::from_utf8_lossy(data);
    let checked = MODEL.with(Checked::clone);
    run_checked(checked, Some(&inventory));
}

/// The evaluator's cap on task runs: a model that keeps growing (an implementation that makes
/// an instance that needs the implementation again) stops after this many, with E4012, in a few
/// milliseconds instead of the seconds the default cap (5 million and more) allows. No seed
/// needs more than a few thousand.
pub const MAX_STEPS: usize = 20_000;

/// The evaluator's cap on instances, for the same reason: a model that constructs without end
/// stops (E4022) before it takes much memory.
pub const MAX_INSTANCES: usize = 10_000;

/// Check, inventory, its check, evaluation, the dump, the catalog and its exports, the previous
/// instances of `export --previous`, and every diagnostic rendered. `lsm_checks`: the LSM rules
/// on (`lsmc compile`) or off (`--no-lsm-checks`, which lets more models reach the evaluator).
pub fn compile(model: &str, inventory: Option<&str>, lsm_checks: bool) {
    // The built-in modules are parsed once, not on every run (as an editor's checks do): their
    // parse is most of the time of a small model's run.
    thread_local! {
        static CACHE: ParseCache = ParseCache::default();
    }
    CACHE.with(|cache| compile_cached(model, inventory, lsm_checks, cache));
}

fn compile_cached(model: &str, inventory: Option<&str>, lsm_checks: bool, cache: &ParseCache) {
    let files = MemoryFiles::default();
    let input = Input {
        main_name: "main.cf",
        main_text: model,
        files: &files,
    };
    let options = driver::Options {
        lsm_checks,
        progress: None,
    };
    let checked = driver::check_cached(&input, options, Some(cache));
    run_checked(checked, inventory);
}

/// Everything after the model's check.
fn run_checked(mut checked: Checked, inventory: Option<&str>) {
    let inventory_file = inventory.map(|text| InventoryFile {
        name: "inventory.json".to_string(),
        text: text.to_string(),
    });
    if let Some(file) = inventory_file.clone() {
        checked.read_inventory(file);
    }
    checked.check_inventory(None);
    let options = EvalOptions {
        max_steps: Some(MAX_STEPS),
        max_instances: Some(MAX_INSTANCES),
        ..EvalOptions::default()
    };
    let mut failed = None;
    if let Some(mut evaluated) = checked.evaluate(options) {
        if evaluated.has_errors() {
            failed = Some(std::mem::take(&mut evaluated.diagnostics));
        } else {
            let _ = evaluated.runtime.printed.len();
            let dump = evaluated.dump(false);
            write_pretty(std::io::sink(), &dump).expect("a dump serialises");
            let dump = evaluated.dump(true);
            write_pretty(std::io::sink(), &dump).expect("a dump serialises");
            render(&evaluated.diagnostics, evaluated.sources);
        }
    }
    if let Some(mut all) = failed {
        lsmc::diagnostics::sort(&mut all);
        render(&all, &checked.sources);
    } else if checked.has_errors() {
        render(&checked.diagnostics, &checked.sources);
    }
    match checked.catalog() {
        Ok(catalog) => {
            let _ = lsmc::export::to_pretty_json(&catalog);
            let _ = lsmc::export::to_pretty_json(&catalog.v1());
            let _ = lsmc::export::to_pretty_json(&catalog.schemas());
            if let Some(file) = inventory_file {
                match checked.previous_instances(file) {
                    Ok(_) => {}
                    Err(all) => render(&all, &checked.sources),
                }
            }
        }
        Err(all) => render(&all, &checked.sources),
    }
}

/// Diagnostics through both renderers. Colour or not alternates with the count of diagnostics:
/// rendering twice would halve the fuzzer's speed.
pub fn render(diagnostics: &[Diagnostic], sources: &SourceMap) {
    let color = diagnostics.len() % 2 == 1;
    let _ = render_text(diagnostics, sources, TextOptions { color });
    let uri_of = |name: &str| format!("file:///project/{name}");
    let _ = render_json(diagnostics, sources, &uri_of).to_string();
}
