//! The one error type of the core. It is mapped once, at the Python boundary,
//! to a specific exception (and, in the server, to a gRPC status code).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// A caller-supplied value is malformed or out of range; `field` names it
    /// (e.g. `ads[3].bid_cpm`).
    InvalidArgument { field: String, message: String },
    /// The named thing does not exist.
    NotFound { field: String, message: String },
    /// A bug or an unexpected failure inside the engine (e.g. FAISS).
    Internal(String),
    /// A service the request needs (the shared state store) cannot be
    /// reached: nothing was done, the caller may retry.
    Unavailable(String),
}

impl CoreError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        CoreError::InvalidArgument {
            field: field.into(),
            message: message.into(),
        }
    }
    pub fn not_found(field: impl Into<String>, message: impl Into<String>) -> Self {
        CoreError::NotFound {
            field: field.into(),
            message: message.into(),
        }
    }
    pub fn field(&self) -> Option<&str> {
        match self {
            CoreError::InvalidArgument { field, .. } | CoreError::NotFound { field, .. } => {
                Some(field)
            }
            CoreError::Internal(_) | CoreError::Unavailable(_) => None,
        }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::InvalidArgument { field, message }
            | CoreError::NotFound { field, message } => {
                write!(f, "{field}: {message}")
            }
            CoreError::Internal(m) => write!(f, "internal error: {m}"),
            CoreError::Unavailable(m) => write!(f, "unavailable: {m}"),
        }
    }
}

impl std::error::Error for CoreError {}

impl From<faiss::error::Error> for CoreError {
    fn from(e: faiss::error::Error) -> Self {
        CoreError::Internal(format!("faiss: {e}"))
    }
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
