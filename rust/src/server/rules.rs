//! What every `chatads.v1` call passes, whichever transport carries it: the
//! API key and role, draining, the concurrency limits, the time budget
//! (deadline and `tmax_ms`, counted from arrival), the engine call with its
//! panics caught, the mapping of errors to status codes, metrics and the
//! call's log record. The native (tonic) transport and the grpcio transport
//! both call this, so a rule exists once.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use parking_lot::{Condvar, Mutex};
use prost::Message;
use tonic::Code;

use super::auth::ApiKeys;
use super::call::{Method, Status};
use super::log::{self, Level};
use super::metrics::Metrics;
use super::ops;
use crate::engine::Engine;
use crate::error::CoreError;
use crate::wire;

/// The reason a no-bid gives when `tmax_ms` cannot be (or was not) met.
pub const TMAX_EXCEEDED: &str = "tmax_exceeded";

#[derive(Clone, Debug)]
pub struct RulesConfig {
    /// A Score or Chat turn with less than this left of its deadline or
    /// `tmax_ms` is answered at once, without scoring.
    pub min_budget: Duration,
    /// Unary calls served at once; beyond it RESOURCE_EXHAUSTED (0 = the
    /// transport enforces its own limit, as grpcio does).
    pub max_in_flight: usize,
    /// Chat streams open at once; beyond it RESOURCE_EXHAUSTED (0 = no limit).
    pub max_open_streams: usize,
}

impl Default for RulesConfig {
    fn default() -> Self {
        Self {
            min_budget: Duration::from_millis(1),
            max_in_flight: 0,
            max_open_streams: 0,
        }
    }
}

pub struct Rules {
    pub engine: Arc<Engine>,
    pub keys: ApiKeys,
    pub metrics: Metrics,
    pub config: RulesConfig,
    draining: AtomicBool,
    idle_lock: Mutex<()>,
    idle: Condvar,
    echo: Vec<u8>,
}

/// An admitted call: counted as in flight (or as an open stream) until dropped.
pub struct Admitted {
    rules: Arc<Rules>,
    stream: bool,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let counter = if self.stream {
            &self.rules.metrics.open_streams
        } else {
            &self.rules.metrics.in_flight
        };
        if counter.fetch_sub(1, Ordering::AcqRel) == 1 && self.rules.busy() == 0 {
            let _held = self.rules.idle_lock.lock();
            self.rules.idle.notify_all();
        }
    }
}

fn wall_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Runs `f`, turning a panic into an internal error for this call only.
pub fn catch_panic<T>(f: impl FnOnce() -> Result<T, CoreError>) -> Result<T, CoreError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| {
        Err(CoreError::Internal(format!(
            "panic: {}",
            panic_message(&*p)
        )))
    })
}

impl Rules {
    pub fn new(engine: Arc<Engine>, keys: ApiKeys, config: RulesConfig) -> Self {
        Self {
            engine,
            keys,
            metrics: Metrics::new(),
            config,
            draining: AtomicBool::new(false),
            idle_lock: Mutex::new(()),
            idle: Condvar::new(),
            echo: ops::echo_reply(),
        }
    }

    /// Admits a call (API key and role, draining, limits) or refuses it with the
    /// status to send; a refusal is counted and logged like any other call.
    pub fn admit(
        self: &Arc<Self>,
        method: Method,
        authorization: Option<&[u8]>,
    ) -> Result<Admitted, Status> {
        let stream = method == Method::Chat;
        let outcome = self
            .keys
            .check(method.service(), authorization)
            .and_then(|()| {
                if self.draining.load(Ordering::Acquire) {
                    return Err(Status::unavailable("server is shutting down"));
                }
                let (counter, limit, what) = if stream {
                    (
                        &self.metrics.open_streams,
                        self.config.max_open_streams,
                        "open Chat streams",
                    )
                } else {
                    (
                        &self.metrics.in_flight,
                        self.config.max_in_flight,
                        "calls in flight",
                    )
                };
                let before = counter.fetch_add(1, Ordering::AcqRel);
                let admitted = Admitted {
                    rules: self.clone(),
                    stream,
                };
                if limit > 0 && before >= limit as i64 {
                    drop(admitted);
                    return Err(Status::resource_exhausted(format!(
                        "{what}: the limit of {limit} is reached, try again later"
                    )));
                }
                Ok(admitted)
            });
        if let Err(s) = &outcome {
            self.finish(method, s.code, None, "");
        }
        outcome
    }

