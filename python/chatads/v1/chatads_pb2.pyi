from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Personalization(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERSONALIZATION_UNSPECIFIED: _ClassVar[Personalization]
    PERSONALIZED: _ClassVar[Personalization]
    CONTEXTUAL: _ClassVar[Personalization]
    NONE: _ClassVar[Personalization]

class PersonalizationLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERSONALIZATION_LEVEL_UNSPECIFIED: _ClassVar[PersonalizationLevel]
    LEVEL_FULL: _ClassVar[PersonalizationLevel]
    LEVEL_CONTEXTUAL: _ClassVar[PersonalizationLevel]
    LEVEL_NO_ADS: _ClassVar[PersonalizationLevel]
PERSONALIZATION_UNSPECIFIED: Personalization
PERSONALIZED: Personalization
CONTEXTUAL: Personalization
NONE: Personalization
PERSONALIZATION_LEVEL_UNSPECIFIED: PersonalizationLevel
LEVEL_FULL: PersonalizationLevel
LEVEL_CONTEXTUAL: PersonalizationLevel
LEVEL_NO_ADS: PersonalizationLevel

class Regs(_message.Message):
    __slots__ = ("gdpr", "coppa", "gpp", "gpp_sid")
    GDPR_FIELD_NUMBER: _ClassVar[int]
    COPPA_FIELD_NUMBER: _ClassVar[int]
    GPP_FIELD_NUMBER: _ClassVar[int]
    GPP_SID_FIELD_NUMBER: _ClassVar[int]
    gdpr: int
    coppa: int
    gpp: str
    gpp_sid: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, gdpr: _Optional[int] = ..., coppa: _Optional[int] = ..., gpp: _Optional[str] = ..., gpp_sid: _Optional[_Iterable[int]] = ...) -> None: ...

class ScoreRequest(_message.Message):
    __slots__ = ("request_id", "user_id", "session_id", "message", "max_ads", "regs", "consent", "bcat", "badv", "tmax_ms", "user_is_minor")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MAX_ADS_FIELD_NUMBER: _ClassVar[int]
    REGS_FIELD_NUMBER: _ClassVar[int]
    CONSENT_FIELD_NUMBER: _ClassVar[int]
    BCAT_FIELD_NUMBER: _ClassVar[int]
    BADV_FIELD_NUMBER: _ClassVar[int]
    TMAX_MS_FIELD_NUMBER: _ClassVar[int]
    USER_IS_MINOR_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    user_id: str
    session_id: str
    message: str
    max_ads: int
    regs: Regs
    consent: str
    bcat: _containers.RepeatedScalarFieldContainer[str]
    badv: _containers.RepeatedScalarFieldContainer[str]
    tmax_ms: int
    user_is_minor: bool
    def __init__(self, request_id: _Optional[str] = ..., user_id: _Optional[str] = ..., session_id: _Optional[str] = ..., message: _Optional[str] = ..., max_ads: _Optional[int] = ..., regs: _Optional[_Union[Regs, _Mapping]] = ..., consent: _Optional[str] = ..., bcat: _Optional[_Iterable[str]] = ..., badv: _Optional[_Iterable[str]] = ..., tmax_ms: _Optional[int] = ..., user_is_minor: _Optional[bool] = ...) -> None: ...

class ChatTurn(_message.Message):
    __slots__ = ("request",)
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    request: ScoreRequest
    def __init__(self, request: _Optional[_Union[ScoreRequest, _Mapping]] = ...) -> None: ...

