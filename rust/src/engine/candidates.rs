//! Stage 5, candidates: the ads nearest the query in the catalog's ANN index
//! (FAISS), as records with their similarity. More are fetched than asked
//! for (`candidates_per_ad`), since filters and diversity drop some.

use std::sync::Arc;

use crate::catalog::AdRecord;
use crate::error::Result;

use super::Engine;

impl Engine {
    pub(super) fn candidates(
        &self,
        query: &[f32],
        max_ads: usize,
    ) -> Result<Vec<(Arc<AdRecord>, f32)>> {
        let rc = &self.config.rank;
        let k = (max_ads * rc.candidates_per_ad).max(rc.min_candidates);
        let cands = self.catalog.search(query, k)?;
        // The index may still hold a replaced or deleted ad's slot: no record, dropped.
        Ok(cands
            .into_iter()
            .filter_map(|(slot, s)| self.catalog.by_slot(slot).map(|a| (a, s)))
            .collect())
    }
}
