//! Fuzz target: a model and an inventory through the whole library driver: check, inventory,
//! evaluation, dump, catalog (`common::compile_input`: a NUL separates the model from the
//! inventory). Nothing may panic, abort or run away.

#![no_main]

#[path = "common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::compile_input(data));