class Topic(_message.Message):
    __slots__ = ("id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ...) -> None: ...

class ScoredAd(_message.Message):
    __slots__ = ("ad_id", "advertiser", "bid_cpm", "relevance", "score", "topics", "pctr", "title", "text", "explanation")
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    ADVERTISER_FIELD_NUMBER: _ClassVar[int]
    BID_CPM_FIELD_NUMBER: _ClassVar[int]
    RELEVANCE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    PCTR_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    ad_id: str
    advertiser: str
    bid_cpm: float
    relevance: float
    score: float
    topics: _containers.RepeatedCompositeFieldContainer[Topic]
    pctr: float
    title: str
    text: str
    explanation: str
    def __init__(self, ad_id: _Optional[str] = ..., advertiser: _Optional[str] = ..., bid_cpm: _Optional[float] = ..., relevance: _Optional[float] = ..., score: _Optional[float] = ..., topics: _Optional[_Iterable[_Union[Topic, _Mapping]]] = ..., pctr: _Optional[float] = ..., title: _Optional[str] = ..., text: _Optional[str] = ..., explanation: _Optional[str] = ...) -> None: ...

class ScoreResponse(_message.Message):
    __slots__ = ("request_id", "ads", "personalization", "reasons", "profile_updated", "took_us")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ADS_FIELD_NUMBER: _ClassVar[int]
    PERSONALIZATION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    PROFILE_UPDATED_FIELD_NUMBER: _ClassVar[int]
    TOOK_US_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    ads: _containers.RepeatedCompositeFieldContainer[ScoredAd]
    personalization: Personalization
    reasons: _containers.RepeatedScalarFieldContainer[str]
    profile_updated: bool
    took_us: int
    def __init__(self, request_id: _Optional[str] = ..., ads: _Optional[_Iterable[_Union[ScoredAd, _Mapping]]] = ..., personalization: _Optional[_Union[Personalization, str]] = ..., reasons: _Optional[_Iterable[str]] = ..., profile_updated: _Optional[bool] = ..., took_us: _Optional[int] = ...) -> None: ...

class Ad(_message.Message):
    __slots__ = ("ad_id", "advertiser", "title", "text", "categories", "topics", "bid_cpm", "embedding", "tags", "sensitive_categories", "campaign")
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    ADVERTISER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    BID_CPM_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    SENSITIVE_CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    ad_id: str
    advertiser: str
    title: str
    text: str
    categories: _containers.RepeatedScalarFieldContainer[str]
    topics: _containers.RepeatedScalarFieldContainer[int]
    bid_cpm: float
    embedding: _containers.RepeatedScalarFieldContainer[float]
    tags: _containers.RepeatedScalarFieldContainer[str]
    sensitive_categories: _containers.RepeatedScalarFieldContainer[str]
    campaign: str
    def __init__(self, ad_id: _Optional[str] = ..., advertiser: _Optional[str] = ..., title: _Optional[str] = ..., text: _Optional[str] = ..., categories: _Optional[_Iterable[str]] = ..., topics: _Optional[_Iterable[int]] = ..., bid_cpm: _Optional[float] = ..., embedding: _Optional[_Iterable[float]] = ..., tags: _Optional[_Iterable[str]] = ..., sensitive_categories: _Optional[_Iterable[str]] = ..., campaign: _Optional[str] = ...) -> None: ...

class UpsertAdsRequest(_message.Message):
    __slots__ = ("ads",)
    ADS_FIELD_NUMBER: _ClassVar[int]
    ads: _containers.RepeatedCompositeFieldContainer[Ad]
    def __init__(self, ads: _Optional[_Iterable[_Union[Ad, _Mapping]]] = ...) -> None: ...

class UpsertAdsResponse(_message.Message):
    __slots__ = ("upserted", "catalog_size")
    UPSERTED_FIELD_NUMBER: _ClassVar[int]
    CATALOG_SIZE_FIELD_NUMBER: _ClassVar[int]
    upserted: int
    catalog_size: int
    def __init__(self, upserted: _Optional[int] = ..., catalog_size: _Optional[int] = ...) -> None: ...

class DeleteAdsRequest(_message.Message):
    __slots__ = ("ad_ids",)
    AD_IDS_FIELD_NUMBER: _ClassVar[int]
    ad_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ad_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class DeleteAdsResponse(_message.Message):
    __slots__ = ("deleted", "catalog_size")
    DELETED_FIELD_NUMBER: _ClassVar[int]
    CATALOG_SIZE_FIELD_NUMBER: _ClassVar[int]
    deleted: int
    catalog_size: int
    def __init__(self, deleted: _Optional[int] = ..., catalog_size: _Optional[int] = ...) -> None: ...

class GetAdRequest(_message.Message):
    __slots__ = ("ad_id",)
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    ad_id: str
    def __init__(self, ad_id: _Optional[str] = ...) -> None: ...

class GetProfileRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class TopicWeight(_message.Message):
    __slots__ = ("id", "name", "weight")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    weight: float
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., weight: _Optional[float] = ...) -> None: ...

