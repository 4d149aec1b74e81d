//! The gRPC data plane.
//!
//! - [`call`]: services, methods and statuses, whatever the transport.
//! - [`auth`]: API keys and roles.
//! - [`rules`]: what every call passes (keys, draining, limits, budgets,
//!   error mapping, metrics), shared by both transports.
//! - [`ops`]: wire request → engine call → wire reply.
//! - [`metrics`]: the Prometheus registry.
//! - [`native`]: the tonic transport.
//! - [`log`]: log lines without request content.

pub mod auth;
pub mod call;
pub mod log;
pub mod metrics;
pub mod native;
pub mod ops;
pub mod rules;
