//! The native transport: gRPC over HTTP/2 with tonic on tokio, TLS by rustls.
//!
//! Two runtimes by default: `io_threads` I/O threads own sockets, HTTP/2
//! and TLS (and stamp each call's arrival) and hand each call to the worker
//! runtime, which runs the engine. A call that waits for a worker is then
//! visible to its time budget, and a slow call never stops the I/O threads
//! from reading. With `io_threads` 0 there is one runtime: each of its
//! `workers` threads reads its connections and runs the engine inline, as a
//! plain tonic service does, which saves the hand-off between threads (on
//! one core, futex wake-ups and context switches, 30-50 µs per call); a call
//! then counts as arrived when a worker reads it. Bulk catalog writes go to
//! the blocking pool either way, so an fsync'd load never holds up scoring.
//!
//! Every `chatads.v1` method goes through [`Rules`], the code the grpcio
//! transport calls too; health checking and reflection are tonic's own
//! services.
//!
//! A `Chat` stream is a future, not a thread: the next turn is read only
//! when the previous reply has been handed to HTTP/2, so a client that stops
//! reading is held back by flow control instead of growing server memory.

use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, Bytes};
use futures_util::stream::{self, BoxStream, StreamExt};
use http::HeaderMap;
use tokio::runtime::{Handle, Runtime};
use tokio::sync::oneshot;
use tonic::body::Body;
use tonic::codec::{BufferSettings, Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::server::NamedService;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic::Code;
use tonic_health::server::HealthReporter;
use tonic_health::ServingStatus;

use super::call::{Method, Service, Status};
use super::log::{self, Level};
use super::rules::{Admitted, Rules};
use crate::error::CoreError;

/// PEM files for TLS; with `client_ca`, clients must present a certificate it
/// signed (mutual TLS).
#[derive(Clone, Debug)]
pub struct TlsPem {
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
    pub client_ca: Option<Vec<u8>>,
}

#[derive(Clone, Debug)]
pub struct NativeConfig {
    pub host: String,
    pub port: u16,
    /// Engine worker threads (with `io_threads` 0 they do the I/O too).
    pub workers: usize,
    /// Threads that only do sockets, HTTP/2 and TLS and hand calls to the
    /// workers; 0 = none (the engine runs inline on the runtime's threads).
    pub io_threads: usize,
    pub tls: Option<TlsPem>,
    /// Largest message received or sent.
    pub max_message_bytes: usize,
    /// HTTP/2 PING interval and how long to wait for its answer.
    pub keepalive: Option<Duration>,
    pub keepalive_timeout: Duration,
    /// Concurrent HTTP/2 streams per connection.
    pub max_concurrent_streams: u32,
}

/// Passes gRPC message bytes through unchanged: requests are decoded by the
/// engine's own prost types (once), replies arrive encoded.
#[derive(Clone, Copy, Default)]
struct RawBytes;

/// Each call (an open Chat stream too) holds one decode and one encode buffer
/// of this initial size: tonic's 8 KiB default costs an open stream 16 KiB,
/// while a turn or a reply is 0.1–1.5 KB. Buffers grow when a message needs it.
const CALL_BUFFER_BYTES: usize = 2 * 1024;

fn buffer_settings() -> BufferSettings {
    BufferSettings::new(CALL_BUFFER_BYTES, 32 * 1024)
}

impl Encoder for RawBytes {
    type Item = Bytes;
    type Error = tonic::Status;
    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), tonic::Status> {
        dst.put(item);
        Ok(())
    }
    fn buffer_settings(&self) -> BufferSettings {
        buffer_settings()
    }
}

impl Decoder for RawBytes {
    type Item = Bytes;
    type Error = tonic::Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, tonic::Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
    fn buffer_settings(&self) -> BufferSettings {
        buffer_settings()
    }
}

impl Codec for RawBytes {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawBytes;
    type Decoder = RawBytes;
    fn encoder(&mut self) -> RawBytes {
        RawBytes
    }
    fn decoder(&mut self) -> RawBytes {
        RawBytes
    }
}

/// The `grpc-timeout` header (`<digits><unit>`, units H M S m u n).
fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get("grpc-timeout")?.to_str().ok()?;
    if v.len() < 2 || v.len() > 9 {
        return None;
    }
    let (digits, unit) = v.split_at(v.len() - 1);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n.saturating_mul(3600)),
        "M" => Duration::from_secs(n.saturating_mul(60)),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// How long before the caller's deadline a call still waiting for a worker is
/// answered DEADLINE_EXCEEDED. tonic's own timeout fires at the deadline with
/// CANCELLED ("Timeout expired"); answering just before it gives the caller the
/// status gRPC prescribes. The queued job still runs when a worker is free, sees
/// the deadline passed and does not score (the rules count it then).
const DEADLINE_GUARD: Duration = Duration::from_millis(1);

