#![no_main]
//! cargo-fuzz target `text_pipeline`: see `harness::text_pipeline` for what is checked.

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/harness/mod.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::text_pipeline(data));
