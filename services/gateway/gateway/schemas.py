"""Schemas of the gateway's own resources (keys, webhooks, the event feed, the audit log,
problems). They validate requests and generate the OpenAPI document."""
from marshmallow import ValidationError, fields, validate

from gateway import auth
from gateway.access import EXTRA_SCOPES
from gateway.pagination import PageQuery, SortedPageQuery
from shared.actors import SCOPES
from shared.events.fields import UTCDateTime
from shared.events.schemas import StrictSchema

_NO_CONTROL = validate.Regexp(r"^[^\x00-\x1f\x7f]*$", error="must not contain control characters")


def _not_blank(value):
    if not value.strip():
        raise ValidationError("must not be blank")


def event_types() -> list[str]:
    from shared.messaging.subscriptions.gateway import FEED_EVENT_TYPES
    return sorted(FEED_EVENT_TYPES)


# -- problems -------------------------------------------------------------------------------

class FieldError(StrictSchema):
    field = fields.String(required=True, metadata={"description": "dotted path of the bad field"})
    messages = fields.List(fields.String(), required=True)


class Problem(StrictSchema):
    """RFC 9457 problem details."""
    type = fields.String(required=True, metadata={"description": "URI identifying the kind of problem"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    request_id = fields.String(metadata={"description": "the X-Request-ID of the request"})
    errors = fields.List(fields.Nested(FieldError), metadata={"description": "each bad field (4xx bad input)"})
    allowed = fields.List(fields.Raw(), metadata={"description": "what the current state allows (409)"})


# -- system ---------------------------------------------------------------------------------

class Health(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(["ok", "degraded"]))
    services = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.OneOf(["up", "unavailable"])),
                           required=True)


# -- keys -----------------------------------------------------------------------------------

class KeyInput(StrictSchema):
    organisation = fields.String(required=True, validate=[validate.Length(min=1, max=200), _NO_CONTROL, _not_blank],
                                 metadata={"description": "the organisation the key acts for"})
    role = fields.String(required=True, validate=validate.OneOf(auth.ROLES))
    name = fields.String(load_default="", validate=[validate.Length(max=200), _NO_CONTROL],
                         metadata={"description": "a label to recognise the key by"})
    scopes = fields.List(fields.String(validate=validate.OneOf(SCOPES)),
                         validate=validate.Length(min=1, max=len(SCOPES)),
                         metadata={"description": "a subset of the role's scopes (default: all of them), plus "
                                                  f"{', '.join(EXTRA_SCOPES)} if the key may have it"})


class KeyOut(StrictSchema):
    id = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "first characters of the key"})
    name = fields.String(required=True)
    organisation = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(auth.ROLES))
    scopes = fields.List(fields.String(validate=validate.OneOf(SCOPES)), required=True)
    created_at = UTCDateTime(required=True)
    created_by = fields.String(required=True, allow_none=True)
    revoked_at = UTCDateTime(required=True, allow_none=True)


class KeyCreated(KeyOut):
    key = fields.String(required=True, metadata={"description": "the key itself: shown only in this response"})


class KeyPage(StrictSchema):
    items = fields.List(fields.Nested(KeyOut), required=True)
    next = fields.String(required=True, allow_none=True)


class KeyQuery(SortedPageQuery):
    organisation = fields.String(validate=validate.Length(min=1, max=200))
    role = fields.String(validate=validate.OneOf(auth.ROLES))
    revoked = fields.Boolean(metadata={"description": "true: only revoked keys; false: only live ones"})


# -- webhooks -------------------------------------------------------------------------------

class WebhookInput(StrictSchema):
    url = fields.Url(required=True, schemes={"https", "http"}, require_tld=False,
                     validate=validate.Length(max=2000),
                     metadata={"description": "where to POST deliveries (https; see docs/api.md)"})
    event_types = fields.List(fields.String(validate=validate.OneOf(["*"] + event_types())), required=True,
                              validate=validate.Length(min=1, max=50),
                              metadata={"description": "event types to receive, or [\"*\"] for all"})
    description = fields.String(load_default=None, validate=[validate.Length(max=500), _NO_CONTROL])