/// `job`'s outcome, or None when `deadline` (less the guard) comes first.
async fn within_deadline<T>(
    deadline: Option<Instant>,
    job: tokio::task::JoinHandle<T>,
) -> Option<Result<T, tokio::task::JoinError>> {
    match deadline {
        None => Some(job.await),
        Some(d) => {
            let at = d.checked_sub(DEADLINE_GUARD).unwrap_or(d);
            tokio::time::timeout_at(at.into(), job).await.ok()
        }
    }
}

fn queued_past_deadline() -> Status {
    Status::deadline_exceeded("the deadline passed while waiting for a worker")
}

struct Shared {
    rules: Arc<Rules>,
    /// The worker runtime, or None when the engine runs inline on the I/O
    /// threads (no hand-off between threads per call).
    workers: Option<Handle>,
    max_message_bytes: usize,
}

impl Shared {
    /// Runs a unary call inline or on a worker; bulk writes go to the
    /// blocking pool, so an fsync'd catalog load never holds up scoring.
    async fn unary(
        self: Arc<Self>,
        method: Method,
        body: Bytes,
        arrived: Instant,
        deadline: Option<Instant>,
    ) -> Result<Bytes, tonic::Status> {
        let rules = self.rules.clone();
        let job = move || rules.unary(method, &body, arrived, deadline);
        let joined = match (&self.workers, method.is_bulk()) {
            (None, false) => return job().map(Bytes::from).map_err(Into::into),
            (None, true) => tokio::task::spawn_blocking(job),
            (Some(w), true) => w.spawn_blocking(job),
            (Some(w), false) => w.spawn(async move { job() }),
        };
        match within_deadline(deadline, joined).await {
            Some(Ok(Ok(reply))) => Ok(Bytes::from(reply)),
            Some(Ok(Err(status))) => Err(status.into()),
            Some(Err(_)) => Err(Status::internal(method).into()),
            None => Err(queued_past_deadline().into()),
        }
    }
}

/// One Chat stream's state; when it ends (or the client goes away) the call
/// is counted with the code it ended with.
struct ChatState {
    shared: Arc<Shared>,
    inbound: tonic::Streaming<Bytes>,
    deadline: Option<Instant>,
    code: Code,
    ended: bool,
    _admitted: Admitted,
}

impl Drop for ChatState {
    fn drop(&mut self) {
        self.shared.rules.finish(Method::Chat, self.code, None, "");
    }
}

async fn next_turn(mut st: ChatState) -> Option<(Result<Bytes, tonic::Status>, ChatState)> {
    if st.ended {
        return None;
    }
    let turn = match st.inbound.message().await {
        Ok(Some(turn)) => turn,
        Ok(None) => {
            st.code = Code::Ok;
            return None;
        }
        Err(status) => {
            // A reset stream, a bad frame, an oversized message: the stream ends.
            st.code = status.code();
            st.ended = true;
            return Some((Err(status), st));
        }
    };
    let arrived = Instant::now();
    let rules = st.shared.rules.clone();
    let deadline = st.deadline;
    let out = match &st.shared.workers {
        None => rules.chat_turn(&turn, arrived, deadline).map(Bytes::from),
        Some(w) => {
            let joined = w.spawn(async move { rules.chat_turn(&turn, arrived, deadline) });
            match within_deadline(deadline, joined).await {
                Some(Ok(Ok(reply))) => Ok(Bytes::from(reply)),
                Some(Ok(Err(status))) => Err(status),
                Some(Err(_)) => Err(Status::internal(Method::Chat)),
                None => Err(queued_past_deadline()),
            }
        }
    };
    match out {
        Ok(reply) => Some((Ok(reply), st)),
        Err(status) => {
            st.code = status.code;
            st.ended = true;
            Some((Err(status.into()), st))
        }
    }
}

struct UnarySvc {
    shared: Arc<Shared>,
    method: Method,
    arrived: Instant,
    deadline: Option<Instant>,
}

impl tonic::server::UnaryService<Bytes> for UnarySvc {
    type Response = Bytes;
    type Future = Pin<
        Box<dyn std::future::Future<Output = Result<tonic::Response<Bytes>, tonic::Status>> + Send>,
    >;
    fn call(&mut self, request: tonic::Request<Bytes>) -> Self::Future {
        let (shared, method, arrived, deadline) = (
            self.shared.clone(),
            self.method,
            self.arrived,
            self.deadline,
        );
        Box::pin(async move {
            shared
                .unary(method, request.into_inner(), arrived, deadline)
                .await
                .map(tonic::Response::new)
        })
    }
}

