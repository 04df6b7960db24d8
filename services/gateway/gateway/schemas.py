"""Schemas of the gateway's own resources (keys, webhooks, the event feed, the audit log,
problems). They validate requests and generate the OpenAPI document."""
from marshmallow import fields, validate

from gateway import auth
from gateway.access import EXTRA_SCOPES
from gateway.pagination import PageQuery, SortedPageQuery
from shared.actors import SCOPES
from shared.events.fields import Text, Url, UTCDateTime
from shared.events.schemas import StrictSchema
from shared.iati.identifiers import EXAMPLE, PLATFORM_ORGANISATION, key_organisation_format


def event_types() -> list[str]:
    from shared.messaging.subscriptions.gateway import FEED_EVENT_TYPES
    return sorted(FEED_EVENT_TYPES)


# -- problems -------------------------------------------------------------------------------

class FieldError(StrictSchema):
    field = Text(required=True, metadata={"description": "dotted path of the bad field"})
    messages = fields.List(Text(), required=True)
    # a refused document (the IATI import): where each problem is and of what kind
    kind = Text(metadata={"description": "schema, codelist, rule or platform (IATI import)"})
    activity = Text(allow_none=True, metadata={"description": "the activity's iati-identifier"})
    path = Text(metadata={"description": "the element (or /@attribute) in the document"})
    line = fields.Integer(allow_none=True, metadata={"description": "its line in the document"})
    reason = Text(metadata={"description": "why (the same as `messages`)"})
    # a refused sheet (the spreadsheet imports): the cell
    row = fields.Integer(allow_none=True, metadata={"description": "the sheet's row, as a spreadsheet numbers it "
                                                                  "(header = 1)"})
    column = Text(allow_none=True, metadata={"description": "the sheet's column (null: the row as a whole)"})


class Problem(StrictSchema):
    """RFC 9457 problem details."""
    type = Text(required=True, metadata={"description": "URI identifying the kind of problem"})
    title = Text(required=True)
    status = fields.Integer(required=True)
    detail = Text(required=True)
    request_id = Text(metadata={"description": "the X-Request-ID of the request"})
    errors = fields.List(fields.Nested(FieldError), metadata={"description": "each bad field (4xx bad input)"})
    allowed = fields.List(fields.Raw(), metadata={"description": "what the current state allows (409)"})
    errors_total = fields.Integer(metadata={"description": "a refused document: every problem counted (at most "
                                                           "10,000 are listed in `errors`)"})


# -- system ---------------------------------------------------------------------------------

class Health(StrictSchema):
    status = Text(required=True, validate=validate.OneOf(["ok", "degraded"]))
    broker = Text(required=True, validate=validate.OneOf(["up", "unavailable"]),
                  metadata={"description": "whether the gateway reaches the broker (every service is "
                                           "unavailable without it)"})
    database = Text(validate=validate.OneOf(["up", "unavailable"]),
                    metadata={"description": "whether the gateway's own database answers (within 0.5 s)"})
    services = fields.Dict(keys=Text(), values=Text(validate=validate.OneOf(
        ["up", "unavailable", "database_unavailable"])), required=True,
        metadata={"description": "each service: up, unavailable (does not answer), or "
                                 "database_unavailable (answers, but its database does not)"})


class Liveness(StrictSchema):
    status = Text(required=True, validate=validate.OneOf(["alive"]))


class Check(StrictSchema):
    ok = fields.Boolean(required=True)
    detail = Text(required=True)


class Readiness(StrictSchema):
    ready = fields.Boolean(required=True)
    checks = fields.Dict(keys=Text(), values=fields.Nested(Check), required=True,
                         metadata={"description": "broker, database, and each service (answers an RPC in time)"})


# -- keys -----------------------------------------------------------------------------------