class ProfileReport(_message.Message):
    __slots__ = ("exists", "topics", "created_at", "updated_at", "expires_at", "turns", "opted_out", "consent_basis", "summary")
    EXISTS_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    TURNS_FIELD_NUMBER: _ClassVar[int]
    OPTED_OUT_FIELD_NUMBER: _ClassVar[int]
    CONSENT_BASIS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    exists: bool
    topics: _containers.RepeatedCompositeFieldContainer[TopicWeight]
    created_at: int
    updated_at: int
    expires_at: int
    turns: int
    opted_out: bool
    consent_basis: str
    summary: str
    def __init__(self, exists: _Optional[bool] = ..., topics: _Optional[_Iterable[_Union[TopicWeight, _Mapping]]] = ..., created_at: _Optional[int] = ..., updated_at: _Optional[int] = ..., expires_at: _Optional[int] = ..., turns: _Optional[int] = ..., opted_out: _Optional[bool] = ..., consent_basis: _Optional[str] = ..., summary: _Optional[str] = ...) -> None: ...

class ForgetUserRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class ForgetUserResponse(_message.Message):
    __slots__ = ("had_data",)
    HAD_DATA_FIELD_NUMBER: _ClassVar[int]
    had_data: bool
    def __init__(self, had_data: _Optional[bool] = ...) -> None: ...

class SetOptOutRequest(_message.Message):
    __slots__ = ("user_id", "opted_out")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    OPTED_OUT_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    opted_out: bool
    def __init__(self, user_id: _Optional[str] = ..., opted_out: _Optional[bool] = ...) -> None: ...

class SetOptOutResponse(_message.Message):
    __slots__ = ("opted_out",)
    OPTED_OUT_FIELD_NUMBER: _ClassVar[int]
    opted_out: bool
    def __init__(self, opted_out: _Optional[bool] = ...) -> None: ...