    /// Counts and logs a finished call (for Chat: the stream).
    pub fn finish(&self, method: Method, code: Code, arrived: Option<Instant>, request_id: &str) {
        self.metrics.count_call(method, code);
        if log::enabled(Level::Debug) {
            let mut fields = vec![("method", method.name()), ("code", Status::code_name(code))];
            let ms = arrived.map(|a| format!("{:.3}", a.elapsed().as_secs_f64() * 1e3));
            if let Some(ms) = &ms {
                fields.push(("duration_ms", ms));
            }
            if !request_id.is_empty() {
                fields.push(("request_id", request_id));
            }
            log::record(Level::Debug, "call", &fields);
        }
    }

    fn engine_error(&self, method: Method, e: &CoreError) -> Status {
        if let CoreError::Internal(what) = e {
            // The error text comes from the engine (a panic message, FAISS), never
            // from the request.
            log::record(
                Level::Error,
                &format!("internal error in {}: {what}", method.name()),
                &[("method", method.name()), ("code", "INTERNAL")],
            );
        }
        Status::from_core(method, e)
    }

    /// One unary call, after `admit`: the engine's reply bytes or the status.
    /// `arrived` is when the call reached the server; `deadline` is the
    /// caller's, if it set one.
    pub fn unary(
        &self,
        method: Method,
        request: &[u8],
        arrived: Instant,
        deadline: Option<Instant>,
    ) -> Result<Vec<u8>, Status> {
        let mut request_id = String::new();
        let out = match method {
            Method::Score => match ops::decode::<wire::ScoreRequest>("ScoreRequest", request) {
                Ok(req) => {
                    request_id.clone_from(&req.request_id);
                    self.score(method, &req, arrived, deadline)
                }
                Err(e) => Err(self.engine_error(method, &e)),
            },
            Method::Echo => Ok(self.echo.clone()),
            Method::Chat => Err(Status::new(
                Code::Unimplemented,
                "Chat is a stream: call it as one",
            )),
            _ => {
                if deadline.is_some_and(|d| d <= Instant::now()) {
                    Err(Status::deadline_exceeded(
                        "deadline expired before processing",
                    ))
                } else {
                    let engine = &self.engine;
                    catch_panic(|| ops::call(engine, method, request, wall_now()))
                        .map_err(|e| self.engine_error(method, &e))
                }
            }
        };
        self.metrics
            .observe_latency(method, arrived.elapsed().as_secs_f64());
        let code = out.as_ref().map_or_else(|s| s.code, |_| Code::Ok);
        self.finish(method, code, Some(arrived), &request_id);
        out
    }

    /// One turn of a Chat stream: the reply bytes, or the status that ends the
    /// stream. `arrived` is when this turn reached the server.
    pub fn chat_turn(
        &self,
        turn: &[u8],
        arrived: Instant,
        deadline: Option<Instant>,
    ) -> Result<Vec<u8>, Status> {
        let out = match ops::chat_turn_request(turn) {
            Ok(req) => self.score(Method::Chat, &req, arrived, deadline),
            Err(e) => Err(self.engine_error(Method::Chat, &e)),
        };
        self.metrics
            .observe_latency(Method::Chat, arrived.elapsed().as_secs_f64());
        out
    }

