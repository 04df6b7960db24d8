"""Contracts of the grants service's call events (opened, closed)."""
from marshmallow import fields, validate

from shared.events.contracts.grants.pieces import CALL_STATUSES, FundContext, money_field
from shared.events.contracts.registry import contract
from shared.events.fields import Currency, UTCDateTime


@contract
class CallOpenedV1(FundContext):
    """A call for proposals opened under a fund."""
    event_type, version, producer = "call.opened", 1, "grants"

    call_id = fields.String(required=True)
    title = fields.String(required=True)
    themes = fields.List(fields.String(), required=True, metadata={"description": "plan theme codes"})
    opens_at = UTCDateTime(required=True)
    closes_at = UTCDateTime(required=True)
    envelope = money_field("the most the call may award, in the fund's currency")
    currency = Currency(required=True)
    required_reviews = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    criteria = fields.List(fields.String(), required=True, metadata={"description": "criterion codes"})
    opened_at = UTCDateTime(required=True)


@contract
class CallClosedV1(FundContext):
    """A call stopped taking applications (closed by an administrator or at its deadline)."""
    event_type, version, producer = "call.closed", 1, "grants"

    call_id = fields.String(required=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(CALL_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(CALL_STATUSES))
    reason = fields.String(required=True, validate=validate.OneOf(["deadline", "closed_by_admin"]))
    envelope = money_field("in the fund's currency")
    committed = money_field("awarded under the call so far, net of returns")
    currency = Currency(required=True)
    applications = fields.Integer(required=True, strict=True, validate=validate.Range(min=0),
                                  metadata={"description": "applications received"})
    closed_at = UTCDateTime(required=True)
