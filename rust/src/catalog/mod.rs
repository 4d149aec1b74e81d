//! The ad catalog: records, the FAISS index, and how writes reach it without
//! ever blocking a search.
//!
//! Every upsert gets a new *slot* (the FAISS id). Readers search an immutable
//! [`AnnIndex`] held in an `ArcSwap`, plus a small "fresh" buffer of the ads
//! written since that index was built (searched exactly). When the buffer
//! grows past a threshold, the writer that crossed it builds the next index
//! (a clone with the fresh ads added, or a full rebuild when too many entries
//! are dead) and swaps it in; searches go on meanwhile. A replaced or deleted
//! ad's slot simply disappears from the slot map, so candidates that FAISS
//! still returns for it are dropped (HNSW cannot remove ids).

pub mod index;

use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use arc_swap::ArcSwapOption;
use dashmap::DashMap;
use parking_lot::{Mutex, RwLock};
use rustc_hash::FxBuildHasher;

use crate::error::Result;
pub use index::{AnnIndex, HnswParams};

/// An ad's word hashes, sorted, behind a 256-bit signature of them: most
/// words of a conversation are in no given ad, and the signature (inline in
/// the record) says so without a search of the list (a separate allocation,
/// so a cache miss per candidate; the search was a third of a Score's own
/// time before the signature).
#[derive(Debug, Clone, Default)]
pub struct AdWords {
    sig: [u64; 4],
    sorted: Box<[i32]>,
}

impl AdWords {
    /// From sorted, unique hashes.
    pub fn new(sorted: Box<[i32]>) -> Self {
        debug_assert!(sorted.windows(2).all(|w| w[0] < w[1]));
        let mut sig = [0u64; 4];
        for &h in sorted.iter() {
            let (i, bit) = Self::slot(h);
            sig[i] |= bit;
        }
        Self { sig, sorted }
    }

    #[inline]
    fn slot(h: i32) -> (usize, u64) {
        let x = (h as u32).wrapping_mul(0x9E37_79B9) >> 24;
        ((x >> 6) as usize, 1u64 << (x & 63))
    }

    #[inline]
    pub fn contains(&self, h: i32) -> bool {
        let (i, bit) = Self::slot(h);
        self.sig[i] & bit != 0 && self.sorted.binary_search(&h).is_ok()
    }

    /// Reads the signature and the list's first entry, so that a loop over
    /// many ads can fetch them all before it needs them (see `eligible`).
    #[inline]
    pub fn touch(&self) -> u64 {
        self.sig[0] ^ self.sorted.first().map_or(0, |&h| h as u64)
    }
}

/// One ad as stored: what the caller sent, plus its normalised vector.
#[derive(Debug, Clone)]
pub struct AdRecord {
    pub ad_id: String,
    pub advertiser: String,
    pub title: String,
    pub text: String,
    pub categories: Vec<String>,
    pub topics: Vec<u32>,
    /// Indices of `topics` in the taxonomy.
    pub topic_idx: Vec<u16>,
    pub bid_cpm: f64,
    pub tags: Vec<String>,
    pub embedding: Box<[f32]>,
    /// Whether `embedding` came from the caller.
    pub caller_embedding: bool,
    /// Stable small key of `ad_id` for frequency caps.
    pub cap_key: u32,
    /// The campaign (empty = none) and the caps' keys of it and the advertiser.
    pub campaign: String,
    pub adv_key: u32,
    /// 0 = no campaign.
    pub campaign_key: u32,
    /// Hashes of the ad's words (title and text): what the lexical blend and
    /// the echo guard compare a conversation's words with.
    pub words: AdWords,
    /// Topics the ad's text is about (the lexicon's evidence), besides the
    /// declared ones: blocked topics remove these ads too.
    pub inferred_topics: Vec<u16>,
    /// GDPR Art. 9 categories the ad touches (declared, IAB-implied or detected).
    pub sensitive: crate::privacy::sensitive::Categories,
}

