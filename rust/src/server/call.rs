//! What a call is, whatever carries it: its service and method (from the
//! HTTP/2 path), and the status it ends with.

use tonic::Code;

use crate::error::CoreError;

pub const PACKAGE: &str = "chatads.v1";

/// The `chatads.v1` services.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    AdScoring,
    Catalog,
    Privacy,
    Diagnostics,
}

impl Service {
    pub const ALL: [Service; 4] = [
        Service::AdScoring,
        Service::Catalog,
        Service::Privacy,
        Service::Diagnostics,
    ];

    /// The full name, e.g. `chatads.v1.AdScoring`.
    pub const fn name(self) -> &'static str {
        match self {
            Service::AdScoring => "chatads.v1.AdScoring",
            Service::Catalog => "chatads.v1.Catalog",
            Service::Privacy => "chatads.v1.Privacy",
            Service::Diagnostics => "chatads.v1.Diagnostics",
        }
    }
}

/// The `chatads.v1` methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Score,
    Chat,
    UpsertAds,
    DeleteAds,
    GetAd,
    GetProfile,
    ForgetUser,
    SetOptOut,
    ExplainAd,
    GetControls,
    HideAd,
    UnhideAd,
    BlockTopic,
    UnblockTopic,
    RemoveInterest,
    SetPersonalization,
    GetAdHistory,
    ClearAdHistory,
    IssueControlLink,
    Echo,
}

impl Method {
    pub const ALL: [Method; 20] = [
        Method::Score,
        Method::Chat,
        Method::UpsertAds,
        Method::DeleteAds,
        Method::GetAd,
        Method::GetProfile,
        Method::ForgetUser,
        Method::SetOptOut,
        Method::ExplainAd,
        Method::GetControls,
        Method::HideAd,
        Method::UnhideAd,
        Method::BlockTopic,
        Method::UnblockTopic,
        Method::RemoveInterest,
        Method::SetPersonalization,
        Method::GetAdHistory,
        Method::ClearAdHistory,
        Method::IssueControlLink,
        Method::Echo,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Method::Score => "Score",
            Method::Chat => "Chat",
            Method::UpsertAds => "UpsertAds",
            Method::DeleteAds => "DeleteAds",
            Method::GetAd => "GetAd",
            Method::GetProfile => "GetProfile",
            Method::ForgetUser => "ForgetUser",
            Method::SetOptOut => "SetOptOut",
            Method::ExplainAd => "ExplainAd",
            Method::GetControls => "GetControls",
            Method::HideAd => "HideAd",
            Method::UnhideAd => "UnhideAd",
            Method::BlockTopic => "BlockTopic",
            Method::UnblockTopic => "UnblockTopic",
            Method::RemoveInterest => "RemoveInterest",
            Method::SetPersonalization => "SetPersonalization",
            Method::GetAdHistory => "GetAdHistory",
            Method::ClearAdHistory => "ClearAdHistory",
            Method::IssueControlLink => "IssueControlLink",
            Method::Echo => "Echo",
        }
    }

    pub const fn service(self) -> Service {
        match self {
            Method::Score | Method::Chat => Service::AdScoring,
            Method::UpsertAds | Method::DeleteAds | Method::GetAd => Service::Catalog,
            Method::Echo => Service::Diagnostics,
            _ => Service::Privacy,
        }
    }

    /// The method of `/chatads.v1.Service/Method` (a gRPC request path).
    pub fn from_path(path: &str) -> Option<Method> {
        let (service, method) = path.strip_prefix('/')?.split_once('/')?;
        Method::ALL
            .into_iter()
            .find(|m| m.name() == method && m.service().name() == service)
    }

    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Calls that may block on disk (fsync'd logs) or do bulk work; they run
    /// apart from the turn-scoring workers.
    pub const fn is_bulk(self) -> bool {
        matches!(
            self,
            Method::UpsertAds
                | Method::DeleteAds
                | Method::ForgetUser
                | Method::SetOptOut
                | Method::HideAd
                | Method::UnhideAd
                | Method::BlockTopic
                | Method::UnblockTopic
                | Method::RemoveInterest
                | Method::SetPersonalization
                | Method::ClearAdHistory
        )
    }
}

/// A gRPC status: code and a message for the caller (never request content
/// beyond the name of a bad field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub message: String,
}

impl Status {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
    pub fn unauthenticated(m: impl Into<String>) -> Self {
        Self::new(Code::Unauthenticated, m)
    }
    pub fn permission_denied(m: impl Into<String>) -> Self {
        Self::new(Code::PermissionDenied, m)
    }
    pub fn unavailable(m: impl Into<String>) -> Self {
        Self::new(Code::Unavailable, m)
    }
    pub fn resource_exhausted(m: impl Into<String>) -> Self {
        Self::new(Code::ResourceExhausted, m)
    }
    pub fn deadline_exceeded(m: impl Into<String>) -> Self {
        Self::new(Code::DeadlineExceeded, m)
    }
    pub fn internal(method: Method) -> Self {
        Self::new(
            Code::Internal,
            format!("internal error in {}", method.name()),
        )
    }

    /// The one mapping of engine errors to status codes (both transports):
    /// InvalidArgument → INVALID_ARGUMENT and NotFound → NOT_FOUND, with the
    /// message naming the field; anything else → INTERNAL.
    pub fn from_core(method: Method, e: &CoreError) -> Self {
        match e {
            CoreError::InvalidArgument { .. } => Self::new(Code::InvalidArgument, e.to_string()),
            CoreError::NotFound { .. } => Self::new(Code::NotFound, e.to_string()),
            CoreError::Internal(_) => Self::internal(method),
            CoreError::Unavailable(_) => Self::new(Code::Unavailable, e.to_string()),
        }
    }

    /// The upper-case name Prometheus labels and logs use (`OK`, `NOT_FOUND`, …).
    pub fn code_name(code: Code) -> &'static str {
        match code {
            Code::Ok => "OK",
            Code::Cancelled => "CANCELLED",
            Code::Unknown => "UNKNOWN",
            Code::InvalidArgument => "INVALID_ARGUMENT",
            Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
            Code::NotFound => "NOT_FOUND",
            Code::AlreadyExists => "ALREADY_EXISTS",
            Code::PermissionDenied => "PERMISSION_DENIED",
            Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
            Code::FailedPrecondition => "FAILED_PRECONDITION",
            Code::Aborted => "ABORTED",
            Code::OutOfRange => "OUT_OF_RANGE",
            Code::Unimplemented => "UNIMPLEMENTED",
            Code::Internal => "INTERNAL",
            Code::Unavailable => "UNAVAILABLE",
            Code::DataLoss => "DATA_LOSS",
            Code::Unauthenticated => "UNAUTHENTICATED",
        }
    }
}

impl From<Status> for tonic::Status {
    fn from(s: Status) -> Self {
        tonic::Status::new(s.code, s.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            Method::from_path("/chatads.v1.AdScoring/Score"),
            Some(Method::Score)
        );
        assert_eq!(Method::from_path("/chatads.v1.Catalog/Score"), None);
        assert_eq!(Method::from_path("chatads.v1.AdScoring/Score"), None);
        assert_eq!(Method::from_path("/x/y/z"), None);
        for m in Method::ALL {
            let path = format!("/{}/{}", m.service().name(), m.name());
            assert_eq!(Method::from_path(&path), Some(m));
            assert!(m.service().name().starts_with(PACKAGE));
        }
    }
}
