//! Feature hashing compatible with scikit-learn's `HashingVectorizer`:
//! signed MurmurHash3-32 (seed 0) of each UTF-8 token or word n-gram, index
//! `abs(h) % n_features`, sign from `h >= 0` when `alternate_sign` is on,
//! duplicates summed, then optional l1/l2 normalisation.

use super::tokenize::{for_each_token, lowercase};
use crate::error::CoreError;

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
    let n = n_features as i64;
    let index = if h == i32::MIN {
        (2_147_483_647i64 - (n - 1)) % n
    } else {
        (h as i64).abs() % n
    };
    let sign = if alternate_sign && h < 0 { -1.0 } else { 1.0 };
    (index as u32, sign)
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

/// One document hashed: sorted column indices and their summed values
/// (explicit zeros kept where opposite signs cancel, as sklearn keeps them).
pub fn hash_document(
    text: &str,
    cfg: &HashingConfig,
    out_idx: &mut Vec<u32>,
    out_val: &mut Vec<f64>,
) {
    let lower = if cfg.lowercase {
        lowercase(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let mut pairs: Vec<(u32, f64)> = Vec::new();
    for_each_feature(&lower, cfg.ngram_range, |feat| {
        let h = murmur3_signed(feat.as_bytes());
        pairs.push(index_and_sign(h, cfg.n_features, cfg.alternate_sign));
    });
    pairs.sort_unstable_by_key(|p| p.0);
    let start = out_idx.len();
    for (idx, v) in pairs {
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

/// A batch hashed into CSR arrays (`indptr`, `indices`, `data`).
pub fn hash_documents(texts: &[&str], cfg: &HashingConfig) -> (Vec<i64>, Vec<u32>, Vec<f64>) {
    let mut indptr = Vec::with_capacity(texts.len() + 1);
    let mut indices = Vec::new();
    let mut data = Vec::new();
    indptr.push(0);
    for t in texts {
        hash_document(t, cfg, &mut indices, &mut data);
        indptr.push(indices.len() as i64);
    }
    (indptr, indices, data)
}

/// [`hash_documents`] on up to `jobs` threads, each hashing one contiguous
/// share of the batch; the result is identical to the one-thread result.
/// Shares are cut by bytes, not by documents (messages vary in length), and
/// the calling thread hashes the first share itself: only `jobs - 1` threads
/// are started, and the caller is not left waiting idle for all of them.
pub fn hash_documents_parallel(
    texts: &[&str],
    cfg: &HashingConfig,
    jobs: usize,
) -> (Vec<i64>, Vec<u32>, Vec<f64>) {
    // Below a few hundred documents a thread costs more than it saves.
    let jobs = jobs.clamp(1, texts.len().div_ceil(256).max(1));
    if jobs == 1 {
        return hash_documents(texts, cfg);
    }
    let total: usize = texts.iter().map(|t| t.len() + 1).sum();
    let mut shares: Vec<&[&str]> = Vec::with_capacity(jobs);
    let (mut start, mut seen) = (0, 0);
    for (i, t) in texts.iter().enumerate() {
        seen += t.len() + 1;
        if seen * jobs >= total * (shares.len() + 1) && shares.len() + 1 < jobs {
            shares.push(&texts[start..=i]);
            start = i + 1;
        }
    }
    shares.push(&texts[start..]);
    let parts: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares[1..]
            .iter()
            .map(|&share| scope.spawn(move || hash_documents(share, cfg)))
            .collect();
        let first = hash_documents(shares[0], cfg);
        std::iter::once(first)
            .chain(
                handles
                    .into_iter()
                    .map(|h| h.join().expect("hashing does not panic")),
            )
            .collect()
    });
    let nnz: usize = parts.iter().map(|p| p.1.len()).sum();
    let mut indptr = Vec::with_capacity(texts.len() + 1);
    let (mut indices, mut data) = (Vec::with_capacity(nnz), Vec::with_capacity(nnz));
    indptr.push(0);
    for (p_indptr, p_indices, p_data) in parts {
        let base = indices.len() as i64;
        indptr.extend(p_indptr[1..].iter().map(|i| i + base));
        indices.extend(p_indices);
        data.extend(p_data);
    }
    (indptr, indices, data)
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
        hash_document("run run run fast", &cfg, &mut idx, &mut val);
        assert_eq!(idx.len(), 2);
        let norm: f64 = val.iter().map(|v| v * v).sum();
        assert!((norm - 1.0).abs() < 1e-12);
        assert!(val
            .iter()
            .any(|v| (v.abs() - 3.0 / 10f64.sqrt()).abs() < 1e-12));
    }
}
