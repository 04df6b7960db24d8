"""Contracts of the grants service's grant events (committed, disbursed, ended)."""
from marshmallow import fields, validate

from shared.events.contracts.grants.pieces import (
    GRANT_STATUSES,
    FundBalanceSchema,
    GrantContext,
    ReportObligationSchema,
    TargetSchema,
    TrancheSchema,
    date_field,
    iati_type_field,
    money_field,
)
from shared.events.contracts.registry import contract
from shared.events.fields import Currency, DecimalString, UTCDateTime
from shared.events.schemas import StrictSchema


@contract
class GrantCommittedV1(GrantContext):
    """An award committed money from a fund to a grant (IATI 2, outgoing commitment)."""
    event_type, version, producer = "grant.committed", 1, "grants"

    transaction_type = iati_type_field("2")
    amount = money_field("committed, in the fund's currency")
    tranches = fields.List(fields.Nested(TrancheSchema), required=True)
    reports = fields.List(fields.Nested(ReportObligationSchema), required=True)
    targets = fields.List(fields.Nested(TargetSchema), required=True)
    call_envelope = money_field("the call's envelope")
    call_committed = money_field("committed under the call, this grant included")
    fund_balance = fields.Nested(FundBalanceSchema, required=True)
    committed_at = UTCDateTime(required=True)


@contract
class TrancheDisbursedV1(GrantContext):
    """Money of a tranche was paid to the grantee (IATI 3, disbursement)."""
    event_type, version, producer = "tranche.disbursed", 1, "grants"

    disbursement_id = fields.String(required=True)
    tranche_id = fields.String(required=True)
    tranche_number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    transaction_type = iati_type_field("3")
    amount = money_field("disbursed now, in the fund's currency")
    value_date = date_field("of the payment", required=True)
    grant_committed = money_field("the grant's commitment")
    grant_disbursed = money_field("disbursed on the grant so far, this payment included")
    fund_balance = fields.Nested(FundBalanceSchema, required=True)
    disbursed_at = UTCDateTime(required=True)
    # optional (added for paid payment requests): the amount as invoiced and the rate used
    original_amount = DecimalString(places=2, metadata={"description": "as invoiced (= amount when not converted)"})
    original_currency = Currency(metadata={"description": "the invoice's currency"})
    exchange_rate = DecimalString(metadata={"description": "1 original_currency = exchange_rate currency, "
                                                           "at the invoice's value date"})



class GrantEnded(GrantContext):
    transaction_type = iati_type_field("2")
    committed = money_field("the grant's original commitment")
    disbursed = money_field("disbursed over the grant's life")
    returned = money_field("undisbursed money returned to the fund (a reduction of the outgoing commitment)")
    previous_status = fields.String(required=True, validate=validate.OneOf(GRANT_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(GRANT_STATUSES))
    fund_balance = fields.Nested(FundBalanceSchema, required=True)


@contract
class GrantClosedV1(GrantEnded):
    """A grant was closed out after its final report was approved; what was not disbursed
    returns to the fund."""
    event_type, version, producer = "grant.closed", 1, "grants"

    closed_at = UTCDateTime(required=True)


@contract
class GrantCancelledV1(GrantEnded):
    """A grant was cancelled; the undisbursed part returns to the fund."""
    event_type, version, producer = "grant.cancelled", 1, "grants"

    reason = fields.String(required=True)
    cancelled_at = UTCDateTime(required=True)


@contract
class GrantAwardedV1(StrictSchema):
    """Deprecated: the foundation's direct award, replaced by `grant.committed` (which carries
    the fund, window, theme, country and programme); no longer emitted once the grant
    lifecycle is in place."""
    event_type, version, producer = "grant.awarded", 1, "grants"

    grant_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    recipient = fields.String(required=True)
    amount = DecimalString(required=True, metadata={"description": "Decimal as a string"})
    currency = Currency(required=True)
    awarded_at = UTCDateTime(required=True)
