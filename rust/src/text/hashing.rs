//! Feature hashing compatible with scikit-learn's `HashingVectorizer`:
//! signed MurmurHash3-32 (seed 0) of each UTF-8 token or word n-gram, index
//! `abs(h) % n_features`, sign from `h >= 0` when `alternate_sign` is on,
//! duplicates summed, then optional l1/l2 normalisation.

use super::tokenize::{for_each_token, lowercase_in};
use crate::error::CoreError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Row normalisation applied after hashing, as sklearn's `norm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Norm {
    None,
    L1,
    L2,
}

impl std::str::FromStr for Norm {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, CoreError> {
        match s {
            "l2" => Ok(Norm::L2),
            "l1" => Ok(Norm::L1),
            "none" | "" => Ok(Norm::None),
            other => Err(CoreError::invalid(
                "norm",
                format!("must be 'l1', 'l2' or None, got {other:?}"),
            )),
        }
    }
}

/// The hashing parameters (sklearn names).
#[derive(Clone, Debug)]
pub struct HashingConfig {
    pub n_features: u32,
    pub ngram_range: (usize, usize),
    pub alternate_sign: bool,
    pub lowercase: bool,
    pub norm: Norm,
}

impl Default for HashingConfig {
    fn default() -> Self {
        Self {
            n_features: 1 << 20,
            ngram_range: (1, 1),
            alternate_sign: true,
            lowercase: true,
            norm: Norm::L2,
        }
    }
}

impl HashingConfig {
    pub fn validate(&self) -> Result<(), CoreError> {
        if self.n_features == 0 || self.n_features > i32::MAX as u32 {
            return Err(CoreError::invalid(
                "n_features",
                format!("must be in 1..=2147483647, got {}", self.n_features),
            ));
        }
        let (lo, hi) = self.ngram_range;
        if lo == 0 || hi < lo || hi > 8 {
            return Err(CoreError::invalid(
                "ngram_range",
                format!("must be (min_n, max_n) with 1 <= min_n <= max_n <= 8, got ({lo}, {hi})"),
            ));
        }
        Ok(())
    }
}

/// sklearn's `murmurhash3_32(key, seed=0, positive=False)` of the UTF-8 bytes.
#[inline]
pub fn murmur3_signed(token: &[u8]) -> i32 {
    // `mur3` hashes a slice directly (the `murmur3` crate reads through
    // `io::Read`, which cost 4 % of a chat turn).
    mur3::murmurhash3_x86_32(token, 0) as i32
}

/// Column index and sign of a hashed feature, exactly as sklearn's
/// `_hashing_fast.transform` computes them (including its `i32::MIN` case).
#[inline]
pub fn index_and_sign(h: i32, n_features: u32, alternate_sign: bool) -> (u32, f64) {
    let index = if h == i32::MIN {
        let n = n_features as i64;
        ((2_147_483_647i64 - (n - 1)) % n) as u32
    } else if n_features.is_power_of_two() {
        // The usual sizes (sklearn's default is 2^20): a mask, not a division.
        h.unsigned_abs() & (n_features - 1)
    } else {
        h.unsigned_abs() % n_features
    };
    let sign = if alternate_sign && h < 0 { -1.0 } else { 1.0 };
    (index, sign)
}

/// Calls `f` with every feature string of `lower` (tokens, then word n-grams
/// joined by one space, the order sklearn's `_word_ngrams` produces).
pub fn for_each_feature(lower: &str, ngram_range: (usize, usize), mut f: impl FnMut(&str)) {
    let (min_n, max_n) = ngram_range;
    if max_n == 1 {
        for_each_token(lower, f);
        return;
    }
    let mut tokens: Vec<&str> = Vec::new();
    for_each_token(lower, |t| tokens.push(t));
    if min_n == 1 {
        tokens.iter().for_each(|t| f(t));
    }
    let mut buf = String::new();
    for n in min_n.max(2)..=max_n.min(tokens.len()) {
        for window in tokens.windows(n) {
            buf.clear();
            for (i, t) in window.iter().enumerate() {
                if i > 0 {
                    buf.push(' ');
                }
                buf.push_str(t);
            }
            f(&buf);
        }
    }
}

