//! The server's Prometheus metrics: one registry, whichever transport records
//! into it. Per-call figures are updated on the call path (an atomic add
//! each); engine figures are read from the engine when Prometheus scrapes.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, Ordering};

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

use super::call::{Method, Status};
use crate::engine::Engine;
use crate::wire;

/// Latency buckets, in seconds: 100 µs to 2.5 s.
const LATENCY_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

pub struct Metrics {
    registry: Registry,
    latency: HistogramVec,
    calls: IntCounterVec,
    basis: IntCounterVec,
    reasons: IntCounterVec,
    /// Unary calls being served (Chat streams are counted apart).
    pub in_flight: AtomicI64,
    /// Chat streams open.
    pub open_streams: AtomicI64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "chatads_rpc_duration_seconds",
                "server time per call (per turn for Chat), from arrival, by method",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method"],
        )
        .expect("valid histogram");
        let calls = IntCounterVec::new(
            Opts::new(
                "chatads_rpcs_total",
                "finished calls by method and status code",
            ),
            &["method", "code"],
        )
        .expect("valid counter");
        let basis = IntCounterVec::new(
            Opts::new(
                "chatads_score_personalization_total",
                "Score responses and Chat turns by basis (PERSONALIZED, CONTEXTUAL, NONE)",
            ),
            &["basis"],
        )
        .expect("valid counter");
        let reasons = IntCounterVec::new(
            Opts::new(
                "chatads_score_reasons_total",
                "consent and selection outcomes (ScoreResponse.reasons), one count per reason",
            ),
            &["reason"],
        )
        .expect("valid counter");
        for c in [
            Box::new(latency.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(calls.clone()),
            Box::new(basis.clone()),
            Box::new(reasons.clone()),
        ] {
            registry.register(c).expect("metric names are unique");
        }
        Self {
            registry,
            latency,
            calls,
            basis,
            reasons,
            in_flight: AtomicI64::new(0),
            open_streams: AtomicI64::new(0),
        }
    }

    pub fn observe_latency(&self, method: Method, seconds: f64) {
        self.latency
            .with_label_values(&[method.name()])
            .observe(seconds);
    }

    pub fn count_call(&self, method: Method, code: tonic::Code) {
        self.calls
            .with_label_values(&[method.name(), Status::code_name(code)])
            .inc();
    }

    /// The basis and reasons of one scored turn.
    pub fn observe_score(&self, reply: &wire::ScoreResponse) {
        let basis = wire::Personalization::try_from(reply.personalization)
            .map_or("UNKNOWN", |p| p.as_str_name());
        self.basis.with_label_values(&[basis]).inc();
        for reason in &reply.reasons {
            self.reasons.with_label_values(&[reason.as_str()]).inc();
        }
    }

    /// The Prometheus text exposition of every metric, engine figures included.
    pub fn render(&self, engine: &Engine, now: f64) -> String {
        let mut buf = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut buf)
            .expect("text encoding never fails");
        let mut out = String::from_utf8(buf).expect("prometheus text is UTF-8");
        let s = engine.catalog.stats();
        // Families with labels, written after the others.
        let mut labelled = String::new();
        let mut figure = |name: &str, kind: &str, help: &str, value: f64| {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            );
        };
        figure(
            "chatads_rpcs_in_flight",
            "gauge",
            "unary calls being served",
            self.in_flight.load(Ordering::Relaxed) as f64,
        );
        figure(
            "chatads_chat_streams_open",
            "gauge",
            "Chat streams open",
            self.open_streams.load(Ordering::Relaxed) as f64,
        );
        figure(
            "chatads_catalog_ads",
            "gauge",
            "ads in the catalog",
            s.live as f64,
        );
        figure(
            "chatads_catalog_indexed_ads",
            "gauge",
            "ads in the ANN index",
            s.indexed as f64,
        );
        figure(
            "chatads_catalog_fresh_ads",
            "gauge",
            "ads written since the last index build",
            s.fresh as f64,
        );
        figure(
            "chatads_index_rebuilds_total",
            "counter",
            "index builds and folds since start",
            s.rebuilds as f64,
        );
        figure(
            "chatads_profiles",
            "gauge",
            "interest profiles held",
            engine.profiles.n_profiles() as f64,
        );
        figure(
            "chatads_sessions",
            "gauge",
            "live chat sessions held",
            engine.profiles.n_sessions() as f64,
        );
        figure(
            "chatads_turns_scored_total",
            "counter",
            "turns that reached scoring since start",
            engine.turns_scored.load(Ordering::Relaxed) as f64,
        );
        if let Some(shared) = &engine.shared {
            let st = &shared.store.stats;
            figure(
                "chatads_store_failures_total",
                "counter",
                "calls that found the shared state store unreachable",
                st.failures.load(Ordering::Relaxed) as f64,
            );
            let name = "chatads_store_round_trips_total";
            let _ = write!(
                labelled,
                "# HELP {name} round trips to the shared state store (Redis), by kind\n\
                 # TYPE {name} counter\n"
            );
            for (kind, n) in [
                ("read", &st.reads),
                ("write", &st.writes),
                ("privacy", &st.privacy),
                ("catalog", &st.catalog),
            ] {
                let _ = writeln!(
                    labelled,
                    "{name}{{kind=\"{kind}\"}} {}",
                    n.load(Ordering::Relaxed)
                );
            }
        }
        if let Some(age) = engine.snapshot_age_s(now) {
            figure(
                "chatads_snapshot_age_seconds",
                "gauge",
                "seconds since the last profile snapshot was written",
                age,
            );
        }
        out.push_str(&labelled);
        out
    }
}
