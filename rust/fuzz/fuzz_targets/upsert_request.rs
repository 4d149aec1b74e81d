#![no_main]
//! cargo-fuzz target `upsert_request`: see `harness::upsert_request` for what is checked.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/harness/mod.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::upsert_request(data));