/// Buffers one thread reuses from document to document, so that hashing a
/// batch allocates only its output (per-document allocations made two threads
/// wait on the allocator's locks and on page faults).
#[derive(Default)]
pub struct Scratch {
    lower: String,
    pairs: Vec<(u32, f64)>,
}

/// One document hashed: sorted column indices and their summed values
/// (explicit zeros kept where opposite signs cancel, as sklearn keeps them).
/// Indices are `i32`, as scipy's CSR wants them (`n_features <= i32::MAX`).
pub fn hash_document(
    text: &str,
    cfg: &HashingConfig,
    scratch: &mut Scratch,
    out_idx: &mut Vec<i32>,
    out_val: &mut Vec<f64>,
) {
    let Scratch { lower, pairs } = scratch;
    let text: &str = if cfg.lowercase {
        lowercase_in(text, lower)
    } else {
        text
    };
    pairs.clear();
    for_each_feature(text, cfg.ngram_range, |feat| {
        let h = murmur3_signed(feat.as_bytes());
        pairs.push(index_and_sign(h, cfg.n_features, cfg.alternate_sign));
    });
    pairs.sort_unstable_by_key(|p| p.0);
    let start = out_idx.len();
    for &(idx, v) in pairs.iter() {
        let idx = idx as i32;
        if out_idx.len() > start && *out_idx.last().expect("non-empty") == idx {
            *out_val.last_mut().expect("non-empty") += v;
        } else {
            out_idx.push(idx);
            out_val.push(v);
        }
    }
    let vals = &mut out_val[start..];
    let norm = match cfg.norm {
        Norm::None => return,
        Norm::L1 => vals.iter().map(|v| v.abs()).sum::<f64>(),
        Norm::L2 => vals.iter().map(|v| v * v).sum::<f64>().sqrt(),
    };
    if norm > 0.0 {
        vals.iter_mut().for_each(|v| *v /= norm);
    }
}

/// Below this many values the shares are joined on one thread.
const PARALLEL_COPY_MIN: usize = 1 << 18;

/// CSR arrays as scipy takes them: `indptr`, `indices`, `data`.
pub type Csr = (Vec<i64>, Vec<i32>, Vec<f64>);

/// A batch hashed into CSR arrays.
pub fn hash_documents<S: AsRef<str>>(texts: &[S], cfg: &HashingConfig) -> Csr {
    let bytes: usize = texts.iter().map(|t| t.as_ref().len()).sum();
    let values = values_for(bytes, texts.len(), cfg);
    let mut indptr = Vec::with_capacity(texts.len() + 1);
    let mut indices = Vec::with_capacity(values);
    let mut data = Vec::with_capacity(values);
    let mut scratch = Scratch::default();
    indptr.push(0);
    for t in texts {
        hash_document(t.as_ref(), cfg, &mut scratch, &mut indices, &mut data);
        indptr.push(indices.len() as i64);
    }
    (indptr, shrunk(indices), shrunk(data))
}

/// How many values to reserve for hashing `bytes` of text in `docs`
/// documents: the word features there can be (a token is two characters
/// and a separator at least), so that the arrays are not copied as they
/// grow. Reserved pages that stay unused are never touched, so cost nothing.
/// Past [`RESERVE_MAX`] values (192 MB), and for word n-grams, which can need
/// more, the arrays grow as usual: a reservation never asks for much more
/// memory than the result needs.
fn values_for(bytes: usize, docs: usize, cfg: &HashingConfig) -> usize {
    if cfg.ngram_range == (1, 1) {
        (bytes / 3 + docs).min(RESERVE_MAX)
    } else {
        0
    }
}

/// The most values [`values_for`] reserves.
const RESERVE_MAX: usize = 1 << 24;