#[derive(Clone, Debug)]
pub struct CatalogConfig {
    /// FAISS factory string, or `auto`: exact search below `auto_exact_below`
    /// ads, HNSW32 above.
    pub index_factory: String,
    pub ef_search: usize,
    /// HNSW efConstruction (see [`HnswParams`]).
    pub ef_construction: usize,
    pub auto_exact_below: usize,
    /// The fresh buffer is folded into the index at `clamp(ntotal / 16, min, max)`.
    pub fresh_min: usize,
    pub fresh_max: usize,
    /// Full rebuild when this fraction of the index is dead.
    pub max_dead_fraction: f64,
    /// Threads FAISS may use for a full build (`rebuild_index`, catalog loads).
    pub build_threads: usize,
    /// Threads for the folds that live upserts trigger: one core is left to
    /// the searches that go on meanwhile.
    pub fold_threads: usize,
}

impl Default for CatalogConfig {
    fn default() -> Self {
        Self {
            index_factory: "auto".into(),
            ef_search: HnswParams::default().ef_search,
            ef_construction: HnswParams::default().ef_construction,
            auto_exact_below: 20_000,
            fresh_min: 1024,
            fresh_max: 16_384,
            max_dead_fraction: 0.25,
            build_threads: cores(),
            fold_threads: cores().saturating_sub(1).max(1),
        }
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

#[derive(Default)]
struct Fresh {
    slots: Vec<u32>,
    vectors: Vec<f32>,
}

/// Counters a caller may want to see.
#[derive(Debug, Clone, Default)]
pub struct CatalogStats {
    pub live: usize,
    pub indexed: usize,
    pub fresh: usize,
    pub rebuilds: u64,
    pub factory: String,
}

pub struct Catalog {
    d: usize,
    pub config: CatalogConfig,
    // Slots are small sequential integers chosen by us: Fx hashing is enough.
    ads: DashMap<u32, Arc<AdRecord>, FxBuildHasher>,
    ids: DashMap<String, u32>,
    next_slot: AtomicU32,
    main: ArcSwapOption<AnnIndex>,
    fresh: RwLock<Fresh>,
    write: Mutex<()>,
    fold: Mutex<()>,
    dead_in_main: AtomicUsize,
    rebuilds: AtomicU64,
}

impl Catalog {
    pub fn new(d: usize, config: CatalogConfig) -> Self {
        Self {
            d,
            config,
            ads: DashMap::with_hasher(FxBuildHasher),
            ids: DashMap::new(),
            next_slot: AtomicU32::new(0),
            main: ArcSwapOption::empty(),
            fresh: RwLock::new(Fresh::default()),
            write: Mutex::new(()),
            fold: Mutex::new(()),
            dead_in_main: AtomicUsize::new(0),
            rebuilds: AtomicU64::new(0),
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn get(&self, ad_id: &str) -> Option<Arc<AdRecord>> {
        let slot = *self.ids.get(ad_id)?;
        self.ads.get(&slot).map(|r| r.clone())
    }

    #[inline]
    pub fn by_slot(&self, slot: u32) -> Option<Arc<AdRecord>> {
        self.ads.get(&slot).map(|r| r.clone())
    }

    fn mark_dead(&self, slot: u32) {
        if let Some(main) = self.main.load().as_ref() {
            if slot < main.boundary {
                self.dead_in_main.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Inserts or replaces ads (already validated). Returns after the records
    /// are visible to searches; may fold the fresh buffer into a new index.
    pub fn upsert(&self, records: Vec<AdRecord>) -> Result<()> {
        self.upsert_unfolded(records);
        self.maybe_fold()
    }

    /// [`Catalog::upsert`] without the fold (the caller folds after releasing
    /// its own locks).
    pub fn upsert_unfolded(&self, records: Vec<AdRecord>) {
        {
            let _w = self.write.lock();
            let mut fresh = Vec::with_capacity(records.len());
            for rec in records {
                // Same vector (a new bid, title or tags on an ad whose creative
                // did not move): replace the record in place, no index work.
                if let Some(slot) = self.ids.get(&rec.ad_id).map(|s| *s) {
                    let same = self
                        .ads
                        .get(&slot)
                        .is_some_and(|old| old.embedding == rec.embedding);
                    if same {
                        self.ads.insert(slot, Arc::new(rec));
                        continue;
                    }
                }
                let slot = self.next_slot.fetch_add(1, Ordering::Relaxed);
                if let Some(old) = self.ids.insert(rec.ad_id.clone(), slot) {
                    self.ads.remove(&old);
                    self.mark_dead(old);
                }
                fresh.push((slot, rec.embedding.clone()));
                self.ads.insert(slot, Arc::new(rec));
            }
            let mut f = self.fresh.write();
            for (slot, v) in fresh {
                f.slots.push(slot);
                f.vectors.extend_from_slice(&v);
            }
        }
    }

    /// Every live ad, in no particular order.
    pub fn records(&self) -> Vec<Arc<AdRecord>> {
        self.ads.iter().map(|r| r.value().clone()).collect()
    }

    /// Deletes ads that exist (the caller checked); returns how many went.
    pub fn delete(&self, ad_ids: &[String]) -> Result<usize> {
        let n = self.delete_unfolded(ad_ids);
        self.maybe_fold()?;
        Ok(n)
    }

    /// [`Catalog::delete`] without the fold; unknown ids are skipped.
    pub fn delete_unfolded(&self, ad_ids: &[String]) -> usize {
        let mut n = 0;
        {
            let _w = self.write.lock();
            for id in ad_ids {
                if let Some((_, slot)) = self.ids.remove(id) {
                    self.ads.remove(&slot);
                    self.mark_dead(slot);
                    n += 1;
                }
            }
        }
        n
    }

    fn fold_threshold(&self, indexed: usize) -> usize {
        (indexed / 16).clamp(self.config.fresh_min, self.config.fresh_max)
    }

    fn factory_for(&self, n: usize) -> String {
        if self.config.index_factory != "auto" {
            self.config.index_factory.clone()
        } else if n < self.config.auto_exact_below {
            "IDMap2,Flat".into()
        } else {
            "IDMap2,HNSW32".into()
        }
    }

    pub fn maybe_fold(&self) -> Result<()> {
        let main = self.main.load_full();
        let indexed = main.as_ref().map_or(0, |m| m.ntotal);
        let fresh = self.fresh.read().slots.len();
        let dead = self.dead_in_main.load(Ordering::Relaxed);
        let too_dead =
            indexed > 1000 && dead as f64 > self.config.max_dead_fraction * indexed as f64;
        if fresh >= self.fold_threshold(indexed) || too_dead {
            self.fold(too_dead)?;
        }
        Ok(())
    }

    /// Builds the next index and swaps it in. `full` rebuilds from every live
    /// ad; otherwise the fresh ads are added to a clone of the current index.
    /// Concurrent callers skip: one fold at a time is enough.
    pub fn fold(&self, full: bool) -> Result<()> {
        let Some(_f) = self.fold.try_lock() else {
            return Ok(());
        };
        let main = self.main.load_full();
        let (boundary, slots, vectors) = {
            // Hold the write lock only to take a consistent cut: every slot
            // below `boundary` is either in the fresh copy or already indexed.
            let _w = self.write.lock();
            let boundary = self.next_slot.load(Ordering::Relaxed);
            let fresh = self.fresh.read();
            let mut slots = Vec::new();
            let mut vectors = Vec::new();
            for (i, &s) in fresh.slots.iter().enumerate() {
                if self.ads.contains_key(&s) {
                    slots.push(s);
                    vectors.extend_from_slice(&fresh.vectors[i * self.d..(i + 1) * self.d]);
                }
            }
            (boundary, slots, vectors)
        };
        let live = self.ads.len();
        let factory = self.factory_for(live);
        let rebuild = full || main.as_ref().is_none_or(|m| m.factory != factory);
        index::set_faiss_threads(if full {
            self.config.build_threads
        } else {
            self.config.fold_threads
        });
        let next = if rebuild {
            let (mut all_slots, mut all_vecs) =
                (Vec::with_capacity(live), Vec::with_capacity(live * self.d));
            for r in self.ads.iter() {
                if *r.key() < boundary {
                    all_slots.push(*r.key());
                    all_vecs.extend_from_slice(&r.embedding);
                }
            }
            AnnIndex::build(
                self.d,
                &factory,
                HnswParams {
                    ef_search: self.config.ef_search,
                    ef_construction: self.config.ef_construction,
                },
                &all_vecs,
                &all_slots,
                boundary,
            )
        } else {
            let m = main.as_ref().expect("checked above");
            m.with_added(&vectors, &slots, boundary, self.config.ef_search)
        };
        index::set_faiss_threads(1);
        let next = next?;
        self.main.store(Some(Arc::new(next)));
        if rebuild {
            self.dead_in_main.store(0, Ordering::Relaxed);
        }
        let mut fresh = self.fresh.write();
        let keep: Vec<usize> = (0..fresh.slots.len())
            .filter(|&i| fresh.slots[i] >= boundary)
            .collect();
        let mut f2 = Fresh::default();
        for i in keep {
            f2.slots.push(fresh.slots[i]);
            f2.vectors
                .extend_from_slice(&fresh.vectors[i * self.d..(i + 1) * self.d]);
        }
        *fresh = f2;
        self.rebuilds.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Up to about `k` (slot, inner product) candidates, best first. A slot
    /// whose ad was replaced or deleted may still be among them: callers look
    /// each one up with [`Catalog::by_slot`] anyway, which drops it (one map
    /// probe per candidate instead of two).
    pub fn search(&self, query: &[f32], k: usize) -> Result<Vec<(u32, f32)>> {
        let mut out = Vec::with_capacity(2 * k);
        if let Some(main) = self.main.load().as_ref() {
            main.search(query, k, &mut out)?;
        }
        {
            let fresh = self.fresh.read();
            let mut scored: Vec<(u32, f32)> = fresh
                .slots
                .iter()
                .zip(fresh.vectors.chunks_exact(self.d))
                .map(|(&s, v)| (s, dot(query, v)))
                .collect();
            if scored.len() > k {
                scored.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1));
                scored.truncate(k);
            }
            out.extend(scored);
        }
        out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.dedup_by_key(|c| c.0);
        Ok(out)
    }

    pub fn stats(&self) -> CatalogStats {
        let main = self.main.load();
        CatalogStats {
            live: self.len(),
            indexed: main.as_ref().map_or(0, |m| m.ntotal),
            fresh: self.fresh.read().slots.len(),
            rebuilds: self.rebuilds.load(Ordering::Relaxed),
            factory: main
                .as_ref()
                .map_or_else(|| "none".into(), |m| m.factory.clone()),
        }
    }
}

/// Inner product with eight independent partial sums, which the compiler
/// turns into SIMD (a plain `sum()` must add in order and stays scalar).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// A key for caps of an advertiser or a campaign (0 is kept for "none").
pub fn cap_key_of(s: &str) -> u32 {
    if s.is_empty() {
        0
    } else {
        (crate::text::hashing::murmur3_signed(s.as_bytes()) as u32).max(1)
    }
}

#[cfg(test)]
impl AdRecord {
    /// A bare record for tests.
    pub fn for_test(id: &str, advertiser: &str) -> AdRecord {
        AdRecord {
            ad_id: id.into(),
            advertiser: advertiser.into(),
            title: String::new(),
            text: String::new(),
            categories: vec![],
            topics: vec![],
            topic_idx: vec![],
            bid_cpm: 1.0,
            tags: vec![],
            embedding: vec![].into(),
            caller_embedding: false,
            cap_key: crate::text::hashing::murmur3_signed(id.as_bytes()) as u32,
            campaign: String::new(),
            adv_key: cap_key_of(advertiser),
            campaign_key: 0,
            words: AdWords::default(),
            inferred_topics: vec![],
            sensitive: Default::default(),
        }
    }

    pub fn with_campaign(mut self, campaign: &str) -> AdRecord {
        self.campaign = campaign.into();
        self.campaign_key = cap_key_of(campaign);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ad_words_signature_never_hides_a_word() {
        let mut hashes: Vec<i32> = (0..200)
            .map(|i| crate::text::hashing::murmur3_signed(format!("w{i}").as_bytes()))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        let words = AdWords::new(hashes[..100].to_vec().into_boxed_slice());
        assert!(hashes[..100].iter().all(|&h| words.contains(h)));
        assert!(hashes[100..].iter().all(|&h| !words.contains(h)));
        assert!(!AdWords::default().contains(0));
    }

    fn rec(id: &str, v: &[f32]) -> AdRecord {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        AdRecord {
            bid_cpm: 1.0,
            embedding: v.iter().map(|x| x / n).collect(),
            caller_embedding: true,
            cap_key: 0,
            ..AdRecord::for_test(id, "a.example")
        }
    }

    fn small() -> CatalogConfig {
        CatalogConfig {
            fresh_min: 4,
            fresh_max: 4,
            auto_exact_below: 10,
            ..Default::default()
        }
    }

    #[test]
    fn upsert_replace_delete_are_seen_by_search() {
        let c = Catalog::new(2, small());
        c.upsert(vec![rec("a", &[1.0, 0.0]), rec("b", &[0.0, 1.0])])
            .unwrap();
        assert_eq!(
            c.search(&[1.0, 0.0], 1).unwrap()[0].0,
            c.ids.get("a").map(|s| *s).unwrap()
        );
        // Replacing "a" moves it; the old slot never comes back.
        c.upsert(vec![rec("a", &[0.0, 1.0])]).unwrap();
        let live = |q: &[f32]| -> Vec<String> {
            c.search(q, 10)
                .unwrap()
                .iter()
                .filter_map(|h| c.by_slot(h.0).map(|a| a.ad_id.clone()))
                .collect()
        };
        let mut ids = live(&[1.0, 0.0]);
        ids.sort();
        assert_eq!(ids, ["a", "b"]);
        c.delete(&["b".into()]).unwrap();
        assert_eq!(live(&[0.0, 1.0]), ["a"]);
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn folding_keeps_everything_and_switches_to_hnsw() {
        let c = Catalog::new(3, small());
        for i in 0..40 {
            let x = i as f32;
            c.upsert(vec![rec(&format!("ad{i}"), &[x.cos(), x.sin(), 0.3])])
                .unwrap();
        }
        let s = c.stats();
        assert!(s.rebuilds > 0 && s.indexed > 0, "{s:?}");
        assert_eq!(s.factory, "IDMap2,HNSW32");
        assert_eq!(s.indexed + s.fresh, 40);
        for i in [0, 17, 39] {
            let x = i as f32;
            let top = c.search(&[x.cos(), x.sin(), 0.3], 1).unwrap();
            assert_eq!(c.by_slot(top[0].0).unwrap().ad_id, format!("ad{i}"));
        }
    }

    #[test]
    fn searches_run_while_writers_write() {
        let c = Arc::new(Catalog::new(3, small()));
        c.upsert(
            (0..50)
                .map(|i| rec(&format!("ad{i}"), &[1.0, i as f32, 0.5]))
                .collect(),
        )
        .unwrap();
        let writer = {
            let c = c.clone();
            std::thread::spawn(move || {
                for i in 0..300 {
                    c.upsert(vec![rec(&format!("w{i}"), &[i as f32, 1.0, 0.5])])
                        .unwrap();
                    if i % 3 == 0 {
                        c.delete(&[format!("w{}", i / 2)]).unwrap();
                    }
                }
            })
        };
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || {
                    for i in 0..500 {
                        let hits = c.search(&[1.0, (i % 7) as f32, 0.5], 10).unwrap();
                        assert!(!hits.is_empty());
                        assert!(hits.windows(2).all(|w| w[0].1 >= w[1].1));
                    }
                })
            })
            .collect();
        writer.join().unwrap();
        readers.into_iter().for_each(|r| r.join().unwrap());
        assert_eq!(c.len(), 50 + 300 - 100);
    }
}
