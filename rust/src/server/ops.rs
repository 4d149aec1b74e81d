//! The `chatads.v1` operations on the engine, request bytes in and reply
//! bytes out: the one place where a wire call becomes an engine call. The
//! Python bindings (`Engine.*_pb`) and both transports use it. Limits that
//! protect the wire (ads or ids per call) are checked here, not in the
//! engine, so an in-process bulk load is not cut into calls.

use prost::Message;

use super::call::Method;
use crate::engine::{check_batch, Engine};
use crate::error::CoreError;
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

/// Runs one call on the engine (no budgets: see `Rules` for those).
pub fn call(
    engine: &Engine,
    method: Method,
    request: &[u8],
    now: f64,
) -> Result<Vec<u8>, CoreError> {
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
            engine.profile_report(&req.user_id, now)?.encode_to_vec()
        }
        Method::ForgetUser => {
            let req: wire::ForgetUserRequest = decode("ForgetUserRequest", request)?;
            let had_data = engine.forget_user(&req.user_id, now)?;
            wire::ForgetUserResponse { had_data }.encode_to_vec()
        }
        Method::SetOptOut => {
            let req: wire::SetOptOutRequest = decode("SetOptOutRequest", request)?;
            let opted_out = engine.set_opt_out(&req.user_id, req.opted_out, now)?;
            wire::SetOptOutResponse { opted_out }.encode_to_vec()
        }
        Method::ExplainAd => {
            let req: wire::ExplainAdRequest = decode("ExplainAdRequest", request)?;
            engine
                .explain_ad(&req.user_id, &req.ad_id, now)?
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
