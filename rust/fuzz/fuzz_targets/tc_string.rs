#![no_main]
//! cargo-fuzz target `tc_string`: see `harness::tc_string` for what is checked.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/harness/mod.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::tc_string(data));