class ExplainAdRequest(_message.Message):
    __slots__ = ("user_id", "ad_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    ad_id: str
    def __init__(self, user_id: _Optional[str] = ..., ad_id: _Optional[str] = ...) -> None: ...

class AdExplanation(_message.Message):
    __slots__ = ("ad_id", "advertiser", "ad_topics", "interest_topics", "shared_topics", "relevance", "explanation", "how_to_change")
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    ADVERTISER_FIELD_NUMBER: _ClassVar[int]
    AD_TOPICS_FIELD_NUMBER: _ClassVar[int]
    INTEREST_TOPICS_FIELD_NUMBER: _ClassVar[int]
    SHARED_TOPICS_FIELD_NUMBER: _ClassVar[int]
    RELEVANCE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    HOW_TO_CHANGE_FIELD_NUMBER: _ClassVar[int]
    ad_id: str
    advertiser: str
    ad_topics: _containers.RepeatedCompositeFieldContainer[Topic]
    interest_topics: _containers.RepeatedCompositeFieldContainer[TopicWeight]
    shared_topics: _containers.RepeatedCompositeFieldContainer[Topic]
    relevance: float
    explanation: str
    how_to_change: str
    def __init__(self, ad_id: _Optional[str] = ..., advertiser: _Optional[str] = ..., ad_topics: _Optional[_Iterable[_Union[Topic, _Mapping]]] = ..., interest_topics: _Optional[_Iterable[_Union[TopicWeight, _Mapping]]] = ..., shared_topics: _Optional[_Iterable[_Union[Topic, _Mapping]]] = ..., relevance: _Optional[float] = ..., explanation: _Optional[str] = ..., how_to_change: _Optional[str] = ...) -> None: ...

class GetControlsRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class HiddenAd(_message.Message):
    __slots__ = ("ad_id", "advertiser", "title", "hidden_at")
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    ADVERTISER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_AT_FIELD_NUMBER: _ClassVar[int]
    ad_id: str
    advertiser: str
    title: str
    hidden_at: int
    def __init__(self, ad_id: _Optional[str] = ..., advertiser: _Optional[str] = ..., title: _Optional[str] = ..., hidden_at: _Optional[int] = ...) -> None: ...

class HiddenAdvertiser(_message.Message):
    __slots__ = ("advertiser", "hidden_at")
    ADVERTISER_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_AT_FIELD_NUMBER: _ClassVar[int]
    advertiser: str
    hidden_at: int
    def __init__(self, advertiser: _Optional[str] = ..., hidden_at: _Optional[int] = ...) -> None: ...

class UserControls(_message.Message):
    __slots__ = ("level", "hidden_ads", "hidden_advertisers", "blocked_topics", "opted_out")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_ADS_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_ADVERTISERS_FIELD_NUMBER: _ClassVar[int]
    BLOCKED_TOPICS_FIELD_NUMBER: _ClassVar[int]
    OPTED_OUT_FIELD_NUMBER: _ClassVar[int]
    level: PersonalizationLevel
    hidden_ads: _containers.RepeatedCompositeFieldContainer[HiddenAd]
    hidden_advertisers: _containers.RepeatedCompositeFieldContainer[HiddenAdvertiser]
    blocked_topics: _containers.RepeatedCompositeFieldContainer[Topic]
    opted_out: bool
    def __init__(self, level: _Optional[_Union[PersonalizationLevel, str]] = ..., hidden_ads: _Optional[_Iterable[_Union[HiddenAd, _Mapping]]] = ..., hidden_advertisers: _Optional[_Iterable[_Union[HiddenAdvertiser, _Mapping]]] = ..., blocked_topics: _Optional[_Iterable[_Union[Topic, _Mapping]]] = ..., opted_out: _Optional[bool] = ...) -> None: ...

class HideAdRequest(_message.Message):
    __slots__ = ("user_id", "ad_id", "whole_advertiser")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    WHOLE_ADVERTISER_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    ad_id: str
    whole_advertiser: bool
    def __init__(self, user_id: _Optional[str] = ..., ad_id: _Optional[str] = ..., whole_advertiser: _Optional[bool] = ...) -> None: ...

class UnhideAdRequest(_message.Message):
    __slots__ = ("user_id", "ad_id", "advertiser")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    ADVERTISER_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    ad_id: str
    advertiser: str
    def __init__(self, user_id: _Optional[str] = ..., ad_id: _Optional[str] = ..., advertiser: _Optional[str] = ...) -> None: ...

class TopicControlRequest(_message.Message):
    __slots__ = ("user_id", "topic_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TOPIC_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    topic_id: int
    def __init__(self, user_id: _Optional[str] = ..., topic_id: _Optional[int] = ...) -> None: ...

class SetPersonalizationRequest(_message.Message):
    __slots__ = ("user_id", "level")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    level: PersonalizationLevel
    def __init__(self, user_id: _Optional[str] = ..., level: _Optional[_Union[PersonalizationLevel, str]] = ...) -> None: ...

class GetAdHistoryRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class AdHistoryEntry(_message.Message):
    __slots__ = ("ad_id", "advertiser", "title", "shown_at_ms", "personalization", "topics", "explanation")
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    ADVERTISER_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SHOWN_AT_MS_FIELD_NUMBER: _ClassVar[int]
    PERSONALIZATION_FIELD_NUMBER: _ClassVar[int]
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    ad_id: str
    advertiser: str
    title: str
    shown_at_ms: int
    personalization: Personalization
    topics: _containers.RepeatedCompositeFieldContainer[Topic]
    explanation: str
    def __init__(self, ad_id: _Optional[str] = ..., advertiser: _Optional[str] = ..., title: _Optional[str] = ..., shown_at_ms: _Optional[int] = ..., personalization: _Optional[_Union[Personalization, str]] = ..., topics: _Optional[_Iterable[_Union[Topic, _Mapping]]] = ..., explanation: _Optional[str] = ...) -> None: ...

class AdHistory(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AdHistoryEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[AdHistoryEntry, _Mapping]]] = ...) -> None: ...

class ClearAdHistoryRequest(_message.Message):
    __slots__ = ("user_id", "ad_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    ad_id: str
    def __init__(self, user_id: _Optional[str] = ..., ad_id: _Optional[str] = ...) -> None: ...

class ClearAdHistoryResponse(_message.Message):
    __slots__ = ("cleared",)
    CLEARED_FIELD_NUMBER: _ClassVar[int]
    cleared: int
    def __init__(self, cleared: _Optional[int] = ...) -> None: ...

class IssueControlLinkRequest(_message.Message):
    __slots__ = ("user_id", "ttl_s")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TTL_S_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    ttl_s: int
    def __init__(self, user_id: _Optional[str] = ..., ttl_s: _Optional[int] = ...) -> None: ...

class ControlLink(_message.Message):
    __slots__ = ("token", "url", "expires_at")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    token: str
    url: str
    expires_at: int
    def __init__(self, token: _Optional[str] = ..., url: _Optional[str] = ..., expires_at: _Optional[int] = ...) -> None: ...
