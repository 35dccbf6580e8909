//! Fuzz target: arbitrary bytes as the inventory of a fixed model, `examples/vpn-service`,
//! through the whole library driver (`common::inventory_input`): the inventory's parse, its
//! check against the catalog, `lsm::all` in the evaluation, the dump and `export --previous`.
//! Nothing may panic, abort or run away.

#![no_main]

#[path = "common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::inventory_input(data));