/// `v` without the room [`values_for`] reserved and it did not use (the
/// arrays go to numpy as they are; shrinking gives the pages back without a copy).
fn shrunk<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

/// One thread's output while hashing a batch in parallel: its documents'
/// CSR arrays in the order it hashed them, and the runs of documents it
/// hashed (`indptr` positions `p..q`), in document order.
struct Lane {
    csr: Csr,
    runs: Vec<(usize, usize)>,
}

/// Documents a lane claims at a time from its end of a region.
const CLAIM: usize = 16;

/// [`hash_gathered`] of documents already at hand: the result is identical to
/// [`hash_documents`]'s (the Rust tests' way in; the Python layer gathers its own).
pub fn hash_documents_parallel(texts: &[&str], cfg: &HashingConfig, jobs: usize) -> Csr {
    let gather = || Ok::<_, std::convert::Infallible>(texts.to_vec());
    match hash_gathered(texts.len(), cfg, jobs, gather) {
        Ok((csr, _)) => csr,
        Err(never) => match never {},
    }
}

/// [`hash_documents`] on up to `jobs` threads, of the documents `gather`
/// produces; the result is identical to the one-thread result, and the
/// documents are handed back with it. `n_docs` (how many `gather` is expected
/// to produce) sizes the thread count.
///
/// The helper threads are started first and wait, spinning, for the
/// documents: a thread takes 100–250 µs to start on an idle vCPU, and
/// `gather` (where the Python layer borrows its strings, under the GIL) takes
/// about as long for a large batch, so the two overlap instead of adding up.
///
/// The batch is cut by bytes into `jobs / 2` regions (rounded up); two threads
/// hash a region from its two ends towards each other, so they finish
/// together whatever each document costs. The calling thread hashes the front
/// of the first region itself, and its arrays become the result, to which the
/// rest is appended (on several threads when that is large), so no step that
/// grows with the batch runs on one thread alone.
pub fn hash_gathered<S, E>(
    n_docs: usize,
    cfg: &HashingConfig,
    jobs: usize,
    gather: impl FnOnce() -> Result<Vec<S>, E>,
) -> Result<(Csr, Vec<S>), E>
where
    S: AsRef<str> + Send + Sync,
{
    // Below a few hundred documents a thread costs more than it saves.
    let jobs = jobs.clamp(1, n_docs.div_ceil(256).max(1));
    if jobs == 1 {
        let texts = gather()?;
        return Ok((hash_documents(&texts, cfg), texts));
    }
    // `None` once published: `gather` failed (or panicked), nothing to hash.
    let plan: OnceLock<Option<Plan<S>>> = OnceLock::new();
    let csr = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..jobs)
            .map(|lane| {
                let plan = &plan;
                scope.spawn(move || spin_until_set(plan).as_ref().map(|p| p.lane(lane, cfg)))
            })
            .collect();
        // Whatever happens to `gather`, the helpers are released.
        struct Release<'a, S>(&'a OnceLock<Option<Plan<S>>>);
        impl<S> Drop for Release<'_, S> {
            fn drop(&mut self) {
                let _ = self.0.set(None);
            }
        }
        let release = Release(&plan);
        let texts = gather()?;
        let _ = plan.set(Some(Plan::new(texts, jobs)));
        drop(release);
        let p = plan
            .get()
            .and_then(Option::as_ref)
            .expect("the plan was just published");
        let first = p.lane(0, cfg);
        let lanes: Vec<Lane> = std::iter::once(first)
            .chain(helpers.into_iter().map(|h| {
                h.join()
                    .expect("hashing does not panic")
                    .expect("the plan was published")
            }))
            .collect();
        Ok(join_lanes(lanes, p.texts.len()))
    })?;
    let texts = plan
        .into_inner()
        .flatten()
        .map(|p| p.texts)
        .expect("the plan was published");
    Ok((csr, texts))
}

