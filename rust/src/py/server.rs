//! Python bindings of the data plane: `ApiKeys`, `ServerRules` (what the
//! grpcio transport calls for every call) and `NativeServer` (the tonic
//! transport, started and stopped from Python).

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::{run, PyEngine};
use crate::error::CoreError;
use crate::server::auth::{ApiKeys, Role};
use crate::server::call::Method;
use crate::server::log::{self, Level};
use crate::server::native::{NativeConfig, NativeServer, TlsPem};
use crate::server::rules::{Admitted, Rules, RulesConfig};

fn method(name: &str) -> Result<Method, CoreError> {
    Method::from_name(name)
        .ok_or_else(|| CoreError::invalid("method", format!("no chatads.v1 method {name:?}")))
}

/// Digests of API keys with their roles (`exchange`, `admin`); the keys
/// themselves are not kept.
#[pyclass(module = "chatads._core", name = "ApiKeys", frozen)]
pub struct PyApiKeys {
    inner: ApiKeys,
}

#[pymethods]
impl PyApiKeys {
    #[new]
    #[pyo3(signature = (entries = Vec::new()))]
    fn new(entries: Vec<(String, String)>) -> PyResult<Self> {
        let inner = ApiKeys::new(entries.iter().map(|(r, k)| (r.as_str(), k.as_str())))?;
        Ok(Self { inner })
    }

    /// The role of `key`, or None (constant time over every digest).
    fn role_of(&self, key: &str) -> Option<&'static str> {
        self.inner.role_of(key.as_bytes()).map(Role::name)
    }

    /// How many keys each role has.
    fn roles(&self) -> Vec<(&'static str, usize)> {
        Role::ALL
            .iter()
            .map(|r| (r.name(), self.inner.count(*r)))
            .collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }
}

/// An admitted call of the grpcio transport; `close()` ends it.
#[pyclass(module = "chatads._core", name = "AdmittedCall", frozen)]
pub struct PyAdmittedCall {
    inner: Mutex<Option<Admitted>>,
}

#[pymethods]
impl PyAdmittedCall {
    fn close(&self) {
        self.inner.lock().take();
    }
}

/// The rules every call passes, for the grpcio transport (the native one
/// holds the same object): keys and roles, draining, budgets, the engine
/// call, error mapping, metrics. Results are `(code, details, reply)` with
/// `code` the numeric gRPC status (0 = OK).
#[pyclass(module = "chatads._core", name = "ServerRules", frozen)]
pub struct PyServerRules {
    pub(crate) inner: Arc<Rules>,
}

type Outcome<'py> = (i32, String, Bound<'py, PyBytes>);

fn outcome<'py>(py: Python<'py>, r: Result<Vec<u8>, crate::server::call::Status>) -> Outcome<'py> {
    match r {
        Ok(reply) => (0, String::new(), PyBytes::new(py, &reply)),
        Err(s) => (s.code as i32, s.message, PyBytes::new(py, b"")),
    }
}

/// `arrived` and `deadline` from seconds already waited and seconds left.
fn times(waited_s: f64, time_left_s: Option<f64>) -> (Instant, Option<Instant>) {
    let now = Instant::now();
    let arrived = now
        .checked_sub(Duration::from_secs_f64(waited_s.clamp(0.0, 3600.0)))
        .unwrap_or(now);
    let deadline = time_left_s.map(|s| now + Duration::from_secs_f64(s.clamp(0.0, 1e9)));
    (arrived, deadline)
}

#[pymethods]
impl PyServerRules {
    #[new]
    #[pyo3(signature = (engine, *, keys = None, min_budget_ms = 1.0, max_in_flight = 0, max_open_streams = 0))]
    fn new(
        engine: &PyEngine,
        keys: Option<&PyApiKeys>,
        min_budget_ms: f64,
        max_in_flight: usize,
        max_open_streams: usize,
    ) -> Self {
        let config = RulesConfig {
            min_budget: Duration::from_secs_f64(min_budget_ms.max(0.0) / 1e3),
            max_in_flight,
            max_open_streams,
        };
        let keys = keys.map(|k| k.inner.clone()).unwrap_or_default();
        Self {
            inner: Arc::new(Rules::new(engine.inner.clone(), keys, config)),
        }
    }

    /// Admits a call: `(0, "", call)` or `(code, details, None)`.
    #[pyo3(signature = (method_name, authorization = None))]
    fn admit(
        &self,
        method_name: &str,
        authorization: Option<&str>,
    ) -> PyResult<(i32, String, Option<PyAdmittedCall>)> {
        let m = method(method_name)?;
        Ok(
            match self.inner.admit(m, authorization.map(str::as_bytes)) {
                Ok(a) => (
                    0,
                    String::new(),
                    Some(PyAdmittedCall {
                        inner: Mutex::new(Some(a)),
                    }),
                ),
                Err(s) => (s.code as i32, s.message, None),
            },
        )
    }

