#![no_main]
//! cargo-fuzz target `gpp`: see `harness::gpp` for what is checked.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/harness/mod.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::gpp(data));
