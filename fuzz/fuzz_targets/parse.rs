//! Fuzz target: arbitrary bytes, read as UTF-8 (lossily), through the parser and both diagnostic
//! renderers (`common::parse_input`). None of them may panic, whatever the input.

#![no_main]

#[path = "common/mod.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::parse_input(data));
