//! FAISS behind a small, thread-safe face: build from vectors, clone-and-add,
//! and concurrent read-only search.

use faiss::index::autotune::ParameterSpace;
use faiss::index::IndexImpl;
use faiss::{index_factory, Idx, Index, MetricType};

use crate::error::{CoreError, Result};

extern "C" {
    // libgomp, which the static FAISS build links.
    fn omp_set_num_threads(n: std::os::raw::c_int);
}

/// Sets the OpenMP team size for FAISS calls made from the current thread.
/// Single-query searches run with one thread (two gRPC workers on two cores
/// would otherwise oversubscribe); index builds use every core.
pub fn set_faiss_threads(n: usize) {
    // SAFETY: plain libgomp call; it only sets the calling thread's ICV.
    unsafe { omp_set_num_threads(n.max(1) as std::os::raw::c_int) }
}

/// An immutable (once shared) FAISS index with `i64` ids = catalog slots.
pub struct AnnIndex {
    index: IndexImpl,
    pub factory: String,
    pub ntotal: usize,
    /// Every slot `< boundary` that was live when this index was built is in it.
    pub boundary: u32,
}

/// HNSW knobs (ignored by other index types).
#[derive(Clone, Copy, Debug)]
pub struct HnswParams {
    /// Candidates kept while searching: recall against time.
    pub ef_search: usize,
    /// Candidates kept while inserting: graph quality against build time.
    pub ef_construction: usize,
}

impl Default for HnswParams {
    fn default() -> Self {
        // efConstruction 80 and efSearch 96 rather than FAISS's 40 and 64: on
        // the clustered demo catalog at 100k ads (built by live upserts and
        // folds) recall@10 was 0.94 at efSearch 64 and 0.955 at 96; faiss-cpu
        // on its defaults gave 0.85 (`make bench`, `recall_at_10`).
        Self {
            ef_search: 96,
            ef_construction: 80,
        }
    }
}

impl AnnIndex {
    /// Builds an index with `factory` (e.g. `IDMap2,HNSW32`) from row-major vectors.
    pub fn build(
        d: usize,
        factory: &str,
        hnsw: HnswParams,
        vectors: &[f32],
        ids: &[u32],
        boundary: u32,
    ) -> Result<Self> {
        let mut index =
            index_factory(d as u32, factory, MetricType::InnerProduct).map_err(|e| {
                CoreError::invalid("index_factory", format!("FAISS rejected {factory:?}: {e}"))
            })?;
        if factory.contains("HNSW") {
            ParameterSpace::new()?.set_index_parameter(
                &index,
                "efConstruction",
                hnsw.ef_construction as f64,
            )?;
        }
        add(&mut index, vectors, ids)?;
        let mut this = AnnIndex {
            index,
            factory: factory.to_owned(),
            ntotal: ids.len(),
            boundary,
        };
        this.set_ef_search(hnsw.ef_search)?;
        Ok(this)
    }

    /// A copy of this index with `vectors` added (the cheap way to absorb new
    /// ads; the copy keeps the original's efConstruction).
    pub fn with_added(
        &self,
        vectors: &[f32],
        ids: &[u32],
        boundary: u32,
        ef_search: usize,
    ) -> Result<Self> {
        use faiss::index::TryClone;
        let mut index = self.index.try_clone()?;
        add(&mut index, vectors, ids)?;
        let mut this = AnnIndex {
            index,
            factory: self.factory.clone(),
            ntotal: self.ntotal + ids.len(),
            boundary,
        };
        this.set_ef_search(ef_search)?;
        Ok(this)
    }

    fn set_ef_search(&mut self, ef: usize) -> Result<()> {
        if self.factory.contains("HNSW") {
            ParameterSpace::new()?.set_index_parameter(&self.index, "efSearch", ef as f64)?;
        }
        Ok(())
    }

    /// Top-`k` (slot, inner product) for one query, best first.
    pub fn search(&self, query: &[f32], k: usize, out: &mut Vec<(u32, f32)>) -> Result<()> {
        let k = k.min(self.ntotal);
        if k == 0 {
            return Ok(());
        }
        let mut dist = vec![0f32; k];
        let mut labels = vec![Idx::none(); k];
        // SAFETY: `faiss_Index_search` is a const method of faiss::Index; FAISS
        // documents concurrent searches on an index that is not being modified
        // as safe. This index is never modified once built (new ads go into a
        // clone), so many threads may search it through a shared reference.
        // Buffers hold exactly k results for the single query of dimension d.
        let rc = unsafe {
            faiss_sys::faiss_Index_search(
                self.index.inner_ptr(),
                1,
                query.as_ptr(),
                k as i64,
                dist.as_mut_ptr(),
                labels.as_mut_ptr() as *mut i64,
            )
        };
        if rc != 0 {
            return Err(CoreError::Internal(format!(
                "faiss search failed with code {rc}"
            )));
        }
        out.extend(
            labels
                .iter()
                .zip(&dist)
                .filter_map(|(l, &s)| l.get().map(|id| (id as u32, s))),
        );
        Ok(())
    }
}

fn add(index: &mut IndexImpl, vectors: &[f32], ids: &[u32]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids: Vec<Idx> = ids.iter().map(|&s| Idx::new(s as u64)).collect();
    if !index.is_trained() {
        index.train(vectors)?;
    }
    index.add_with_ids(vectors, &ids)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn flat_and_hnsw_find_the_nearest() {
        let vecs: Vec<f32> = [
            unit(&[1.0, 0.0, 0.0, 0.1]),
            unit(&[0.0, 1.0, 0.0, 0.1]),
            unit(&[0.0, 0.0, 1.0, 0.1]),
        ]
        .concat();
        for factory in ["IDMap2,Flat", "IDMap2,HNSW32"] {
            let idx = AnnIndex::build(4, factory, HnswParams::default(), &vecs, &[10, 20, 30], 31)
                .unwrap();
            let mut out = Vec::new();
            idx.search(&unit(&[0.1, 1.0, 0.0, 0.0]), 5, &mut out)
                .unwrap();
            assert_eq!(out.len(), 3, "{factory}");
            assert_eq!(out[0].0, 20, "{factory}");
            let bigger = idx
                .with_added(&unit(&[0.0, 1.0, 0.05, 0.0]), &[40], 41, 16)
                .unwrap();
            out.clear();
            bigger
                .search(&unit(&[0.0, 1.0, 0.05, 0.0]), 1, &mut out)
                .unwrap();
            assert_eq!(out[0].0, 40);
            assert_eq!(idx.ntotal, 3, "the original is untouched");
        }
    }

    #[test]
    fn bad_factory_names_the_setting() {
        let err = AnnIndex::build(4, "NoSuchIndex", HnswParams::default(), &[], &[], 0)
            .err()
            .unwrap();
        assert_eq!(err.field(), Some("index_factory"));
    }
}
