//! Ads into and out of the catalog (`crate::catalog`): every ad is
//! validated and turned into a record (embedded from its text unless the
//! caller sent a vector, its sensitive categories found) before anything is
//! stored; writes are logged by `durable.rs`.

use crate::catalog::{cap_key_of, AdRecord, AdWords};
use crate::error::{CoreError, Result};
use crate::privacy::sensitive::Categories;
use crate::rank::normalize_domain;
use crate::text::hashing::murmur3_signed;
use crate::wire;

use super::validate::{check_id, check_list};
use super::Engine;

impl Engine {
    /// Validates one ad and turns it into a record (embedding it if needed).
    pub fn ad_record(&self, i: usize, ad: wire::Ad) -> Result<AdRecord> {
        let l = &self.config.limits;
        let f = |name: &str| format!("ads[{i}].{name}");
        check_id(&f("ad_id"), &ad.ad_id, l.max_id_bytes)?;
        check_id(&f("advertiser"), &ad.advertiser, l.max_id_bytes)?;
        let advertiser = normalize_domain(&ad.advertiser);
        if advertiser.is_empty() || advertiser.contains(char::is_whitespace) {
            return Err(CoreError::invalid(
                f("advertiser"),
                format!("must be a domain name, got {:?}", ad.advertiser),
            ));
        }
        for (name, value) in [("title", &ad.title), ("text", &ad.text)] {
            if value.len() > l.max_ad_text_bytes {
                return Err(CoreError::invalid(
                    f(name),
                    format!(
                        "is {} bytes, the limit is {}",
                        value.len(),
                        l.max_ad_text_bytes
                    ),
                ));
            }
        }
        if !ad.bid_cpm.is_finite() || ad.bid_cpm < 0.0 || ad.bid_cpm > l.max_bid_cpm {
            return Err(CoreError::invalid(
                f("bid_cpm"),
                format!(
                    "must be a finite number in [0, {}], got {}",
                    l.max_bid_cpm, ad.bid_cpm
                ),
            ));
        }
        check_list(&f("categories"), &ad.categories, 64, 64)?;
        check_list(&f("tags"), &ad.tags, 64, 64)?;
        check_list(&f("sensitive_categories"), &ad.sensitive_categories, 16, 32)?;
        if ad.topics.len() > 64 {
            return Err(CoreError::invalid(f("topics"), "has more than 64 entries"));
        }
        let mut topic_idx = Vec::with_capacity(ad.topics.len());
        for (j, &t) in ad.topics.iter().enumerate() {
            let idx = self.topics.index_of(t).ok_or_else(|| {
                CoreError::invalid(
                    format!("ads[{i}].topics[{j}]"),
                    format!("{t} is not a Topics taxonomy v2 id"),
                )
            })?;
            topic_idx.push(idx);
        }
        if !ad.campaign.is_empty() {
            check_id(&f("campaign"), &ad.campaign, l.max_id_bytes)?;
        }
        let caller_embedding = !ad.embedding.is_empty();
        let (text_embedding, hits) = self
            .embedder
            .embed_ad_with_topics(&ad.title, &ad.text, &topic_idx);
        // Topics the text is about: those with at least half the strongest one's evidence.
        let strongest = hits.0.first().map_or(0.0, |h| h.1);
        let inferred_topics: Vec<u16> = hits
            .0
            .iter()
            .filter(|h| h.1 >= 0.5 * strongest && !topic_idx.contains(&h.0))
            .map(|h| h.0)
            .take(4)
            .collect();
        let embedding: Vec<f32> = if caller_embedding {
            if ad.embedding.len() != self.config.d {
                return Err(CoreError::invalid(
                    f("embedding"),
                    format!(
                        "has dimension {}, the engine's is {}",
                        ad.embedding.len(),
                        self.config.d
                    ),
                ));
            }
            if ad.embedding.iter().any(|x| !x.is_finite()) {
                return Err(CoreError::invalid(
                    f("embedding"),
                    "contains a non-finite value",
                ));
            }
            // The norm in f64: squaring a component near f32's limit would
            // overflow to infinity and turn the vector into zeros.
            let n = ad
                .embedding
                .iter()
                .map(|&x| f64::from(x) * f64::from(x))
                .sum::<f64>()
                .sqrt();
            if n <= 1e-12 {
                return Err(CoreError::invalid(f("embedding"), "is the zero vector"));
            }
            ad.embedding
                .iter()
                .map(|&x| (f64::from(x) / n) as f32)
                .collect()
        } else {
            text_embedding.ok_or_else(|| {
                CoreError::invalid(f("text"), "title, text and topics carry nothing to match on; give text, topics or an embedding")
            })?
        };
        let mut sensitive = sensitive_iab(&ad.categories);
        for (j, name) in ad.sensitive_categories.iter().enumerate() {
            let c = Categories::from_name(name.trim()).ok_or_else(|| {
                CoreError::invalid(
                    format!("ads[{i}].sensitive_categories[{j}]"),
                    format!(
                        "{name:?} is not one of {}",
                        crate::privacy::sensitive::CATEGORIES.join(", ")
                    ),
                )
            })?;
            sensitive.0 |= c.0;
        }
        sensitive.0 |= self.guard.detect(&ad.title).0 | self.guard.detect(&ad.text).0;
        Ok(AdRecord {
            sensitive,
            cap_key: murmur3_signed(ad.ad_id.as_bytes()) as u32,
            adv_key: cap_key_of(&advertiser),
            campaign_key: cap_key_of(&ad.campaign),
            campaign: ad.campaign,
            words: AdWords::new(self.embedder.word_hashes(&[&ad.title, &ad.text])),
            inferred_topics,
            ad_id: ad.ad_id,
            advertiser,
            title: ad.title,
            text: ad.text,
            categories: ad
                .categories
                .iter()
                .map(|c| c.trim().to_ascii_uppercase())
                .collect(),
            topics: ad.topics,
            topic_idx,
            bid_cpm: ad.bid_cpm,
            tags: ad.tags,
            embedding: embedding.into_boxed_slice(),
            caller_embedding,
        })
    }