struct ChatSvc {
    shared: Arc<Shared>,
    admitted: Option<Admitted>,
    deadline: Option<Instant>,
}

impl tonic::server::StreamingService<Bytes> for ChatSvc {
    type Response = Bytes;
    type ResponseStream = BoxStream<'static, Result<Bytes, tonic::Status>>;
    type Future = Pin<
        Box<
            dyn std::future::Future<
                    Output = Result<tonic::Response<Self::ResponseStream>, tonic::Status>,
                > + Send,
        >,
    >;
    fn call(&mut self, request: tonic::Request<tonic::Streaming<Bytes>>) -> Self::Future {
        let state = ChatState {
            shared: self.shared.clone(),
            inbound: request.into_inner(),
            deadline: self.deadline,
            code: Code::Cancelled,
            ended: false,
            _admitted: self.admitted.take().expect("a ChatSvc serves one stream"),
        };
        Box::pin(async move {
            let replies: Self::ResponseStream = stream::unfold(state, next_turn).boxed();
            Ok(tonic::Response::new(replies))
        })
    }
}

/// Routes `/chatads.v1.<Service>/<Method>` to [`Rules`].
async fn route(shared: Arc<Shared>, req: http::Request<Body>) -> http::Response<Body> {
    let arrived = Instant::now();
    let Some(method) = Method::from_path(req.uri().path()) else {
        return tonic::Status::unimplemented(format!("no method {}", req.uri().path())).into_http();
    };
    let deadline = grpc_timeout(req.headers()).map(|d| arrived + d);
    let admitted = {
        let auth = req
            .headers()
            .get(http::header::AUTHORIZATION)
            .map(|v| v.as_bytes());
        match shared.rules.admit(method, auth) {
            Ok(a) => a,
            Err(status) => return tonic::Status::from(status).into_http(),
        }
    };
    let limit = shared.max_message_bytes;
    let mut grpc =
        tonic::server::Grpc::new(RawBytes).apply_max_message_size_config(Some(limit), Some(limit));
    if method == Method::Chat {
        let svc = ChatSvc {
            shared: shared.clone(),
            admitted: Some(admitted),
            deadline,
        };
        grpc.streaming(svc, req).await
    } else {
        let svc = UnarySvc {
            shared: shared.clone(),
            method,
            arrived,
            deadline,
        };
        let response = grpc.unary(svc, req).await;
        drop(admitted);
        response
    }
}

macro_rules! chatads_service {
    ($name:ident, $service:expr) => {
        #[derive(Clone)]
        struct $name(Arc<Shared>);

        impl NamedService for $name {
            const NAME: &'static str = $service.name();
        }

        impl tower_service::Service<http::Request<Body>> for $name {
            type Response = http::Response<Body>;
            type Error = std::convert::Infallible;
            type Future = Pin<
                Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>,
            >;
            fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
                Poll::Ready(Ok(()))
            }
            fn call(&mut self, req: http::Request<Body>) -> Self::Future {
                let shared = self.0.clone();
                Box::pin(async move { Ok(route(shared, req).await) })
            }
        }
    };
}

chatads_service!(AdScoringService, Service::AdScoring);
chatads_service!(CatalogService, Service::Catalog);
chatads_service!(PrivacyService, Service::Privacy);
chatads_service!(DiagnosticsService, Service::Diagnostics);

/// A running native server. Dropping it stops it at once.
pub struct NativeServer {
    io: Option<Runtime>,
    workers: Option<Runtime>,
    health: HealthReporter,
    shutdown: Option<oneshot::Sender<()>>,
    stopped: Option<std::sync::mpsc::Receiver<()>>,
    pub local_addr: SocketAddr,
}

fn runtime(name: &str, threads: usize) -> std::io::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .thread_name(name)
        .enable_all()
        .build()
}

fn internal(what: &str, e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(format!("{what}: {e}"))
}

impl NativeServer {
    /// Binds `host:port` (port 0 = any free port) and starts serving.
    pub fn start(config: NativeConfig, rules: Arc<Rules>) -> Result<Self, CoreError> {
        let addr = (config.host.as_str(), config.port)
            .to_socket_addrs()
            .map_err(|e| {
                CoreError::invalid("host", format!("cannot resolve {:?}: {e}", config.host))
            })?
            .next()
            .ok_or_else(|| {
                CoreError::invalid("host", format!("{:?} has no address", config.host))
            })?;
        let listener = std::net::TcpListener::bind(addr)
            .map_err(|e| CoreError::invalid("port", format!("cannot listen on {addr}: {e}")))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| internal("listener", e))?;
        let local_addr = listener.local_addr().map_err(|e| internal("listener", e))?;

