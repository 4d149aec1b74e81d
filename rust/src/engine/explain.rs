//! Stage 8, explain: each ranked ad on the wire, with the topics it shares
//! with the query's interests and one sentence a person can read. The topic
//! naming here serves the privacy reports too.

use smallvec::SmallVec;

use crate::rank::{self, Ranked};
use crate::wire;

use super::Engine;

/// On what basis the ads were chosen.
pub(super) fn personalization(ranked: &[Ranked], personalized: bool) -> wire::Personalization {
    if ranked.is_empty() {
        wire::Personalization::None
    } else if personalized {
        wire::Personalization::Personalized
    } else {
        wire::Personalization::Contextual
    }
}

impl Engine {
    pub(super) fn scored_ad(
        &self,
        r: &Ranked,
        interest: &[(u16, f32)],
        basis: wire::Personalization,
    ) -> (wire::ScoredAd, SmallVec<[u16; 3]>) {
        let shared = rank::shared_topics(&self.topics, interest, &r.ad, 3);
        let topics: Vec<wire::Topic> = shared.iter().map(|&t| self.wire_topic(t)).collect();
        let explanation = explain(&topics, basis, r.relevance);
        let ad = wire::ScoredAd {
            ad_id: r.ad.ad_id.clone(),
            advertiser: r.ad.advertiser.clone(),
            bid_cpm: r.ad.bid_cpm,
            relevance: r.relevance,
            score: r.score,
            topics,
            pctr: r.pctr,
            title: r.ad.title.clone(),
            text: r.ad.text.clone(),
            explanation,
        };
        (ad, shared.into_iter().collect())
    }

    /// A topic (by index) on the wire: its taxonomy id and path.
    pub(super) fn wire_topic(&self, t: u16) -> wire::Topic {
        let topic = self.topics.get(t);
        wire::Topic {
            id: topic.id,
            name: topic.path.clone(),
        }
    }

    /// Topics with their share of the total weight.
    pub(super) fn topic_weights(&self, topics: &[(u16, f32)]) -> Vec<wire::TopicWeight> {
        let total: f32 = topics.iter().map(|t| t.1).sum::<f32>().max(1e-9);
        topics
            .iter()
            .map(|&(t, w)| {
                let topic = self.topics.get(t);
                wire::TopicWeight {
                    id: topic.id,
                    name: topic.path.clone(),
                    weight: w / total,
                }
            })
            .collect()
    }
}

/// One sentence a person can read: why this ad, on what basis.
pub(super) fn explain(
    topics: &[wire::Topic],
    basis: wire::Personalization,
    relevance: f32,
) -> String {
    let whose = match basis {
        wire::Personalization::Personalized => "your recent conversations are",
        _ => "this conversation is",
    };
    if topics.is_empty() {
        let source = match basis {
            wire::Personalization::Personalized => "your recent conversations",
            _ => "this conversation",
        };
        return format!(
            "Shown because words in {source} match this ad's text (relevance {relevance:.2})."
        );
    }
    let names: Vec<String> = topics
        .iter()
        .map(|t| rank::readable_topic(&t.name))
        .collect();
    format!(
        "Shown because {whose} about {}, and so is this ad (relevance {relevance:.2}).",
        names.join(" and ")
    )
}
