//! Fuzz target: a model and an inventory through the whole library driver (check, inventory,
//! evaluation, dump, catalog; see `common::compile`). The bytes before the first NUL are the
//! model (`main.cf`), those after it the inventory; without a NUL there is no inventory. The
//! LSM rules are on for inputs of even length and off for odd ones (`--no-lsm-checks`), so that
//! models the rules refuse still reach the evaluator. Nothing may panic, abort or run away.

#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (model, inventory) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], Some(&data[at + 1..])),
        None => (data, None),
    };
    let model = String::from_utf8_lossy(model);
    let inventory = inventory.map(String::from_utf8_lossy);
    common::compile(&model, inventory.as_deref(), data.len() % 2 == 0);
});