class KeyInput(StrictSchema):
    organisation = Text(required=True, validate=[validate.Length(min=1, max=100), key_organisation_format],
                        metadata={"description": "the organisation the key acts for: an IATI organisation "
                                                 "identifier, the reporting_org ref of the programmes it "
                                                 f"writes (e.g. `{EXAMPLE}`), or `{PLATFORM_ORGANISATION}`"})
    role = Text(required=True, validate=validate.OneOf(auth.ROLES))
    name = Text(load_default="", validate=validate.Length(max=200),
                metadata={"description": "a label to recognise the key by"})
    scopes = fields.List(Text(validate=validate.OneOf(SCOPES)),
                         validate=validate.Length(min=1, max=len(SCOPES)),
                         metadata={"description": "a subset of the role's scopes (default: all of them), plus "
                                                  f"{', '.join(EXTRA_SCOPES)} if the key may have it"})


class KeyOut(StrictSchema):
    id = Text(required=True)
    prefix = Text(required=True, metadata={"description": "first characters of the key"})
    name = Text(required=True)
    organisation = Text(required=True)
    role = Text(required=True, validate=validate.OneOf(auth.ROLES))
    scopes = fields.List(Text(validate=validate.OneOf(SCOPES)), required=True)
    created_at = UTCDateTime(required=True)
    created_by = Text(required=True, allow_none=True)
    revoked_at = UTCDateTime(required=True, allow_none=True)


class KeyCreated(KeyOut):
    key = Text(required=True, metadata={"description": "the key itself: shown only in this response"})


class KeyPage(StrictSchema):
    items = fields.List(fields.Nested(KeyOut), required=True)
    next = Text(required=True, allow_none=True)


class KeyQuery(SortedPageQuery):
    organisation = Text(validate=validate.Length(min=1, max=200))
    role = Text(validate=validate.OneOf(auth.ROLES))
    revoked = fields.Boolean(metadata={"description": "true: only revoked keys; false: only live ones"})


# -- webhooks -------------------------------------------------------------------------------

class WebhookInput(StrictSchema):
    url = Url(required=True, schemes={"https", "http"}, require_tld=False,
              validate=validate.Length(max=2000),
              metadata={"description": "where to POST deliveries (https; see docs/api.md)"})
    event_types = fields.List(Text(validate=validate.OneOf(["*"] + event_types())), required=True,
                              validate=validate.Length(min=1, max=50),
                              metadata={"description": "event types to receive, or [\"*\"] for all"})
    description = Text(load_default=None, validate=validate.Length(max=500))


class WebhookOut(StrictSchema):
    id = Text(required=True)
    organisation = Text(required=True)
    url = Text(required=True)
    event_types = fields.List(Text(), required=True)
    description = Text(required=True, allow_none=True)
    active = fields.Boolean(required=True)
    disabled_reason = fields.String(required=True, allow_none=True, metadata={
        "description": "why the subscription stopped (null while active): deleted, or its key was revoked"})
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)


class WebhookCreated(WebhookOut):
    secret = Text(required=True, metadata={
        "description": "signing secret (HMAC-SHA256): shown only in this response"})


class WebhookPage(StrictSchema):
    items = fields.List(fields.Nested(WebhookOut), required=True)
    next = Text(required=True, allow_none=True)


class WebhookQuery(SortedPageQuery):
    active = fields.Boolean()


class AttemptOut(StrictSchema):
    attempt = fields.Integer(required=True)
    at = UTCDateTime(required=True)
    status_code = fields.Integer(required=True, allow_none=True)
    error = Text(required=True, allow_none=True)
    duration_ms = fields.Integer(required=True)


class DeliveryOut(StrictSchema):
    id = fields.Integer(required=True)
    event_id = Text(required=True)
    event_type = Text(required=True)
    sequence = fields.Integer(required=True)
    status = Text(required=True, validate=validate.OneOf(["pending", "delivered", "failed"]))
    attempts = fields.Integer(required=True)
    next_attempt_at = UTCDateTime(required=True, allow_none=True)
    last_status_code = fields.Integer(required=True, allow_none=True)
    last_error = Text(required=True, allow_none=True)
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)
    log = fields.List(fields.Nested(AttemptOut), required=True, metadata={"description": "every attempt"})