        let inline = config.io_threads == 0;
        let io = runtime(
            "chatads-io",
            if inline {
                config.workers
            } else {
                config.io_threads
            },
        )
        .map_err(|e| internal("runtime", e))?;
        let workers = if inline {
            None
        } else {
            Some(runtime("chatads-worker", config.workers).map_err(|e| internal("runtime", e))?)
        };
        let shared = Arc::new(Shared {
            rules: rules.clone(),
            workers: workers.as_ref().map(|w| w.handle().clone()),
            max_message_bytes: config.max_message_bytes,
        });

        let mut builder = Server::builder()
            .http2_keepalive_interval(config.keepalive)
            .http2_keepalive_timeout(Some(config.keepalive_timeout))
            .max_concurrent_streams(config.max_concurrent_streams);
        if let Some(tls) = &config.tls {
            let mut t = ServerTlsConfig::new().identity(Identity::from_pem(&tls.cert, &tls.key));
            if let Some(ca) = &tls.client_ca {
                t = t.client_ca_root(Certificate::from_pem(ca));
            }
            builder = builder.tls_config(t).map_err(|e| {
                CoreError::invalid("tls_cert", format!("unusable TLS settings: {e}"))
            })?;
        }

        let (health, health_service) = tonic_health::server::health_reporter();
        let reflection = || {
            tonic_reflection::server::Builder::configure()
                .register_encoded_file_descriptor_set(crate::wire::FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        };
        let reflection_v1 = reflection()
            .build_v1()
            .map_err(|e| internal("reflection", e))?;
        let reflection_v1alpha = reflection()
            .build_v1alpha()
            .map_err(|e| internal("reflection", e))?;

        let router = builder
            .add_service(health_service)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha)
            .add_service(AdScoringService(shared.clone()))
            .add_service(CatalogService(shared.clone()))
            .add_service(PrivacyService(shared.clone()))
            .add_service(DiagnosticsService(shared));

        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let (stopped_tx, stopped_rx) = std::sync::mpsc::channel::<()>();
        let incoming = {
            let _entered = io.enter();
            let listener =
                tokio::net::TcpListener::from_std(listener).map_err(|e| internal("listener", e))?;
            TcpIncoming::from(listener).with_nodelay(Some(true))
        };
        io.spawn(async move {
            let served = router
                .serve_with_incoming_shutdown(incoming, async {
                    let _ = shutdown_rx.await;
                })
                .await;
            if let Err(e) = served {
                log::record(Level::Error, &format!("server stopped: {e}"), &[]);
            }
            let _ = stopped_tx.send(());
        });
        let server = Self {
            io: Some(io),
            workers,
            health,
            shutdown: Some(shutdown_tx),
            stopped: Some(stopped_rx),
            local_addr,
        };
        server.set_serving(true);
        Ok(server)
    }

    /// Health: SERVING or NOT_SERVING, for the server ("") and every service.
    pub fn set_serving(&self, serving: bool) {
        let status = if serving {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        };
        if let Some(io) = &self.io {
            let health = self.health.clone();
            io.block_on(async move {
                for name in std::iter::once("").chain(Service::ALL.iter().map(|s| s.name())) {
                    health.set_service_status(name, status).await;
                }
            });
        }
    }

    /// Stops accepting, lets open calls finish for up to `grace`, then ends
    /// every connection and joins the threads.
    pub fn stop(&mut self, grace: Duration) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(rx) = self.stopped.take() {
            let _ = rx.recv_timeout(grace);
        }
        if let Some(io) = self.io.take() {
            io.shutdown_timeout(Duration::from_millis(500));
        }
        if let Some(w) = self.workers.take() {
            w.shutdown_timeout(Duration::from_millis(500));
        }
    }
}

impl Drop for NativeServer {
    fn drop(&mut self) {
        self.stop(Duration::ZERO);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_header() {
        let mut h = HeaderMap::new();
        assert_eq!(grpc_timeout(&h), None);
        for (v, d) in [
            ("100m", Duration::from_millis(100)),
            ("5S", Duration::from_secs(5)),
            ("2H", Duration::from_secs(7200)),
            ("250u", Duration::from_micros(250)),
        ] {
            h.insert("grpc-timeout", v.parse().unwrap());
            assert_eq!(grpc_timeout(&h), Some(d), "{v}");
        }
        for bad in ["", "m", "10x", "-1S", "1234567890S"] {
            h.insert("grpc-timeout", bad.parse().unwrap());
            assert_eq!(grpc_timeout(&h), None, "{bad}");
        }
    }
}