/// Spins on `cell` for about as long as `gather` takes on a large batch
/// (a few hundred µs), then blocks.
fn spin_until_set<T>(cell: &OnceLock<T>) -> &T {
    for _ in 0..1 << 14 {
        if let Some(v) = cell.get() {
            return v;
        }
        std::hint::spin_loop();
    }
    cell.wait()
}

/// A batch cut for [`hash_gathered`]'s lanes: lane `2r` hashes region `r`
/// from the front, lane `2r + 1` (when there is one) from the back.
struct Plan<S> {
    texts: Vec<S>,
    /// Each region's documents, `lo..hi`, and their bytes.
    regions: Vec<(usize, usize, usize)>,
    /// The bytes of them all (a separator counted after each document).
    total: usize,
    /// Per region, front (lo 32 bits) and back (hi 32 bits): the next
    /// document each end would claim; the ends meet when front == back.
    ends: Vec<AtomicU64>,
    jobs: usize,
}

impl<S: AsRef<str>> Plan<S> {
    fn new(texts: Vec<S>, jobs: usize) -> Self {
        let n_regions = jobs.div_ceil(2);
        let total: usize = texts.iter().map(|t| t.as_ref().len() + 1).sum();
        let mut regions = Vec::with_capacity(n_regions);
        let (mut start, mut seen, mut cut) = (0, 0, 0);
        for (i, t) in texts.iter().enumerate() {
            seen += t.as_ref().len() + 1;
            if seen * n_regions >= total * (regions.len() + 1) && regions.len() + 1 < n_regions {
                regions.push((start, i + 1, seen - cut));
                (start, cut) = (i + 1, seen);
            }
        }
        regions.push((start, texts.len(), seen - cut));
        // Fewer documents than regions: the missing regions are empty.
        regions.resize(n_regions, (texts.len(), texts.len(), 0));
        let ends = regions
            .iter()
            .map(|&(lo, hi, _)| AtomicU64::new(((hi - lo) as u64) << 32))
            .collect();
        Self {
            texts,
            regions,
            total,
            ends,
            jobs,
        }
    }

    fn lane(&self, lane: usize, cfg: &HashingConfig) -> Lane {
        let r = lane / 2;
        let (lo, hi, bytes) = self.regions[r];
        let both = 2 * r + 1 < self.jobs;
        // Lane 0's arrays become the result: room for the whole batch.
        let values = if lane == 0 {
            values_for(self.total, self.texts.len(), cfg)
        } else {
            values_for(bytes, hi - lo, cfg) / if both { 2 } else { 1 }
        };
        let front = lane.is_multiple_of(2);
        hash_lane(&self.texts[lo..hi], cfg, &self.ends[r], front, both, values)
    }
}

/// Hashes one end of a region, [`CLAIM`] documents at a time: the front lane
/// upwards, the back lane downwards, until the ends meet. Without a back lane
/// (`both` false) the front lane takes the whole region.
fn hash_lane<S: AsRef<str>>(
    region: &[S],
    cfg: &HashingConfig,
    ends: &AtomicU64,
    front: bool,
    both: bool,
    values: usize,
) -> Lane {
    let mut csr: Csr = (
        vec![0],
        Vec::with_capacity(values),
        Vec::with_capacity(values),
    );
    let mut runs = Vec::new();
    let mut scratch = Scratch::default();
    let mut claim = |lo: usize, hi: usize, csr: &mut Csr| {
        let p = csr.0.len() - 1;
        for t in &region[lo..hi] {
            hash_document(t.as_ref(), cfg, &mut scratch, &mut csr.1, &mut csr.2);
            csr.0.push(csr.1.len() as i64);
        }
        (p, p + hi - lo)
    };
    if !both {
        let run = claim(0, region.len(), &mut csr);
        runs.push(run);
        return Lane { csr, runs };
    }
    let mut cur = ends.load(Ordering::Acquire);
    loop {
        let (f, b) = ((cur & 0xFFFF_FFFF) as usize, (cur >> 32) as usize);
        if f >= b {
            break;
        }
        let (lo, hi, next) = if front {
            let hi = (f + CLAIM).min(b);
            (f, hi, ((b as u64) << 32) | hi as u64)
        } else {
            let lo = b.saturating_sub(CLAIM).max(f);
            (lo, b, ((lo as u64) << 32) | f as u64)
        };
        match ends.compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => {
                let run = claim(lo, hi, &mut csr);
                // The front lane's runs are consecutive: keep them as one.
                match runs.last_mut() {
                    Some((_, q)) if front => *q = run.1,
                    _ => runs.push(run),
                }
                cur = next;
            }
            Err(now) => cur = now,
        }
    }
    if !front {
        runs.reverse();
    }
    Lane { csr, runs }
}

