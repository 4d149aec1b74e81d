//! Python bindings: thin wrappers over the engine. Every call into the engine
//! goes through [`run`], which releases the GIL, catches panics and maps
//! [`CoreError`] to a specific Python exception, once.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::create_exception;
use pyo3::exceptions::{PyLookupError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::catalog::CatalogConfig;
use crate::engine::{Engine, EngineConfig, Limits, SensitiveTurnAds};
use crate::error::CoreError;
use crate::privacy::consent::ConsentConfig;
use crate::profile::ProfileConfig;
use crate::rank::{PctrCurve, RankConfig};
use crate::server::call::Method;
use crate::server::ops;
use crate::text::hashing::{hash_gathered, HashingConfig, Norm};
use crate::text::weights::TermWeights;
use crate::wire;

mod server;

create_exception!(
    chatads._core,
    InvalidArgumentError,
    PyValueError,
    "A caller-supplied value is malformed or out of range; `.field` names it."
);
create_exception!(
    chatads._core,
    NotFoundError,
    PyLookupError,
    "The named ad (or other thing) does not exist; `.field` names it."
);
create_exception!(
    chatads._core,
    EngineError,
    PyRuntimeError,
    "An unexpected failure inside the engine (a bug, or FAISS)."
);
create_exception!(
    chatads._core,
    UnavailableError,
    EngineError,
    "The shared state store (Redis) cannot be reached: nothing was done; retry later."
);

impl From<CoreError> for PyErr {
    fn from(e: CoreError) -> PyErr {
        Python::attach(|py| {
            let (err, field) = match &e {
                CoreError::InvalidArgument { field, .. } => (
                    InvalidArgumentError::new_err(e.to_string()),
                    Some(field.clone()),
                ),
                CoreError::NotFound { field, .. } => {
                    (NotFoundError::new_err(e.to_string()), Some(field.clone()))
                }
                CoreError::Internal(_) => (EngineError::new_err(e.to_string()), None),
                CoreError::Unavailable(_) => (UnavailableError::new_err(e.to_string()), None),
            };
            // Best effort: the message already names the field.
            let _ = err.value(py).setattr("field", field);
            err
        })
    }
}

/// Runs `f` without the GIL; a panic becomes `EngineError` for this call only.
pub(crate) fn run<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> Result<T, CoreError> + Send,
) -> PyResult<T> {
    let out = py.detach(|| {
        catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(CoreError::Internal(format!("panic: {msg}")))
        })
    });
    out.map_err(PyErr::from)
}

pub(crate) fn now_or(now: Option<f64>) -> f64 {
    now.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    })
}

/// A protobuf call: request bytes in, reply bytes out, through the same
/// operations the gRPC transports run (`server::ops`), without the GIL.
fn pb_call<'py>(
    py: Python<'py>,
    engine: &Arc<Engine>,
    method: Method,
    request: &[u8],
    now: Option<f64>,
) -> PyResult<Bound<'py, PyBytes>> {
    let engine = engine.clone();
    let out = run(py, move || ops::call(&engine, method, request, now_or(now)))?;
    Ok(PyBytes::new(py, &out))
}

/// The `chatads.v1` method of a name, or an invalid argument naming it.
fn method_named(name: &str) -> Result<Method, CoreError> {
    Method::from_name(name)
        .ok_or_else(|| CoreError::invalid("method", format!("no method {name:?}")))
}

fn parse_norm(norm: Option<&str>) -> Result<Norm, CoreError> {
    norm.unwrap_or("none").parse()
}

