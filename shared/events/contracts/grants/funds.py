"""Contracts of the grants service's fund and contribution events; what every grants event means
for a consumer follows (docs/events.md shows it).

Money: every amount is a Decimal string quantized to the currency's minor unit (2 places)
with its ISO 4217 currency, never a JSON number. `amount`/`currency` are always in the
fund's currency, which is what the fund's balance counts; money paid or pledged in another
currency also carries `original_amount`/`original_currency` and the `exchange_rate`
(1 unit of the original currency = rate units of the fund's currency) effective on its
`value_date`.

IATI transaction types (`transaction_type`): 11 incoming commitment (a pledge), 1 incoming
funds (a receipt), 2 outgoing commitment (an award; the undisbursed part returned to the
fund on closeout or cancellation is a reduction of the outgoing commitment, reported as a
positive `returned` amount with type 2), 3 disbursement.

A consumer can keep per fund, window, theme and country: pooled (`contribution.received`),
committed (`grant.committed` minus `returned` of `grant.closed`/`grant.cancelled`),
disbursed (`tranche.disbursed`) and available (received - committed; `fund_balance` in
every money event is the fund's balance right after it), and the pipeline of
applications under review (`application.screened` with status `under_review`, until
`application.awarded`/`rejected`/`withdrawn`).

`EXAMPLES` holds one valid payload per event type (used by the contract tests)."""
from marshmallow import fields, validate

from shared.events.contracts.grants.pieces import (
    CONTRIBUTION_STATUSES,
    FundBalanceSchema,
    FundContext,
    date_field,
    iati_type_field,
    money_field,
    org_type_field,
)
from shared.events.contracts.registry import contract
from shared.events.fields import Currency, DecimalString, UTCDateTime
from shared.events.schemas import country_code


@contract
class FundCreatedV1(FundContext):
    """A pooled fund was set up under a window, with its grant rules."""
    event_type, version, producer = "fund.created", 1, "grants"

    name = fields.String(required=True)
    currency = Currency(required=True)
    min_grant = money_field("smallest grant, in the fund's currency")
    max_grant = money_field("largest grant, in the fund's currency")
    eligible_applicant_types = fields.List(org_type_field(), required=True)
    eligible_countries = fields.List(fields.String(validate=country_code), required=True)
    max_cofinancing_share = DecimalString(required=True, metadata={
        "description": "largest share of a project's cost a grant may cover, e.g. \"0.80\""})
    created_at = UTCDateTime(required=True)


class ContributionMoney(FundContext):
    contribution_id = fields.String(required=True)
    contributor = fields.String(required=True, metadata={"description": "the contributing partner"})
    contributor_type = org_type_field(required=True, allow_none=True)
    amount = money_field("in the fund's currency")
    currency = Currency(required=True, metadata={"description": "the fund's currency"})
    original_amount = money_field("as pledged or paid")
    original_currency = Currency(required=True)
    exchange_rate = DecimalString(required=True, metadata={
        "description": "1 original_currency = exchange_rate currency; 1 when they are the same"})
    value_date = date_field("the value date the rate applies to", required=True)
    fund_balance = fields.Nested(FundBalanceSchema, required=True)


@contract
class ContributionPledgedV1(ContributionMoney):
    """A partner pledged money to a fund (IATI 11, incoming commitment)."""
    event_type, version, producer = "contribution.pledged", 1, "grants"

    transaction_type = iati_type_field("11")
    status = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_STATUSES))
    pledged_at = UTCDateTime(required=True)


@contract
class ContributionReceivedV1(ContributionMoney):
    """Money of a pledge arrived in the fund (IATI 1, incoming funds); `amount` is this receipt."""
    event_type, version, producer = "contribution.received", 1, "grants"

    receipt_id = fields.String(required=True)
    transaction_type = iati_type_field("1")
    previous_status = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_STATUSES))
    received_total = money_field("everything received on this contribution so far, in the fund's currency")
    outstanding_original = money_field("what is still to come, in the original currency")
    received_at = UTCDateTime(required=True)