class WebhookOut(StrictSchema):
    id = fields.String(required=True)
    organisation = fields.String(required=True)
    url = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    description = fields.String(required=True, allow_none=True)
    active = fields.Boolean(required=True)
    disabled_reason = fields.String(required=True, allow_none=True, metadata={
        "description": "why the subscription stopped (null while active): deleted, or its key was revoked"})
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)


class WebhookCreated(WebhookOut):
    secret = fields.String(required=True, metadata={
        "description": "signing secret (HMAC-SHA256): shown only in this response"})


class WebhookPage(StrictSchema):
    items = fields.List(fields.Nested(WebhookOut), required=True)
    next = fields.String(required=True, allow_none=True)


class WebhookQuery(SortedPageQuery):
    active = fields.Boolean()


class AttemptOut(StrictSchema):
    attempt = fields.Integer(required=True)
    at = UTCDateTime(required=True)
    status_code = fields.Integer(required=True, allow_none=True)
    error = fields.String(required=True, allow_none=True)
    duration_ms = fields.Integer(required=True)


class DeliveryOut(StrictSchema):
    id = fields.Integer(required=True)
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    sequence = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["pending", "delivered", "failed"]))
    attempts = fields.Integer(required=True)
    next_attempt_at = UTCDateTime(required=True, allow_none=True)
    last_status_code = fields.Integer(required=True, allow_none=True)
    last_error = fields.String(required=True, allow_none=True)
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)
    log = fields.List(fields.Nested(AttemptOut), required=True, metadata={"description": "every attempt"})


class DeliveryPage(StrictSchema):
    items = fields.List(fields.Nested(DeliveryOut), required=True)
    next = fields.String(required=True, allow_none=True)


class DeliveryQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(["pending", "delivered", "failed"]))


# -- event feed -----------------------------------------------------------------------------

class EventQuery(StrictSchema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**53), metadata={
        "description": "the sequence number of the last event seen (0: from the start)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    type = fields.String(validate=validate.Length(min=1, max=1000), metadata={
        "description": "only these event types (comma-separated)"})


class EventOut(StrictSchema):
    sequence = fields.Integer(required=True, metadata={"description": "position in the feed; use as `after`"})
    event_id = fields.String(required=True)
    type = fields.String(required=True)
    version = fields.Integer(required=True)
    producer = fields.String(required=True)
    occurred_at = fields.String(required=True)
    correlation_id = fields.String(required=True)
    payload = fields.Dict(required=True)


class EventPage(StrictSchema):
    items = fields.List(fields.Nested(EventOut), required=True)
    next = fields.String(required=True, metadata={
        "description": "URL of the next page; poll it: an empty page means you are up to date"})


# -- audit ----------------------------------------------------------------------------------

class AuditOut(StrictSchema):
    id = fields.Integer(required=True)
    at = UTCDateTime(required=True)
    request_id = fields.String(required=True)
    key_id = fields.String(required=True, allow_none=True)
    organisation = fields.String(required=True, allow_none=True)
    role = fields.String(required=True, allow_none=True)
    client = fields.String(required=True, allow_none=True)
    method = fields.String(required=True)
    path = fields.String(required=True)
    route = fields.String(required=True, allow_none=True)
    status = fields.Integer(required=True)
    outcome = fields.String(required=True, validate=validate.OneOf(["ok", "rejected", "refused", "error"]))
    detail = fields.Dict(required=True, allow_none=True)


class AuditPage(StrictSchema):
    items = fields.List(fields.Nested(AuditOut), required=True)
    next = fields.String(required=True, allow_none=True)


class AuditQuery(PageQuery):
    key_id = fields.String(validate=validate.Length(min=1, max=40))
    outcome = fields.String(validate=validate.OneOf(["ok", "rejected", "refused", "error"]))
    request_id = fields.String(validate=validate.Length(min=1, max=128))
    modified_since = UTCDateTime(metadata={"description": "entries at or after this time"})


# -- plan -----------------------------------------------------------------------------------

class PlanQuery(StrictSchema):
    plan = fields.String(validate=validate.Length(min=1, max=200),
                         metadata={"description": "plan id (default: the current plan)"})
