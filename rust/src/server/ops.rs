//! The `chatads.v1` operations on the engine, request bytes in and reply
//! bytes out: the one place where a wire call becomes an engine call. The
//! Python bindings (`Engine.*_pb`) and both transports use it. Limits that
//! protect the wire (ads or ids per call) are checked here, not in the
//! engine, so an in-process bulk load is not cut into calls.

use prost::Message;

use super::call::{Method, Service};
use crate::engine::{check_batch, Engine};
use crate::error::CoreError;
use crate::profile::Key;
use crate::wire;

/// Decodes `bytes` as `M`; a malformed message is an invalid argument.
pub fn decode<M: Message + Default>(what: &str, bytes: &[u8]) -> Result<M, CoreError> {
    M::decode(bytes)
        .map_err(|e| CoreError::invalid(what, format!("not a valid {what} message: {e}")))
}

/// The `ScoreRequest` of a `ChatTurn`.
pub fn chat_turn_request(bytes: &[u8]) -> Result<wire::ScoreRequest, CoreError> {
    decode::<wire::ChatTurn>("ChatTurn", bytes)?
        .request
        .ok_or_else(|| CoreError::invalid("request", "is required"))
}

/// Whom a Privacy call is about: the request's `user_id`, or the user of a
/// control link (the transparency page), whose request leaves `user_id` empty.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    Request,
    Link(&'a str),
}

impl Subject<'_> {
    fn key(self, engine: &Engine, user_id: &str, now: f64) -> Result<Key, CoreError> {
        match self {
            Subject::Request => engine.user_key(user_id),
            Subject::Link(token) => {
                if !user_id.is_empty() {
                    return Err(CoreError::invalid(
                        "user_id",
                        "must be empty on a control link's call (the link names the user)",
                    ));
                }
                engine.link_user(token, now)
            }
        }
    }
}

/// Runs one call on the engine (no budgets: see `Rules` for those).
pub fn call(
    engine: &Engine,
    method: Method,
    request: &[u8],
    now: f64,
) -> Result<Vec<u8>, CoreError> {
    call_as(engine, method, request, Subject::Request, now)
}