/// sklearn-compatible hashing of a batch: CSR arrays `(indptr, indices, data)`,
/// `indptr` as `int32` when the values fit (as scipy keeps sklearn's), so
/// that scipy takes the arrays as they are.
#[pyfunction]
#[pyo3(signature = (texts, *, n_features = 1 << 20, ngram_range = (1, 1), alternate_sign = true, norm = Some("l2"), lowercase = true, n_jobs = 1))]
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
fn hash_texts<'py>(
    py: Python<'py>,
    texts: Bound<'py, PyList>,
    n_features: u32,
    ngram_range: (usize, usize),
    alternate_sign: bool,
    norm: Option<&str>,
    lowercase: bool,
    n_jobs: usize,
) -> PyResult<(
    Bound<'py, PyAny>,
    Bound<'py, PyArray1<i32>>,
    Bound<'py, PyArray1<f64>>,
)> {
    let cfg = HashingConfig {
        n_features,
        ngram_range,
        alternate_sign,
        lowercase,
        norm: parse_norm(norm)?,
    };
    cfg.validate()?;
    let n_docs = texts.len();
    let list = texts.unbind();
    // `gather` takes the GIL back to borrow the strings while the hashing
    // threads start (see `hash_gathered`).
    let gather = || {
        Python::attach(|py| {
            let list = list.bind(py);
            (0..list.len())
                .map(|i| {
                    let item = list
                        .get_item(i)
                        .map_err(|e| CoreError::invalid("texts", e.to_string()))?;
                    item.extract::<PyBackedStr>().map_err(|_| {
                        let kind = item
                            .get_type()
                            .name()
                            .map(|n| n.to_string())
                            .unwrap_or_default();
                        CoreError::invalid(
                            format!("texts[{i}]"),
                            format!("must be a str, got {kind}"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, CoreError>>()
        })
    };
    let ((indptr, indices, data), texts) = run(py, || hash_gathered(n_docs, &cfg, n_jobs, gather))?;
    drop(texts);
    let indptr = if indices.len() <= i32::MAX as usize {
        let narrow: Vec<i32> = indptr.into_iter().map(|p| p as i32).collect();
        PyArray1::from_vec(py, narrow).into_any()
    } else {
        PyArray1::from_vec(py, indptr).into_any()
    };
    Ok((
        indptr,
        PyArray1::from_vec(py, indices),
        PyArray1::from_vec(py, data),
    ))
}

/// The semantic text model's WordPiece ids of each text (no special tokens),
/// as the teacher's `tokenizer.json` gives them.
#[pyfunction]
fn wordpiece_ids(py: Python<'_>, texts: Vec<String>) -> PyResult<Vec<Vec<u32>>> {
    let table = crate::text::semantic::StaticEmbeddings::builtin(64)?;
    Ok(py.detach(|| {
        texts
            .iter()
            .map(|t| {
                let mut ids = Vec::new();
                table.tokenize(t, &mut ids);
                ids
            })
            .collect()
    }))
}

/// The semantic text model's pooled static token embeddings alone: `(n, 64)`
/// float32, rows L2-normalised (zeros when no token is known).
#[pyfunction]
fn static_embed<'py>(py: Python<'py>, texts: Vec<String>) -> PyResult<Bound<'py, PyArray2<f32>>> {
    let table = crate::text::semantic::StaticEmbeddings::builtin(64)?;
    let (n, d) = (texts.len(), table.d());
    let flat = py.detach(|| {
        let mut out = vec![0f32; n * d];
        for (row, t) in out.chunks_exact_mut(d).zip(&texts) {
            if let Some(v) = table.embed(t) {
                row.copy_from_slice(&v);
            }
        }
        out
    });
    PyArray1::from_vec(py, flat).reshape([n, d])
}

/// Decodes a TCF v2 TC string into what matters for `vendor_id`; None if it does not decode.
#[pyfunction]
#[pyo3(signature = (tc, *, vendor_id = None))]
fn decode_tc_string<'py>(
    py: Python<'py>,
    tc: &str,
    vendor_id: Option<u16>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let Some(s) = crate::privacy::consent::decode_signals(tc, vendor_id) else {
        return Ok(None);
    };
    let purposes = |bits: u32| {
        (1..=24u32)
            .filter(|p| bits & (1 << (p - 1)) != 0)
            .collect::<Vec<u32>>()
    };
    let d = PyDict::new(py);
    d.set_item("policy_version", s.policy_version)?;
    d.set_item("special_features", purposes(u32::from(s.special_features)))?;
    d.set_item("purposes_consent", purposes(s.purpose_consent))?;
    d.set_item("purposes_li", purposes(s.purpose_li))?;
    d.set_item("vendor_consent", s.vendor_consent)?;
    d.set_item("vendor_li", s.vendor_li)?;
    d.set_item("restriction_not_allowed", purposes(s.not_allowed))?;
    d.set_item("restriction_require_consent", purposes(s.require_consent))?;
    d.set_item("restriction_require_li", purposes(s.require_li))?;
    Ok(Some(d))
}

/// Python-compatible tokens of one text (sklearn's default analyzer).
#[pyfunction]
#[pyo3(signature = (text, *, lowercase = true))]
fn tokenize(text: &str, lowercase: bool) -> Vec<String> {
    crate::text::tokenize::tokenize(text, lowercase)
}

/// The sensitive-category guard (GDPR Art. 9): which special categories a text touches.
#[pyclass(module = "chatads._core", name = "SensitiveGuard", frozen)]
pub struct PySensitiveGuard {
    inner: Arc<crate::privacy::sensitive::SensitiveGuard>,
}

#[pymethods]
impl PySensitiveGuard {
    /// The built-in lexicon, or one given as TSV text (`category, lang, pattern, kind`).
    #[new]
    #[pyo3(signature = (lexicon_tsv = None))]
    fn new(lexicon_tsv: Option<&str>) -> PyResult<Self> {
        let inner = match lexicon_tsv {
            Some(t) => Arc::new(crate::privacy::sensitive::SensitiveGuard::parse(t)?),
            None => crate::privacy::sensitive::SensitiveGuard::builtin()?,
        };
        Ok(Self { inner })
    }

    /// Category names the text touches (empty when none), in a fixed order.
    fn detect(&self, py: Python<'_>, text: &str) -> PyResult<Vec<&'static str>> {
        run(py, || Ok(self.inner.detect(text).names()))
    }

    /// `detect` for many texts at once.
    fn detect_many(&self, py: Python<'_>, texts: Vec<String>) -> PyResult<Vec<Vec<&'static str>>> {
        run(py, || {
            Ok(texts.iter().map(|t| self.inner.detect(t).names()).collect())
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }
}

/// A scored ad, as returned by `Engine.score`.
#[pyclass(module = "chatads._core", name = "ScoredAd", frozen, get_all)]
pub struct PyScoredAd {
    ad_id: String,
    advertiser: String,
    title: String,
    text: String,
    bid_cpm: f64,
    relevance: f32,
    pctr: f32,
    score: f64,
    topics: Vec<(u32, String)>,
    explanation: String,
}

#[pymethods]
impl PyScoredAd {
    fn __repr__(&self) -> String {
        format!(
            "ScoredAd(ad_id={:?}, advertiser={:?}, relevance={:.3}, score={:.4}, topics={:?})",
            self.ad_id, self.advertiser, self.relevance, self.score, self.topics
        )
    }
}

/// The result of scoring one chat turn.
#[pyclass(module = "chatads._core", name = "ScoreResult", frozen, get_all)]
pub struct PyScoreResult {
    request_id: String,
    ads: Vec<Py<PyScoredAd>>,
    personalization: String,
    reasons: Vec<String>,
    profile_updated: bool,
    took_us: u32,
}

#[pymethods]
impl PyScoreResult {
    fn __repr__(&self, py: Python<'_>) -> String {
        let ids: Vec<String> = self.ads.iter().map(|a| a.get().ad_id.clone()).collect();
        let _ = py;
        format!(
            "ScoreResult(personalization={:?}, ads={:?}, reasons={:?})",
            self.personalization, ids, self.reasons
        )
    }
    fn __len__(&self) -> usize {
        self.ads.len()
    }
}

fn to_py_result(py: Python<'_>, r: wire::ScoreResponse) -> PyResult<PyScoreResult> {
    let personalization = r.personalization().as_str_name().to_owned();
    let ads = r
        .ads
        .into_iter()
        .map(|a| {
            Py::new(
                py,
                PyScoredAd {
                    ad_id: a.ad_id,
                    advertiser: a.advertiser,
                    title: a.title,
                    text: a.text,
                    bid_cpm: a.bid_cpm,
                    relevance: a.relevance,
                    pctr: a.pctr,
                    score: a.score,
                    topics: a.topics.into_iter().map(|t| (t.id, t.name)).collect(),
                    explanation: a.explanation,
                },
            )
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyScoreResult {
        request_id: r.request_id,
        ads,
        personalization,
        reasons: r.reasons,
        profile_updated: r.profile_updated,
        took_us: r.took_us,
    })
}

fn opt<'py, T: FromPyObjectOwned<'py>>(
    d: &Bound<'py, PyDict>,
    key: &str,
    field: &str,
) -> PyResult<Option<T>> {
    match d.get_item(key)? {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => v.extract::<T>().map(Some).map_err(|e| {
            let e: PyErr = e.into();
            CoreError::invalid(field, format!("has the wrong type: {e}")).into()
        }),
    }
}

fn ad_from_dict(i: usize, obj: &Bound<'_, PyAny>) -> PyResult<wire::Ad> {
    let d = obj
        .cast::<PyDict>()
        .map_err(|_| PyErr::from(CoreError::invalid(format!("ads[{i}]"), "must be a dict")))?;
    let f = |k: &str| format!("ads[{i}].{k}");
    let known = [
        "sensitive_categories",
        "ad_id",
        "advertiser",
        "title",
        "text",
        "categories",
        "topics",
        "bid_cpm",
        "embedding",
        "tags",
        "campaign",
    ];
    for key in d.keys() {
        let k: String = key.extract().unwrap_or_default();
        if !known.contains(&k.as_str()) {
            return Err(CoreError::invalid(
                format!("ads[{i}]"),
                format!("unknown field {k:?}; known: {}", known.join(", ")),
            )
            .into());
        }
    }
    Ok(wire::Ad {
        ad_id: opt(d, "ad_id", &f("ad_id"))?.unwrap_or_default(),
        advertiser: opt(d, "advertiser", &f("advertiser"))?.unwrap_or_default(),
        title: opt(d, "title", &f("title"))?.unwrap_or_default(),
        text: opt(d, "text", &f("text"))?.unwrap_or_default(),
        categories: opt(d, "categories", &f("categories"))?.unwrap_or_default(),
        topics: opt(d, "topics", &f("topics"))?.unwrap_or_default(),
        bid_cpm: opt(d, "bid_cpm", &f("bid_cpm"))?
            .ok_or_else(|| PyErr::from(CoreError::invalid(f("bid_cpm"), "is required")))?,
        embedding: opt(d, "embedding", &f("embedding"))?.unwrap_or_default(),
        tags: opt(d, "tags", &f("tags"))?.unwrap_or_default(),
        sensitive_categories: opt(d, "sensitive_categories", &f("sensitive_categories"))?
            .unwrap_or_default(),
        campaign: opt(d, "campaign", &f("campaign"))?.unwrap_or_default(),
    })
}

fn ad_to_dict<'py>(
    py: Python<'py>,
    ad: wire::Ad,
    caller_embedding: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("ad_id", ad.ad_id)?;
    d.set_item("advertiser", ad.advertiser)?;
    d.set_item("title", ad.title)?;
    d.set_item("text", ad.text)?;
    d.set_item("categories", ad.categories)?;
    d.set_item("topics", ad.topics)?;
    d.set_item("bid_cpm", ad.bid_cpm)?;
    d.set_item("tags", ad.tags)?;
    d.set_item("sensitive_categories", ad.sensitive_categories)?;
    d.set_item("campaign", ad.campaign)?;
    d.set_item("embedding", PyArray1::from_vec(py, ad.embedding))?;
    d.set_item("caller_embedding", caller_embedding)?;
    Ok(d)
}

/// The engine, shared by every thread of the process.
#[pyclass(module = "chatads._core", name = "Engine", frozen)]
pub struct PyEngine {
    pub(crate) inner: Arc<Engine>,
}

/// Snapshots every `interval` seconds while the engine lives (the thread
/// holds a weak reference and ends with it). A failed snapshot is retried at
/// the next tick; the previous good files stay in place.
fn spawn_snapshotter(engine: std::sync::Weak<Engine>, interval: f64) {
    let tick = std::time::Duration::from_secs_f64(interval.clamp(0.05, 86_400.0));
    let step = std::time::Duration::from_millis(50).min(tick);
    std::thread::Builder::new()
        .name("chatads-snapshot".into())
        .spawn(move || loop {
            let mut waited = std::time::Duration::ZERO;
            while waited < tick {
                std::thread::sleep(step);
                waited += step;
                if engine.strong_count() == 0 {
                    return;
                }
            }
            let Some(e) = engine.upgrade() else { return };
            if let Err(err) = e.snapshot(now_or(None)) {
                eprintln!("chatads: snapshot failed: {err}");
            }
        })
        .expect("spawn the snapshot thread");
}

#[pymethods]
impl PyEngine {
    #[new]
    #[pyo3(signature = (*, secret, word_zipf = Vec::new(), d = 64, seed = 0x00C4_A7AD, n_features = 1 << 20,
        ngram_range = (1, 1), half_life_s = 604_800.0, session_turns = 4, session_ttl_s = 1800.0,
        freq_cap = 2, advertiser_cap = 4, campaign_cap = 3, freq_cap_window_s = 3600.0,
        history_size = 50, history_ttl_s = 604_800.0, minor_ads = "none".to_string(),
        guard_json = "{}".to_string(), control_page_url = String::new(), index_factory = "auto".to_string(), ef_search = 96, ef_construction = 80,
        auto_exact_below = 20_000, min_relevance = 0.2, max_per_advertiser = 1, profile_weight = 0.6,
        context_weight = 0.5, lexical_weight = 0.35, pctr = (0.001, 0.05, 10.0, 0.5), max_message_bytes = 16_384,
        profile_ttl_s = 2_592_000.0, vendor_id = None, gdpr_when_unknown = true,
        contextual_without_consent = false, sensitive_turn_ads = "none".to_string(), data_dir = None, fault_injection = false,
        snapshot_interval_s = 60.0, text_model = "hashing".to_string(), text_mix = (1.0, 1.0, 0.3),
        redis_url = None, redis_timeout_ms = 500, redis_wait_replicas = 0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        secret: Vec<u8>,
        word_zipf: Vec<(String, f32)>,
        d: usize,
        seed: u64,
        n_features: u32,
        ngram_range: (usize, usize),
        half_life_s: f64,
        session_turns: usize,
        session_ttl_s: f64,
        freq_cap: u32,
        advertiser_cap: u32,
        campaign_cap: u32,
        freq_cap_window_s: f64,
        history_size: usize,
        history_ttl_s: f64,
        minor_ads: String,
        guard_json: String,
        control_page_url: String,
        index_factory: String,
        ef_search: usize,
        ef_construction: usize,
        auto_exact_below: usize,
        min_relevance: f32,
        max_per_advertiser: usize,
        profile_weight: f32,
        context_weight: f32,
        lexical_weight: f32,
        pctr: (f32, f32, f32, f32),
        max_message_bytes: usize,
        profile_ttl_s: f64,
        vendor_id: Option<u16>,
        gdpr_when_unknown: bool,
        contextual_without_consent: bool,
        sensitive_turn_ads: String,
        data_dir: Option<std::path::PathBuf>,
        fault_injection: bool,
        snapshot_interval_s: f64,
        text_model: String,
        text_mix: (f32, f32, f32),
        redis_url: Option<String>,
        redis_timeout_ms: u64,
        redis_wait_replicas: u32,
    ) -> PyResult<Self> {
        let text_model = crate::engine::TextModel::parse(&text_model)?;
        let sensitive_turn_ads = match sensitive_turn_ads.as_str() {
            "none" => SensitiveTurnAds::None,
            "profile_only" => SensitiveTurnAds::ProfileOnly,
            other => {
                return Err(CoreError::invalid(
                    "sensitive_turn_ads",
                    format!("must be 'none' or 'profile_only', got {other:?}"),
                )
                .into())
            }
        };
        let guard: crate::engine::GuardConfig = serde_json::from_str(&guard_json)
            .map_err(|e| CoreError::invalid("guard", e.to_string()))?;
        let minor_ads = crate::engine::MinorAds::parse(&minor_ads)?;
        let config = EngineConfig {
            guard,
            minor_ads,
            control_page_url,
            d,
            seed,
            hashing: HashingConfig {
                n_features,
                ngram_range,
                ..Default::default()
            },
            text_model,
            text_mix: crate::text::embed::TextMix {
                semantic: text_mix.0,
                topics: text_mix.1,
                hashing: text_mix.2,
            },
            profile: ProfileConfig {
                half_life_s,
                session_turns,
                session_ttl_s,
                freq_cap,
                advertiser_cap,
                campaign_cap,
                freq_cap_window_s,
                history_size,
                history_ttl_s,
                profile_ttl_s,
            },
            catalog: CatalogConfig {
                index_factory,
                ef_search,
                ef_construction,
                auto_exact_below,
                ..Default::default()
            },
            rank: RankConfig {
                pctr: PctrCurve {
                    floor: pctr.0,
                    max: pctr.1,
                    slope: pctr.2,
                    midpoint: pctr.3,
                },
                min_relevance,
                max_per_advertiser,
                profile_weight,
                context_weight,
                lexical_weight,
                ..Default::default()
            },
            limits: Limits {
                max_message_bytes,
                ..Default::default()
            },
            consent: ConsentConfig {
                vendor_id,
                gdpr_when_unknown,
                contextual_without_consent,
                ..Default::default()
            },
            sensitive_turn_ads,
            data_dir,
            store: crate::engine::StoreConfig {
                redis_url: redis_url.filter(|u| !u.is_empty()),
                timeout_ms: redis_timeout_ms,
                wait_replicas: redis_wait_replicas,
            },
            secret,
            fault_injection,
        };
        let engine = run(py, move || {
            let weights = TermWeights::from_zipf(word_zipf.iter().map(|(w, z)| (w.as_str(), *z)));
            Engine::new(config, weights)
        })?;
        let inner = Arc::new(engine);
        let shared = inner.shared.is_some();
        if (inner.config.data_dir.is_some() || shared) && snapshot_interval_s > 0.0 {
            spawn_snapshotter(Arc::downgrade(&inner), snapshot_interval_s);
        }
        if shared {
            crate::engine::spawn_catalog_follower(Arc::downgrade(&inner));
        }
        Ok(Self { inner })
    }

    /// Writes the catalog and profile snapshots now (atomically; no-op without
    /// a data directory).
    #[pyo3(signature = (*, now = None))]
    fn snapshot(&self, py: Python<'_>, now: Option<f64>) -> PyResult<()> {
        let engine = self.inner.clone();
        run(py, move || engine.snapshot(now_or(now)))
    }

    /// What start-up recovery found: damaged or missing files and fallbacks.
    fn recovery_report(&self) -> Vec<String> {
        self.inner.recovery.clone()
    }

    #[getter]
    fn d(&self) -> usize {
        self.inner.config.d
    }

    #[getter]
    fn n_features(&self) -> u32 {
        self.inner.config.hashing.n_features
    }

    /// Scores one chat turn (and learns from it, when allowed).
    #[pyo3(signature = (user_id, session_id, message, *, max_ads = 5, bcat = Vec::new(), badv = Vec::new(),
        request_id = String::new(), gdpr = None, consent = String::new(), gpp = String::new(),
        gpp_sid = Vec::new(), coppa = false, user_is_minor = false, now = None))]
    #[allow(clippy::too_many_arguments)]
    fn score(
        &self,
        py: Python<'_>,
        user_id: String,
        session_id: String,
        message: String,
        max_ads: u32,
        bcat: Vec<String>,
        badv: Vec<String>,
        request_id: String,
        gdpr: Option<i32>,
        consent: String,
        gpp: String,
        gpp_sid: Vec<i32>,
        coppa: bool,
        user_is_minor: bool,
        now: Option<f64>,
    ) -> PyResult<PyScoreResult> {
        let req = wire::ScoreRequest {
            request_id,
            user_id,
            session_id,
            message,
            max_ads,
            bcat,
            badv,
            consent,
            user_is_minor,
            regs: Some(wire::Regs {
                gdpr,
                coppa: i32::from(coppa),
                gpp,
                gpp_sid,
            }),
            ..Default::default()
        };
        let engine = self.inner.clone();
        let resp = run(py, move || engine.score(&req, now_or(now)))?;
        to_py_result(py, resp)
    }

    /// `ScoreRequest` bytes in, `ScoreResponse` bytes out (the gRPC path).
    #[pyo3(signature = (request, *, now = None))]
    fn score_pb<'py>(
        &self,
        py: Python<'py>,
        request: &[u8],
        now: Option<f64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        pb_call(py, &self.inner, Method::Score, request, now)
    }

    /// `ChatTurn` bytes in, `ScoreResponse` bytes out (one turn of a Chat stream).
    #[pyo3(signature = (turn, *, now = None))]
    fn chat_turn_pb<'py>(
        &self,
        py: Python<'py>,
        turn: &[u8],
        now: Option<f64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        pb_call(py, &self.inner, Method::Chat, turn, now)
    }

    /// Adds a turn to the profile and session without scoring.
    #[pyo3(signature = (user_id, session_id, message, *, now = None))]
    fn ingest(
        &self,
        py: Python<'_>,
        user_id: PyBackedStr,
        session_id: PyBackedStr,
        message: PyBackedStr,
        now: Option<f64>,
    ) -> PyResult<bool> {
        let engine = self.inner.clone();
        run(py, move || {
            engine.ingest(&user_id, &session_id, &message, now_or(now))
        })
    }

    /// Inserts or replaces ads given as dicts; all or nothing.
    fn upsert_ads(&self, py: Python<'_>, ads: &Bound<'_, PyAny>) -> PyResult<usize> {
        let list = ads
            .cast::<PyList>()
            .map_err(|_| PyErr::from(CoreError::invalid("ads", "must be a list of dicts")))?;
        let parsed = list
            .iter()
            .enumerate()
            .map(|(i, a)| ad_from_dict(i, &a))
            .collect::<PyResult<Vec<_>>>()?;
        let engine = self.inner.clone();
        run(py, move || engine.upsert_ads(parsed))
    }

    fn upsert_ads_pb<'py>(&self, py: Python<'py>, request: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        pb_call(py, &self.inner, Method::UpsertAds, request, None)
    }

    /// Deletes ads by id; an unknown id raises `NotFoundError` and deletes nothing.
    fn delete_ads(&self, py: Python<'_>, ad_ids: Vec<String>) -> PyResult<usize> {
        let engine = self.inner.clone();
        run(py, move || engine.delete_ads(&ad_ids))
    }

    fn delete_ads_pb<'py>(&self, py: Python<'py>, request: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        pb_call(py, &self.inner, Method::DeleteAds, request, None)
    }

    fn get_ad<'py>(&self, py: Python<'py>, ad_id: String) -> PyResult<Bound<'py, PyDict>> {
        let engine = self.inner.clone();
        let (ad, caller) = run(py, move || {
            let caller = engine
                .catalog
                .get(&ad_id)
                .is_some_and(|r| r.caller_embedding);
            Ok((engine.get_ad(&ad_id)?, caller))
        })?;
        ad_to_dict(py, ad, caller)
    }

    fn get_ad_pb<'py>(&self, py: Python<'py>, request: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        pb_call(py, &self.inner, Method::GetAd, request, None)
    }

    /// Embeds texts into an `(n, d)` float32 array (rows of zeros for texts with nothing to embed).
    fn embed_texts<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
    ) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let engine = self.inner.clone();
        let d = engine.config.d;
        let n = texts.len();
        let flat = run(py, move || {
            let mut out = vec![0f32; n * d];
            for (row, t) in out.chunks_exact_mut(d).zip(&texts) {
                if let (Some(v), _) = engine.embedder.embed(t) {
                    row.copy_from_slice(&v);
                }
            }
            Ok(out)
        })?;
        PyArray1::from_vec(py, flat).reshape([n, d])
    }

    /// Raw ANN search: up to `k` (ad_id, inner product) for a query vector.
    fn search(
        &self,
        py: Python<'_>,
        query: PyReadonlyArray1<'_, f32>,
        k: usize,
    ) -> PyResult<Vec<(String, f32)>> {
        let engine = self.inner.clone();
        // One copy of d floats out of the array, so the GIL can be released.
        let query: Vec<f32> = query.as_slice().map_or_else(
            |_| query.as_array().iter().copied().collect(),
            <[f32]>::to_vec,
        );
        run(py, move || {
            if query.len() != engine.config.d {
                return Err(CoreError::invalid(
                    "query",
                    format!(
                        "has dimension {}, the engine's is {}",
                        query.len(),
                        engine.config.d
                    ),
                ));
            }
            if k == 0 || k > 10_000 {
                return Err(CoreError::invalid(
                    "k",
                    format!("must be in 1..=10000, got {k}"),
                ));
            }
            let hits = engine.catalog.search(&query, k)?;
            Ok(hits
                .into_iter()
                .filter_map(|(s, x)| engine.catalog.by_slot(s).map(|a| (a.ad_id.clone(), x)))
                .take(k)
                .collect())
        })
    }

    /// Deletes everything held about a user (profile, sessions, counters).
    #[pyo3(signature = (user_id, *, now = None))]
    fn forget_user(&self, py: Python<'_>, user_id: String, now: Option<f64>) -> PyResult<bool> {
        let engine = self.inner.clone();
        run(py, move || engine.forget_user(&user_id, now_or(now)))
    }

    /// Opts a user out of (or back into) profiling; opting out deletes the profile.
    #[pyo3(signature = (user_id, opted_out, *, now = None))]
    fn set_opt_out(
        &self,
        py: Python<'_>,
        user_id: String,
        opted_out: bool,
        now: Option<f64>,
    ) -> PyResult<bool> {
        let engine = self.inner.clone();
        run(py, move || {
            engine.set_opt_out(&user_id, opted_out, now_or(now))
        })
    }

    fn is_opted_out(&self, user_id: &str) -> PyResult<bool> {
        Ok(self.inner.is_opted_out(user_id)?)
    }

    /// Any `chatads.v1` unary call by method name: request bytes in, reply
    /// bytes out (the dispatch both transports use).
    #[pyo3(signature = (method, request, *, now = None))]
    fn call_pb<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        request: &[u8],
        now: Option<f64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        pb_call(py, &self.inner, method_named(method)?, request, now)
    }

    /// A Privacy call about the user of a control link (the request's
    /// `user_id` left empty); the token is checked on every call.
    #[pyo3(signature = (token, method, request, *, now = None))]
    fn link_call_pb<'py>(
        &self,
        py: Python<'py>,
        token: &str,
        method: &str,
        request: &[u8],
        now: Option<f64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let m = method_named(method)?;
        let engine = self.inner.clone();
        let out = run(py, move || {
            ops::call_as(&engine, m, request, ops::Subject::Link(token), now_or(now))
        })?;
        Ok(PyBytes::new(py, &out))
    }

    /// Raises ValueError (naming why) unless the control link token is valid now.
    #[pyo3(signature = (token, *, now = None))]
    fn check_link(&self, token: &str, now: Option<f64>) -> PyResult<()> {
        self.inner.link_user(token, now_or(now))?;
        Ok(())
    }

    /// `Privacy` service calls: request bytes in, response bytes out.
    #[pyo3(signature = (request, *, now = None))]
    fn get_profile_pb<'py>(
        &self,
        py: Python<'py>,
        request: &[u8],
        now: Option<f64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        pb_call(py, &self.inner, Method::GetProfile, request, now)
    }

    #[pyo3(signature = (request, *, now = None))]
    fn forget_user_pb<'py>(
        &self,
        py: Python<'py>,
        request: &[u8],
        now: Option<f64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        pb_call(py, &self.inner, Method::ForgetUser, request, now)
    }

    #[pyo3(signature = (request, *, now = None))]
    fn set_opt_out_pb<'py>(
        &self,
        py: Python<'py>,
        request: &[u8],
        now: Option<f64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        pb_call(py, &self.inner, Method::SetOptOut, request, now)
    }

    #[pyo3(signature = (request, *, now = None))]
    fn explain_ad_pb<'py>(
        &self,
        py: Python<'py>,
        request: &[u8],
        now: Option<f64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        pb_call(py, &self.inner, Method::ExplainAd, request, now)
    }

    /// What is held about a user, or None.
    #[pyo3(signature = (user_id, *, now = None))]
    fn profile<'py>(
        &self,
        py: Python<'py>,
        user_id: String,
        now: Option<f64>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let engine = self.inner.clone();
        let hl = engine.config.profile.half_life_s;
        let now = now_or(now);
        let Some(p) = run(py, || engine.profile(&user_id, now))? else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("vector", PyArray1::from_vec(py, p.vector_at(now, hl)))?;
        let topics: Vec<(u32, String, f32)> = p
            .topics_at(now, hl)
            .into_iter()
            .map(|(t, w)| {
                let topic = engine.topics.get(t);
                (topic.id, topic.path.clone(), w)
            })
            .collect();
        d.set_item("topics", topics)?;
        d.set_item("updated_at", p.updated_at)?;
        d.set_item("created_at", p.created_at())?;
        d.set_item("turns", p.turns)?;
        Ok(Some(d))
    }

    /// Counters: ads, indexed, fresh, rebuilds, index factory, profiles, sessions.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.inner.catalog.stats();
        let d = PyDict::new(py);
        d.set_item("ads", s.live)?;
        d.set_item("indexed", s.indexed)?;
        d.set_item("fresh", s.fresh)?;
        d.set_item("rebuilds", s.rebuilds)?;
        d.set_item("index_factory", s.factory)?;
        d.set_item("profiles", self.inner.profiles.n_profiles())?;
        d.set_item("sessions", self.inner.profiles.n_sessions())?;
        d.set_item("snapshot_age_s", self.inner.snapshot_age_s(now_or(None)))?;
        match &self.inner.shared {
            None => d.set_item("store", "embedded")?,
            Some(sh) => {
                use std::sync::atomic::Ordering::Relaxed;
                let st = &sh.store.stats;
                d.set_item("store", "redis")?;
                d.set_item("store_reads", st.reads.load(Relaxed))?;
                d.set_item("store_writes", st.writes.load(Relaxed))?;
                d.set_item("store_privacy_writes", st.privacy.load(Relaxed))?;
                d.set_item("store_catalog_calls", st.catalog.load(Relaxed))?;
                d.set_item("store_failures", st.failures.load(Relaxed))?;
                d.set_item("store_users_in_flight", sh.users_in_flight())?;
            }
        }
        d.set_item(
            "turns_scored",
            self.inner
                .turns_scored
                .load(std::sync::atomic::Ordering::Relaxed),
        )?;
        Ok(d)
    }

    /// Folds recent catalog writes into the FAISS index now (normally automatic).
    #[pyo3(signature = (*, full = false))]
    fn rebuild_index(&self, py: Python<'_>, full: bool) -> PyResult<()> {
        let engine = self.inner.clone();
        run(py, move || engine.catalog.fold(full))
    }

    /// Drops expired sessions and profiles; returns how many of each.
    #[pyo3(signature = (*, now = None))]
    fn sweep(&self, py: Python<'_>, now: Option<f64>) -> PyResult<(usize, usize)> {
        let engine = self.inner.clone();
        run(py, move || Ok(engine.profiles.sweep(now_or(now))))
    }

    /// Topics taxonomy as (id, path) pairs.
    fn topics(&self) -> Vec<(u32, String)> {
        self.inner
            .topics
            .all()
            .iter()
            .map(|t| (t.id, t.path.clone()))
            .collect()
    }

    fn __len__(&self) -> usize {
        self.inner.catalog.len()
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyEngine>()?;
    m.add_class::<PyScoreResult>()?;
    m.add_class::<PyScoredAd>()?;
    m.add_class::<PySensitiveGuard>()?;
    m.add_class::<server::PyApiKeys>()?;
    m.add_class::<server::PyAdmittedCall>()?;
    m.add_class::<server::PyServerRules>()?;
    m.add_class::<server::PyNativeServer>()?;
    m.add_function(wrap_pyfunction!(server::configure_logging, m)?)?;
    m.add(
        "SENSITIVE_CATEGORIES",
        crate::privacy::sensitive::CATEGORIES.to_vec(),
    )?;
    m.add(
        "SENSITIVE_LEXICON_TSV",
        crate::privacy::sensitive::LEXICON_TSV,
    )?;
    m.add_function(wrap_pyfunction!(hash_texts, m)?)?;
    m.add_function(wrap_pyfunction!(tokenize, m)?)?;
    m.add_function(wrap_pyfunction!(wordpiece_ids, m)?)?;
    m.add_function(wrap_pyfunction!(static_embed, m)?)?;
    m.add_function(wrap_pyfunction!(decode_tc_string, m)?)?;
    m.add(
        "InvalidArgumentError",
        py.get_type::<InvalidArgumentError>(),
    )?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("UnavailableError", py.get_type::<UnavailableError>())?;
    m.add("EngineError", py.get_type::<EngineError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("TAXONOMY_TSV", crate::text::topics::TAXONOMY_TSV)?;
    m.add("LEXICON_TSV", crate::text::topics::LEXICON_TSV)?;
    Ok(())
}