class DeliveryPage(StrictSchema):
    items = fields.List(fields.Nested(DeliveryOut), required=True)
    next = Text(required=True, allow_none=True)


class DeliveryQuery(PageQuery):
    status = Text(validate=validate.OneOf(["pending", "delivered", "failed"]))


# -- event feed -----------------------------------------------------------------------------

class EventQuery(StrictSchema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**53), metadata={
        "description": "the sequence number of the last event seen (0: from the start)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    type = Text(validate=validate.Length(min=1, max=1000), metadata={
        "description": "only these event types (comma-separated)"})


class EventOut(StrictSchema):
    sequence = fields.Integer(required=True, metadata={"description": "position in the feed; use as `after`"})
    event_id = Text(required=True)
    type = Text(required=True)
    version = fields.Integer(required=True)
    producer = Text(required=True)
    occurred_at = Text(required=True)
    correlation_id = Text(required=True)
    payload = fields.Dict(required=True)


class EventPage(StrictSchema):
    items = fields.List(fields.Nested(EventOut), required=True)
    next = Text(required=True, metadata={
        "description": "URL of the next page; poll it: an empty page means you are up to date"})


# -- audit ----------------------------------------------------------------------------------

class AuditOut(StrictSchema):
    id = fields.Integer(required=True)
    at = UTCDateTime(required=True)
    request_id = Text(required=True)
    key_id = Text(required=True, allow_none=True)
    organisation = Text(required=True, allow_none=True)
    role = Text(required=True, allow_none=True)
    client = Text(required=True, allow_none=True)
    method = Text(required=True)
    path = Text(required=True)
    route = Text(required=True, allow_none=True)
    status = fields.Integer(required=True)
    outcome = Text(required=True, validate=validate.OneOf(["ok", "rejected", "refused", "error"]))
    detail = fields.Dict(required=True, allow_none=True)
    count = fields.Integer(required=True, metadata={
        "description": "requests this entry stands for: 1, or a refusal row's count of the refusals of its key "
                       "(or client address) and status in one minute (`at` the first, `last_at` the latest)"})
    last_at = UTCDateTime(required=True, allow_none=True, metadata={"description": "a refusal row's latest refusal"})


class AuditPage(StrictSchema):
    items = fields.List(fields.Nested(AuditOut), required=True)
    next = Text(required=True, allow_none=True)


class AuditQuery(PageQuery):
    key_id = Text(validate=validate.Length(min=1, max=40))
    outcome = Text(validate=validate.OneOf(["ok", "rejected", "refused", "error"]))
    request_id = Text(validate=validate.Length(min=1, max=128))
    modified_since = UTCDateTime(metadata={"description": "entries at or after this time"})


# -- plan -----------------------------------------------------------------------------------

class PlanQuery(StrictSchema):
    plan = Text(validate=validate.Length(min=1, max=200),
                metadata={"description": "plan id (default: the current plan)"})


# -- the dashboard ---------------------------------------------------------------------------

class StreamQuery(StrictSchema):
    plan = Text(validate=validate.Length(min=1, max=100), metadata={"description": "plan id (default: the first)"})
    last_event_id = Text(validate=validate.Length(min=1, max=100), metadata={
        "description": "the state the client has (the ETag of its GET /v1/objective/progress, without W/ and "
                       "quotes): not sent again; EventSource's Last-Event-ID header takes precedence"})


class MapCityOut(StrictSchema):
    key = Text(metadata={"description": "the city's id"})
    name = Text(allow_none=True)
    country = Text(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"})
    latitude = Text(allow_none=True, metadata={"description": "Decimal string (degrees); null: place by country"})
    longitude = Text(allow_none=True)
    figures = fields.Dict(metadata={"description": "the city's figures, as GET /v1/objective/progress/city has them"})


class MapOut(StrictSchema):
    plan_id = Text()
    as_of = Text(allow_none=True)
    cities = fields.List(fields.Nested(MapCityOut))