/// [`call`] for a subject: a control link may make the Privacy calls about
/// its own user, nothing else.
pub fn call_as(
    engine: &Engine,
    method: Method,
    request: &[u8],
    who: Subject<'_>,
    now: f64,
) -> Result<Vec<u8>, CoreError> {
    if matches!(who, Subject::Link(_))
        && (method.service() != Service::Privacy || method == Method::IssueControlLink)
    {
        return Err(CoreError::invalid(
            "method",
            format!("{} cannot be called with a control link", method.name()),
        ));
    }
    Ok(match method {
        Method::Score => engine
            .score(&decode("ScoreRequest", request)?, now)?
            .encode_to_vec(),
        Method::Chat => engine
            .score(&chat_turn_request(request)?, now)?
            .encode_to_vec(),
        Method::UpsertAds => {
            let req: wire::UpsertAdsRequest = decode("UpsertAdsRequest", request)?;
            check_batch("ads", req.ads.len(), engine.config.limits.max_batch)?;
            let n = engine.upsert_ads(req.ads)?;
            wire::UpsertAdsResponse {
                upserted: n as u32,
                catalog_size: engine.catalog.len() as u64,
            }
            .encode_to_vec()
        }
        Method::DeleteAds => {
            let req: wire::DeleteAdsRequest = decode("DeleteAdsRequest", request)?;
            check_batch("ad_ids", req.ad_ids.len(), engine.config.limits.max_batch)?;
            let n = engine.delete_ads(&req.ad_ids)?;
            wire::DeleteAdsResponse {
                deleted: n as u32,
                catalog_size: engine.catalog.len() as u64,
            }
            .encode_to_vec()
        }
        Method::GetAd => {
            let req: wire::GetAdRequest = decode("GetAdRequest", request)?;
            engine.get_ad(&req.ad_id)?.encode_to_vec()
        }
        Method::GetProfile => {
            let req: wire::GetProfileRequest = decode("GetProfileRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            engine.profile_report_key(&key, now)?.encode_to_vec()
        }
        Method::ForgetUser => {
            let req: wire::ForgetUserRequest = decode("ForgetUserRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            let had_data = engine.forget_key(&key, now)?;
            wire::ForgetUserResponse { had_data }.encode_to_vec()
        }
        Method::SetOptOut => {
            let req: wire::SetOptOutRequest = decode("SetOptOutRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            let opted_out = engine.set_opt_out_key(&key, req.opted_out, now)?;
            wire::SetOptOutResponse { opted_out }.encode_to_vec()
        }
        Method::ExplainAd => {
            let req: wire::ExplainAdRequest = decode("ExplainAdRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            engine
                .explain_ad_key(&key, &req.ad_id, now)?
                .encode_to_vec()
        }
        Method::GetControls => {
            let req: wire::GetControlsRequest = decode("GetControlsRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            engine.controls_report(&key)?.encode_to_vec()
        }
        Method::HideAd => {
            let req: wire::HideAdRequest = decode("HideAdRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            engine
                .hide_ad(&key, &req.ad_id, req.whole_advertiser, now)?
                .encode_to_vec()
        }
        Method::UnhideAd => {
            let req: wire::UnhideAdRequest = decode("UnhideAdRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            engine
                .unhide_ad(&key, &req.ad_id, &req.advertiser, now)?
                .encode_to_vec()
        }
        Method::BlockTopic | Method::UnblockTopic | Method::RemoveInterest => {
            let req: wire::TopicControlRequest = decode("TopicControlRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            match method {
                Method::BlockTopic => engine.block_topic(&key, req.topic_id, now)?.encode_to_vec(),
                Method::UnblockTopic => engine
                    .unblock_topic(&key, req.topic_id, now)?
                    .encode_to_vec(),
                _ => engine
                    .remove_interest(&key, req.topic_id, now)?
                    .encode_to_vec(),
            }
        }
        Method::SetPersonalization => {
            let req: wire::SetPersonalizationRequest =
                decode("SetPersonalizationRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            let level = wire::PersonalizationLevel::try_from(req.level).map_err(|_| {
                CoreError::invalid("level", format!("{} is not a level", req.level))
            })?;
            engine
                .set_personalization(&key, level, now)?
                .encode_to_vec()
        }
        Method::GetAdHistory => {
            let req: wire::GetAdHistoryRequest = decode("GetAdHistoryRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            engine.ad_history(&key, now)?.encode_to_vec()
        }
        Method::ClearAdHistory => {
            let req: wire::ClearAdHistoryRequest = decode("ClearAdHistoryRequest", request)?;
            let key = who.key(engine, &req.user_id, now)?;
            let cleared = engine.clear_ad_history(&key, &req.ad_id, now)?;
            wire::ClearAdHistoryResponse { cleared }.encode_to_vec()
        }
        Method::IssueControlLink => {
            let req: wire::IssueControlLinkRequest = decode("IssueControlLinkRequest", request)?;
            engine
                .issue_control_link(&req.user_id, req.ttl_s, now)?
                .encode_to_vec()
        }
        Method::Echo => echo_reply(),
    })
}

/// The fixed reply of `Diagnostics.Echo`: a ScoreResponse shaped like a typical
/// Score reply (3 ads with topics and explanations, about 1.1 KB encoded), so
/// that Echo measures the transport with a realistic payload.
pub fn echo_reply() -> Vec<u8> {
    let path = "/Travel & Transportation/Air Travel";
    let ads = (0..3)
        .map(|i| wire::ScoredAd {
            ad_id: format!("echo-{i:06}"),
            advertiser: format!("echo{i}-travel.example"),
            bid_cpm: 4.2 + f64::from(i),
            relevance: 0.5,
            score: 0.15,
            topics: vec![wire::Topic {
                id: 208,
                name: path.into(),
            }],
            pctr: 0.026,
            title: "SkyHop: cheap flights made easy".into(),
            text: "SkyHop: flights, fares and airport transfers, all in one place. \
                   New this season: city breaks and last-minute deals."
                .into(),
            explanation: "Shown because your recent conversations are about Travel & \
                          Transportation > Air Travel, and so is this ad (relevance 0.50)."
                .into(),
        })
        .collect();
    wire::ScoreResponse {
        request_id: "echo".into(),
        ads,
        personalization: wire::Personalization::Personalized as i32,
        profile_updated: true,
        took_us: 200,
        ..Default::default()
    }
    .encode_to_vec()
}