    /// Scoring within the time budget: the smaller of what is left of the
    /// deadline and of `tmax_ms`. A call that cannot be met is answered at once
    /// (DEADLINE_EXCEEDED, or a no-bid for tmax); a reply that comes too late is
    /// not sent.
    fn score(
        &self,
        method: Method,
        req: &wire::ScoreRequest,
        arrived: Instant,
        deadline: Option<Instant>,
    ) -> Result<Vec<u8>, Status> {
        let min = self.config.min_budget;
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left < min {
                return Err(Status::deadline_exceeded(format!(
                    "{:.2} ms left of the deadline: too little to score",
                    left.as_secs_f64() * 1e3
                )));
            }
        }
        let tmax = (req.tmax_ms > 0).then(|| Duration::from_millis(u64::from(req.tmax_ms)));
        if let Some(t) = tmax {
            if t.saturating_sub(arrived.elapsed()) < min {
                return Ok(self.no_bid(&req.request_id, arrived));
            }
        }
        let engine = &self.engine;
        let reply = catch_panic(|| engine.score(req, wall_now()))
            .map_err(|e| self.engine_error(method, &e))?;
        if tmax.is_some_and(|t| arrived.elapsed() > t) {
            return Ok(self.no_bid(&req.request_id, arrived));
        }
        if deadline.is_some_and(|d| d <= Instant::now()) {
            return Err(Status::deadline_exceeded(
                "the deadline passed while scoring",
            ));
        }
        self.metrics.observe_score(&reply);
        Ok(reply.encode_to_vec())
    }

    fn no_bid(&self, request_id: &str, arrived: Instant) -> Vec<u8> {
        let reply = wire::ScoreResponse {
            request_id: request_id.to_string(),
            personalization: wire::Personalization::None as i32,
            reasons: vec![TMAX_EXCEEDED.to_string()],
            took_us: u32::try_from(arrived.elapsed().as_micros()).unwrap_or(u32::MAX),
            ..Default::default()
        };
        self.metrics.observe_score(&reply);
        reply.encode_to_vec()
    }

    /// From now on, new calls are refused with UNAVAILABLE.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Release);
    }

    /// Calls in flight plus open Chat streams.
    pub fn busy(&self) -> usize {
        let n = self.metrics.in_flight.load(Ordering::Acquire)
            + self.metrics.open_streams.load(Ordering::Acquire);
        usize::try_from(n).unwrap_or(0)
    }

    /// Waits until nothing is in flight (true) or `timeout` passes (false).
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        let mut held = self.idle_lock.lock();
        while self.busy() > 0 {
            if self.idle.wait_until(&mut held, end).timed_out() {
                return self.busy() == 0;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::consent::ConsentConfig;
    use crate::text::weights::TermWeights;

    fn rules(config: RulesConfig, keys: ApiKeys) -> Arc<Rules> {
        let engine = Engine::new(
            crate::engine::EngineConfig {
                secret: b"0123456789abcdef-test".to_vec(),
                consent: ConsentConfig {
                    gdpr_when_unknown: false,
                    ..Default::default()
                },
                fault_injection: true,
                ..Default::default()
            },
            TermWeights::from_zipf([("the", 7.7)]),
        )
        .unwrap();
        Arc::new(Rules::new(Arc::new(engine), keys, config))
    }

    fn score_bytes(request_id: &str, tmax_ms: u32) -> Vec<u8> {
        wire::ScoreRequest {
            request_id: request_id.into(),
            user_id: "u".into(),
            session_id: "s".into(),
            message: "cheap flights".into(),
            max_ads: 3,
            tmax_ms,
            ..Default::default()
        }
        .encode_to_vec()
    }

    #[test]
    fn limits_refuse_at_once_and_free_their_slot() {
        let r = rules(
            RulesConfig {
                max_in_flight: 2,
                max_open_streams: 1,
                ..Default::default()
            },
            ApiKeys::default(),
        );
        let a = r.admit(Method::Score, None).unwrap();
        let b = r.admit(Method::Echo, None).unwrap();
        let refused = r.admit(Method::GetAd, None).err().unwrap();
        assert_eq!(refused.code, Code::ResourceExhausted);
        let s = r.admit(Method::Chat, None).unwrap();
        assert_eq!(
            r.admit(Method::Chat, None).err().unwrap().code,
            Code::ResourceExhausted
        );
        assert_eq!(r.busy(), 3);
        drop((a, b, s));
        assert_eq!(r.busy(), 0);
        assert!(r.wait_idle(Duration::ZERO));
        assert!(r.admit(Method::Score, None).is_ok());
    }

    #[test]
    fn draining_refuses_new_calls_and_waits_for_the_last() {
        let r = rules(RulesConfig::default(), ApiKeys::default());
        let open = r.admit(Method::Chat, None).unwrap();
        r.start_draining();
        let e = r.admit(Method::Score, None).err().unwrap();
        assert_eq!(e.code, Code::Unavailable);
        assert!(!r.wait_idle(Duration::from_millis(20)));
        let waiter = {
            let r = r.clone();
            std::thread::spawn(move || r.wait_idle(Duration::from_secs(10)))
        };
        std::thread::sleep(Duration::from_millis(20));
        drop(open);
        assert!(waiter.join().unwrap());
    }

    #[test]
    fn keys_are_checked_before_anything_else() {
        let keys = ApiKeys::new([("exchange", "exchange-key-0123456789")]).unwrap();
        let r = rules(RulesConfig::default(), keys);
        let e = r.admit(Method::Score, None).err().unwrap();
        assert_eq!(e.code, Code::Unauthenticated);
        let e = r
            .admit(Method::ForgetUser, Some(b"Bearer exchange-key-0123456789"))
            .err()
            .unwrap();
        assert_eq!(e.code, Code::PermissionDenied);
        assert_eq!(r.busy(), 0, "a refused call holds no slot");
    }

    #[test]
    fn budgets_count_from_arrival() {
        let r = rules(RulesConfig::default(), ApiKeys::default());
        let now = Instant::now();
        // tmax already spent waiting (arrived 60 ms ago, tmax 50 ms): a no-bid, unscored.
        let scored = r.engine.turns_scored.load(Ordering::Relaxed);
        let arrived = now - Duration::from_millis(60);
        let reply = r
            .unary(Method::Score, &score_bytes("late", 50), arrived, None)
            .unwrap();
        let reply = wire::ScoreResponse::decode(reply.as_slice()).unwrap();
        assert_eq!(reply.reasons, vec![TMAX_EXCEEDED.to_string()]);
        assert_eq!(reply.request_id, "late");
        assert_eq!(r.engine.turns_scored.load(Ordering::Relaxed), scored);
        // Scoring that overruns tmax: the late ads are not sent.
        let slow = format!("{}30", crate::engine::SLEEP_REQUEST_PREFIX);
        let reply = r
            .unary(Method::Score, &score_bytes(&slow, 10), Instant::now(), None)
            .unwrap();
        let reply = wire::ScoreResponse::decode(reply.as_slice()).unwrap();
        assert!(reply.ads.is_empty() && reply.reasons == [TMAX_EXCEEDED]);
        // Too little of the deadline left: DEADLINE_EXCEEDED, not scored.
        let e = r
            .unary(
                Method::Score,
                &score_bytes("x", 0),
                Instant::now(),
                Some(Instant::now() + Duration::from_micros(100)),
            )
            .unwrap_err();
        assert_eq!(e.code, Code::DeadlineExceeded);
        assert!(e.message.contains("too little to score"));
        // Other methods: only a passed deadline stops them.
        let e = r
            .unary(Method::GetAd, b"", Instant::now(), Some(Instant::now()))
            .unwrap_err();
        assert_eq!(e.code, Code::DeadlineExceeded);
    }

    #[test]
    fn errors_map_to_statuses_and_panics_stay_in_their_call() {
        let r = rules(RulesConfig::default(), ApiKeys::default());
        let now = Instant::now();
        let e = r.unary(Method::Score, b"\xff\xff", now, None).unwrap_err();
        assert_eq!(e.code, Code::InvalidArgument);
        assert!(e.message.starts_with("ScoreRequest: "), "{}", e.message);
        let get = wire::GetAdRequest {
            ad_id: "nope".into(),
        }
        .encode_to_vec();
        let e = r.unary(Method::GetAd, &get, now, None).unwrap_err();
        assert_eq!(e.code, Code::NotFound);
        let panic = score_bytes(crate::engine::PANIC_REQUEST_ID, 0);
        let e = r.unary(Method::Score, &panic, now, None).unwrap_err();
        assert_eq!(e, Status::internal(Method::Score));
        assert!(r
            .unary(Method::Score, &score_bytes("ok", 0), now, None)
            .is_ok());
        let turn = wire::ChatTurn { request: None }.encode_to_vec();
        let e = r.chat_turn(&turn, now, None).unwrap_err();
        assert_eq!(e.code, Code::InvalidArgument);
        assert!(e.message.starts_with("request: "));
        let text = r.metrics.render(&r.engine, 0.0);
        assert!(text.contains(r#"chatads_rpcs_total{code="INTERNAL",method="Score"} 1"#));
        assert!(text.contains(r#"chatads_rpcs_total{code="NOT_FOUND",method="GetAd"} 1"#));
    }
}
