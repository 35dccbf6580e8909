//! Fuzz target: arbitrary bytes as the inventory of a fixed model, `examples/vpn-service`,
//! through the whole library driver (see `common::compile`): the inventory's parse, its check
//! against the catalog, `lsm::all` in the evaluation, the dump and `export --previous`. Nothing
//! may panic, abort or run away.

#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

const MODEL: &str = include_str!("../../examples/vpn-service/main.cf");

fuzz_target!(|data: &[u8]| {
    let inventory = String::from_utf8_lossy(data);
    common::compile(MODEL, Some(&inventory), true);
});