    /// One unary call (after `admit`).
    #[pyo3(signature = (method_name, request, *, waited_s = 0.0, time_left_s = None))]
    fn unary<'py>(
        &self,
        py: Python<'py>,
        method_name: &str,
        request: &[u8],
        waited_s: f64,
        time_left_s: Option<f64>,
    ) -> PyResult<Outcome<'py>> {
        let m = method(method_name)?;
        let (arrived, deadline) = times(waited_s, time_left_s);
        let rules = self.inner.clone();
        let r = py.detach(|| rules.unary(m, request, arrived, deadline));
        Ok(outcome(py, r))
    }

    /// One turn of a Chat stream.
    #[pyo3(signature = (turn, *, waited_s = 0.0, time_left_s = None))]
    fn chat_turn<'py>(
        &self,
        py: Python<'py>,
        turn: &[u8],
        waited_s: f64,
        time_left_s: Option<f64>,
    ) -> Outcome<'py> {
        let (arrived, deadline) = times(waited_s, time_left_s);
        let rules = self.inner.clone();
        let r = py.detach(|| rules.chat_turn(turn, arrived, deadline));
        outcome(py, r)
    }

    /// Counts a finished Chat stream with the code it ended with.
    fn finish_stream(&self, code: i32) {
        self.inner
            .finish(Method::Chat, tonic::Code::from_i32(code), None, "");
    }

    /// The Prometheus text of every metric.
    fn metrics_text(&self, py: Python<'_>) -> String {
        let rules = self.inner.clone();
        py.detach(|| rules.metrics.render(&rules.engine, super::now_or(None)))
    }

    fn start_draining(&self) {
        self.inner.start_draining();
    }

    /// Waits until no call is in flight (True) or `timeout_s` passes (False).
    fn wait_idle(&self, py: Python<'_>, timeout_s: f64) -> bool {
        let rules = self.inner.clone();
        let t = Duration::from_secs_f64(timeout_s.clamp(0.0, 86_400.0));
        py.detach(|| rules.wait_idle(t))
    }

    /// Calls in flight plus open Chat streams.
    #[getter]
    fn busy(&self) -> usize {
        self.inner.busy()
    }
}

/// The native gRPC server (tonic on tokio).
#[pyclass(module = "chatads._core", name = "NativeServer", frozen)]
pub struct PyNativeServer {
    inner: Mutex<Option<NativeServer>>,
    #[pyo3(get)]
    port: u16,
}

#[pymethods]
impl PyNativeServer {
    #[new]
    #[pyo3(signature = (rules, *, host = "127.0.0.1".to_string(), port = 0, workers = 2, io_threads = 1,
        tls_cert = None, tls_key = None, tls_client_ca = None, max_message_bytes = 16 << 20,
        keepalive_s = 60.0, keepalive_timeout_s = 20.0, max_concurrent_streams = 65_536))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        rules: &PyServerRules,
        host: String,
        port: u16,
        workers: usize,
        io_threads: usize,
        tls_cert: Option<Vec<u8>>,
        tls_key: Option<Vec<u8>>,
        tls_client_ca: Option<Vec<u8>>,
        max_message_bytes: usize,
        keepalive_s: f64,
        keepalive_timeout_s: f64,
        max_concurrent_streams: u32,
    ) -> PyResult<Self> {
        let tls = match (tls_cert, tls_key) {
            (Some(cert), Some(key)) => Some(TlsPem {
                cert,
                key,
                client_ca: tls_client_ca,
            }),
            (None, None) if tls_client_ca.is_none() => None,
            _ => {
                return Err(CoreError::invalid(
                    "tls_cert",
                    "TLS needs both tls_cert and tls_key (and mutual TLS also tls_client_ca)",
                )
                .into())
            }
        };
        let config = NativeConfig {
            host,
            port,
            workers,
            io_threads,
            tls,
            max_message_bytes,
            keepalive: (keepalive_s > 0.0).then(|| Duration::from_secs_f64(keepalive_s)),
            keepalive_timeout: Duration::from_secs_f64(keepalive_timeout_s.max(0.001)),
            max_concurrent_streams,
        };
        let rules = rules.inner.clone();
        let server = run(py, move || NativeServer::start(config, rules))?;
        let port = server.local_addr.port();
        Ok(Self {
            inner: Mutex::new(Some(server)),
            port,
        })
    }

    /// Health of the server and every service: SERVING or NOT_SERVING.
    fn set_serving(&self, py: Python<'_>, serving: bool) {
        py.detach(|| {
            if let Some(s) = self.inner.lock().as_ref() {
                s.set_serving(serving);
            }
        });
    }

    /// Stops accepting; open calls get up to `grace_s` seconds, then every
    /// connection is closed.
    #[pyo3(signature = (grace_s = 0.0))]
    fn stop(&self, py: Python<'_>, grace_s: f64) {
        let server = self.inner.lock().take();
        if let Some(mut s) = server {
            py.detach(move || s.stop(Duration::from_secs_f64(grace_s.clamp(0.0, 3600.0))));
        }
    }
}

/// Level (`DEBUG`…`ERROR`) and format (`text`, `json`) of the data plane's log lines.
#[pyfunction]
pub fn configure_logging(level: &str, format: &str) -> PyResult<()> {
    let level = Level::parse(level)
        .ok_or_else(|| CoreError::invalid("log_level", format!("unknown level {level:?}")))?;
    let json = match format {
        "json" => true,
        "text" => false,
        other => {
            return Err(CoreError::invalid(
                "log_format",
                format!("must be text or json, got {other:?}"),
            )
            .into())
        }
    };
    log::configure(level, json);
    Ok(())
}
