#![no_main]
//! cargo-fuzz target `score_request`: see `harness::score_request` for what is checked.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/harness/mod.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::score_request(data));