    /// Validates every ad first, then stores them all: a batch with one bad
    /// ad changes nothing.
    ///
    /// No batch limit here: a Python caller may load a whole catalog in one
    /// call; the wire limits a call's size (`server::ops`).
    pub fn upsert_ads(&self, ads: Vec<wire::Ad>) -> Result<usize> {
        let logged = self.upsert_log_entry(&ads);
        let mut records = Vec::with_capacity(ads.len());
        let mut seen = std::collections::HashSet::new();
        for (i, ad) in ads.into_iter().enumerate() {
            if !seen.insert(ad.ad_id.clone()) {
                return Err(CoreError::invalid(
                    format!("ads[{i}].ad_id"),
                    format!("{:?} appears twice in the batch", ad.ad_id),
                ));
            }
            records.push(self.ad_record(i, ad)?);
        }
        let n = records.len();
        self.log_and_upsert(&logged, records)?;
        self.catalog.maybe_fold()?;
        Ok(n)
    }

    /// Deletes ads; an unknown id fails the whole call and deletes nothing.
    pub fn delete_ads(&self, ad_ids: &[String]) -> Result<usize> {
        for (i, id) in ad_ids.iter().enumerate() {
            check_id(&format!("ad_ids[{i}]"), id, self.config.limits.max_id_bytes)?;
            if self.catalog.get(id).is_none() {
                return Err(CoreError::not_found(
                    format!("ad_ids[{i}]"),
                    format!("no ad {id:?} in the catalog"),
                ));
            }
        }
        let n = self.log_and_delete(ad_ids)?;
        self.catalog.maybe_fold()?;
        Ok(n)
    }

    pub fn get_ad(&self, ad_id: &str) -> Result<wire::Ad> {
        check_id("ad_id", ad_id, self.config.limits.max_id_bytes)?;
        let r = self.catalog.get(ad_id).ok_or_else(|| {
            CoreError::not_found("ad_id", format!("no ad {ad_id:?} in the catalog"))
        })?;
        Ok(wire_ad(&r, true))
    }
}

/// A stored ad on the wire. With `with_embedding` false, an embedding the
/// engine computed from the text is left out (a catalog snapshot keeps what
/// the caller sent; the text's embedding is recomputed on load).
pub(super) fn wire_ad(r: &AdRecord, with_embedding: bool) -> wire::Ad {
    wire::Ad {
        ad_id: r.ad_id.clone(),
        advertiser: r.advertiser.clone(),
        title: r.title.clone(),
        text: r.text.clone(),
        categories: r.categories.clone(),
        topics: r.topics.clone(),
        bid_cpm: r.bid_cpm,
        embedding: if with_embedding || r.caller_embedding {
            r.embedding.to_vec()
        } else {
            Vec::new()
        },
        tags: r.tags.clone(),
        sensitive_categories: r.sensitive.names().iter().map(|n| n.to_string()).collect(),
        campaign: r.campaign.clone(),
    }
}

/// Special categories implied by IAB Content Taxonomy 1.0 codes: health
/// conditions (IAB7-2 and up; the bare tier-1 IAB7 "Health & Fitness" too,
/// unless the ad says it is IAB7-1 Exercise), politics (IAB11-4), dating and
/// gay life (IAB14-1, IAB14-3), ethnic specific (IAB14-8), religion (IAB23).
fn sensitive_iab(categories: &[String]) -> Categories {
    let bit = |n: &str| Categories::from_name(n).map_or(0, |c| c.0);
    let cats: Vec<String> = categories
        .iter()
        .map(|c| c.trim().to_ascii_uppercase())
        .collect();
    let exercise = cats.iter().any(|c| c == "IAB7-1");
    let mut c = 0u8;
    for cat in &cats {
        let (tier1, _) = cat.split_once('-').unwrap_or((cat, ""));
        c |= match (tier1, cat.as_str()) {
            ("IAB7", "IAB7-1") => 0,
            ("IAB7", "IAB7") if exercise => 0,
            ("IAB7", _) => bit("health"),
            (_, "IAB11-4") => bit("politics"),
            (_, "IAB14-1") | (_, "IAB14-3") => bit("sex_life"),
            (_, "IAB14-8") => bit("ethnic_origin"),
            ("IAB23", _) => bit("religion"),
            _ => 0,
        };
    }
    Categories(c)
}
