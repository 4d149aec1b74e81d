//! chatads core: the hot path of one chat turn, in Rust.
//!
//! `text` → `profile` → `catalog` (FAISS) → `rank`, tied together by
//! `engine`; `wire` holds the protobuf types and `py` the Python bindings.
//! This file only declares the module tree and the Python module.

pub mod catalog;
pub mod durable;
pub mod engine;
pub mod error;
pub mod privacy;
pub mod profile;
pub mod py;
pub mod rank;
pub mod server;
pub mod state;
pub mod text;
pub mod wire;

use pyo3::prelude::*;

/// The Python extension module `chatads._core`.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    py::register(m)
}