/// The lanes' runs, in document order, as one CSR: the first lane's arrays
/// grow to hold the rest.
fn join_lanes(lanes: Vec<Lane>, n_docs: usize) -> Csr {
    let nnz: usize = lanes.iter().map(|l| l.csr.1.len()).sum();
    let mut lanes = lanes.into_iter();
    let first = lanes.next().expect("at least one lane");
    let rest: Vec<Lane> = lanes.collect();
    let (mut indptr, mut indices, mut data) = first.csr;
    // Run order: region by region, the front lane's run then the back lane's.
    indptr.reserve_exact(n_docs + 1 - indptr.len());
    for lane in &rest {
        for &(p, q) in &lane.runs {
            let (ip, base) = (
                &lane.csr.0,
                *indptr.last().expect("non-empty") - lane.csr.0[p],
            );
            indptr.extend(ip[p + 1..=q].iter().map(|i| i + base));
        }
    }
    let extra = nnz - indices.len();
    indices.reserve_exact(extra);
    data.reserve_exact(extra);
    let (mut idx_spare, mut val_spare) = (
        &mut indices.spare_capacity_mut()[..extra],
        &mut data.spare_capacity_mut()[..extra],
    );
    // Each lane's runs are copied on a thread of their own when the copy is
    // large enough to be worth one (this thread takes the last lane's); a
    // copy also takes its new pages' faults.
    std::thread::scope(|scope| {
        for (k, lane) in rest.iter().enumerate() {
            let mut jobs = Vec::with_capacity(lane.runs.len());
            for &(p, q) in &lane.runs {
                let (lo, hi) = (lane.csr.0[p] as usize, lane.csr.0[q] as usize);
                let (idx, i_rest) = std::mem::take(&mut idx_spare).split_at_mut(hi - lo);
                let (val, v_rest) = std::mem::take(&mut val_spare).split_at_mut(hi - lo);
                (idx_spare, val_spare) = (i_rest, v_rest);
                jobs.push((idx, val, lo, hi));
            }
            let copy = move || {
                for (idx, val, lo, hi) in jobs {
                    idx.write_copy_of_slice(&lane.csr.1[lo..hi]);
                    val.write_copy_of_slice(&lane.csr.2[lo..hi]);
                }
            };
            if extra >= PARALLEL_COPY_MIN && k + 1 < rest.len() {
                scope.spawn(copy);
            } else {
                copy();
            }
        }
    });
    // SAFETY: the lanes' runs cover every value not in the first lane, so
    // their lengths sum to `extra` and the loop above wrote every one of the
    // `extra` spare slots of both arrays.
    unsafe {
        indices.set_len(nnz);
        data.set_len(nnz);
    }
    (indptr, shrunk(indices), shrunk(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_hashing_equals_serial() {
        let owned: Vec<String> = (0..1000)
            .map(|i| format!("doc {i} about flights hotels and run {}", i * 7))
            .collect();
        let docs: Vec<&str> = owned.iter().map(String::as_str).collect();
        let cfg = HashingConfig::default();
        let serial = hash_documents(&docs, &cfg);
        for jobs in [2, 3, 8] {
            assert_eq!(hash_documents_parallel(&docs, &cfg, jobs), serial);
        }
        // Shares cut by bytes: one huge document and many small ones.
        let mut skewed: Vec<String> = vec!["flights ".repeat(20_000)];
        skewed.extend((0..999).map(|i| format!("doc {i}")));
        let skewed: Vec<&str> = skewed.iter().map(String::as_str).collect();
        let serial = hash_documents(&skewed, &cfg);
        for jobs in [2, 4] {
            assert_eq!(hash_documents_parallel(&skewed, &cfg, jobs), serial);
        }
        assert_eq!(hash_documents_parallel(&[], &cfg, 4).0, vec![0]);
        // Enough values for the shares to be joined on several threads.
        let big: Vec<String> = (0..40_000)
            .map(|i| {
                (0..16)
                    .map(|j| format!("w{}", i * 16 + j))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let big: Vec<&str> = big.iter().map(String::as_str).collect();
        let serial = hash_documents(&big, &cfg);
        assert!(serial.1.len() * 2 / 3 >= PARALLEL_COPY_MIN);
        for jobs in [2, 3, 4] {
            assert_eq!(hash_documents_parallel(&big, &cfg, jobs), serial);
        }
    }

    #[test]
    fn gathered_batches_hash_like_serial_and_release_helpers_on_failure() {
        let owned: Vec<String> = (0..3000)
            .map(|i| format!("turn {i} about hotels"))
            .collect();
        let cfg = HashingConfig::default();
        let serial = hash_documents(&owned, &cfg);
        let (csr, back) = hash_gathered(owned.len(), &cfg, 4, || {
            Ok::<_, ()>(owned.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .expect("gathered");
        assert_eq!(csr, serial);
        assert_eq!(back.len(), owned.len());
        // Fewer documents than the threads were started for: still the same matrix.
        let few = &owned[..3];
        let (csr, _) = hash_gathered(owned.len(), &cfg, 8, || Ok::<_, ()>(few.to_vec())).unwrap();
        assert_eq!(csr, hash_documents(few, &cfg));
        // A failed gather returns its error, and the waiting threads end.
        let err = hash_gathered::<&str, _>(owned.len(), &cfg, 4, || Err("bad item"));
        assert_eq!(err.err(), Some("bad item"));
        // A panicking one too: the panic reaches the caller, no thread is left waiting.
        let caught = std::panic::catch_unwind(|| {
            hash_gathered::<&str, ()>(owned.len(), &cfg, 4, || panic!("gather panicked"))
        });
        assert!(caught.is_err());
    }

    #[test]
    fn reused_lowercase_buffer_lowercases_like_python() {
        let cfg = HashingConfig::default();
        let texts = [
            "ΟΔΟΣ ΣΟΦΟΣ",
            "Élodie À Paris",
            "İstanbul ǅemal ß",
            "plain",
            "MiXeD ascii",
        ];
        let mut scratch = Scratch::default();
        for t in texts {
            let (mut idx, mut val) = (Vec::new(), Vec::new());
            hash_document(t, &cfg, &mut scratch, &mut idx, &mut val);
            let lowered = t.to_lowercase();
            let (mut want_idx, mut want_val) = (Vec::new(), Vec::new());
            let plain = HashingConfig {
                lowercase: false,
                ..HashingConfig::default()
            };
            hash_document(
                &lowered,
                &plain,
                &mut Scratch::default(),
                &mut want_idx,
                &mut want_val,
            );
            assert_eq!((idx, val), (want_idx, want_val), "{t}");
        }
    }

    #[test]
    fn murmur_matches_sklearn_reference_values() {
        // sklearn.utils.murmurhash3_32(x, seed=0) for these keys.
        assert_eq!(murmur3_signed(b"foo"), -156908512);
        assert_eq!(murmur3_signed(b""), 0);
        assert_eq!(murmur3_signed(b"hello"), 613153351);
    }

    #[test]
    fn min_int_index_follows_sklearn() {
        let (idx, sign) = index_and_sign(i32::MIN, 10, true);
        assert_eq!(idx, ((2_147_483_647i64 - 9) % 10) as u32);
        assert_eq!(sign, -1.0);
    }

    #[test]
    fn index_is_sklearns_modulo_for_every_size() {
        // sklearn: abs(h) % n in 64 bits; the mask for powers of two must agree.
        let mut h = 0x9E37_79B9u32;
        let sizes: [u32; 9] = [1, 2, 7, 10, 1 << 10, 1000, 1 << 20, (1 << 20) + 1, 1 << 31];
        for n in sizes {
            for _ in 0..2000 {
                h = h.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let hs = h as i32;
                if hs == i32::MIN {
                    continue;
                }
                let want = ((hs as i64).abs() % n as i64) as u32;
                assert_eq!(index_and_sign(hs, n, false).0, want, "h {hs} n {n}");
            }
            let (top, _) = index_and_sign(i32::MAX, n, false);
            assert_eq!(top, (i32::MAX as i64 % n as i64) as u32);
            assert_eq!(index_and_sign(-i32::MAX, n, true), (top, -1.0));
        }
    }

    #[test]
    fn ngrams_in_sklearn_order() {
        let mut feats = Vec::new();
        for_each_feature("a bb cc dd", (1, 2), |f| feats.push(f.to_owned()));
        assert_eq!(feats, ["bb", "cc", "dd", "bb cc", "cc dd"]);
        feats.clear();
        for_each_feature("bb cc", (3, 3), |f| feats.push(f.to_owned()));
        assert!(feats.is_empty());
    }

    #[test]
    fn duplicates_summed_and_l2_normalised() {
        let cfg = HashingConfig {
            norm: Norm::L2,
            ..Default::default()
        };
        let (mut idx, mut val) = (Vec::new(), Vec::new());
        let mut scratch = Scratch::default();
        hash_document("Run RUN run fast", &cfg, &mut scratch, &mut idx, &mut val);
        assert_eq!(idx.len(), 2);
        let norm: f64 = val.iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-12);
        assert!(val
            .iter()
            .any(|v| (v.abs() - 3.0 / 10f64.sqrt()).abs() < 1e-12));
    }
}

/// Timing loop behind docs/benchmarks.md's two-thread figures, not an
/// assertion: `cargo test --release -p chatads-core --lib timing -- --ignored --nocapture`.
#[cfg(test)]
mod timing {
    use super::*;

    #[test]
    #[ignore = "a measurement: run it alone, with --nocapture"]
    fn one_thread_against_two() {
        let data = include_str!("../../../eval/data/relevance_sessions.jsonl");
        let words: Vec<&str> = data.split_whitespace().collect();
        // 2,000 documents of 8 to 40 words, as benches/conftest.py's messages.
        let docs: Vec<String> = (0..2000)
            .map(|k| {
                let n = 8 + (k * 7919) % 33;
                (0..n)
                    .map(|j| words[(k * 40 + j) % words.len()])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
        let cfg = HashingConfig::default();
        let time = |f: &dyn Fn()| {
            let s = std::time::Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e6
        };
        let median = |mut t: Vec<f64>| {
            t.sort_by(f64::total_cmp);
            t[t.len() / 2]
        };
        for round in 0..3 {
            // Interleaved, call by call, so that both see the host's drift.
            let (mut one, mut two, mut spawn) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..41 {
                one.push(time(&|| {
                    drop(std::hint::black_box(hash_documents(&refs, &cfg)))
                }));
                two.push(time(&|| {
                    drop(std::hint::black_box(hash_documents_parallel(
                        &refs, &cfg, 2,
                    )))
                }));
                spawn.push(time(&|| {
                    std::thread::scope(|s| drop(s.spawn(|| ()).join()))
                }));
            }
            let (one, two, spawn) = (median(one), median(two), median(spawn));
            println!(
                "round {round}: one thread {one:.0} µs, two {two:.0} µs ({:.2}x); \
                 a scoped thread started and joined {spawn:.0} µs",
                one / two
            );
        }
    }
}
