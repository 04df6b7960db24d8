"""Contracts of the events the grants service produces.

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
from datetime import date, datetime, timezone
from decimal import Decimal

from marshmallow import fields, validate

from shared.events.contracts.registry import contract
from shared.events.fields import Currency, DecimalString, UTCDateTime
from shared.events.schemas import StrictSchema, country_code
from shared.reference import ORGANISATION_TYPES

WINDOWS = ("country_city", "global")
CONTRIBUTION_STATUSES = ("pledged", "partly_received", "received")
CALL_STATUSES = ("open", "closed")
APPLICATION_STATUSES = ("submitted", "under_review", "ineligible", "awarded", "rejected", "withdrawn")
GRANT_STATUSES = ("active", "closed", "cancelled")
REPORT_STATUSES = ("due", "submitted", "approved")
TRANCHE_CONDITIONS = ("none", "report_approved")


def _money(description, **kwargs):
    return DecimalString(required=True, places=2, metadata={"description": description}, **kwargs)


def _org_type(**kwargs):
    return fields.String(validate=validate.OneOf(list(ORGANISATION_TYPES)),
                         metadata={"description": "IATI OrganisationType code"}, **kwargs)


def _iati_type(code: str):
    return fields.String(required=True, validate=validate.OneOf([code]),
                         metadata={"description": "IATI TransactionType code"})


def _date(description, **kwargs):
    return fields.Date(metadata={"description": f"{description} (ISO date YYYY-MM-DD)"}, **kwargs)


class FundBalanceSchema(StrictSchema):
    """A fund's balance in its currency: available = received - committed; committed is net of
    returns and includes what was disbursed."""
    currency = Currency(required=True)
    pledged = _money("incoming commitments (IATI 11), converted when pledged")
    received = _money("incoming funds (IATI 1), converted on their value date")
    committed = _money("outgoing commitments (IATI 2) net of returns")
    disbursed = _money("disbursements (IATI 3)")
    available = _money("received - committed: what may still be awarded")


class TargetSchema(StrictSchema):
    indicator = fields.String(required=True, metadata={"description": "plan indicator code"})
    value = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


class ScreeningFailureSchema(StrictSchema):
    rule = fields.String(required=True, metadata={"description": "code of the failed rule"})
    field = fields.String(required=True, metadata={"description": "application field the rule checks"})
    reason = fields.String(required=True)


class TrancheSchema(StrictSchema):
    tranche_id = fields.String(required=True)
    number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    amount = _money("in the fund's currency")
    planned_date = _date("when it is planned", required=True, allow_none=True)
    condition = fields.String(required=True, validate=validate.OneOf(TRANCHE_CONDITIONS))
    condition_report_id = fields.String(required=True, allow_none=True,
                                        metadata={"description": "the report that must be approved first"})


class ReportObligationSchema(StrictSchema):
    report_id = fields.String(required=True)
    title = fields.String(required=True)
    due_date = _date("due", required=True)
    final = fields.Boolean(required=True)


# --- shared field groups (not contracts themselves) --------------------------------------

class _FundContext(StrictSchema):
    fund_id = fields.String(required=True)
    window = fields.String(required=True, validate=validate.OneOf(WINDOWS),
                           metadata={"description": "funding window of the fund"})


class _ApplicationContext(_FundContext):
    application_id = fields.String(required=True)
    call_id = fields.String(required=True)
    theme = fields.String(required=True, metadata={"description": "plan theme code"})
    country = fields.String(required=True, validate=country_code)
    city = fields.String(required=True, metadata={"description": "city name"})
    applicant_organisation = fields.String(required=True)
    applicant_type = _org_type(required=True)
    programme_id = fields.String(required=True, metadata={"description": "platform id of the programme"})
    programme_iati_identifier = fields.String(required=True, allow_none=True,
                                              metadata={"description": "IATI identifier of the programme"})
    amount_requested = _money("requested, in the fund's currency")
    project_cost = _money("the project's total cost, in the fund's currency")
    currency = Currency(required=True, metadata={"description": "the fund's currency"})
    targets = fields.List(fields.Nested(TargetSchema), required=True,
                          metadata={"description": "results the applicant claims it will achieve"})


class _GrantContext(_FundContext):
    grant_id = fields.String(required=True)
    application_id = fields.String(required=True)
    call_id = fields.String(required=True)
    theme = fields.String(required=True, metadata={"description": "plan theme code"})
    country = fields.String(required=True, validate=country_code)
    city = fields.String(required=True, metadata={"description": "city name"})
    recipient_organisation = fields.String(required=True)
    recipient_type = _org_type(required=True)
    programme_id = fields.String(required=True, metadata={"description": "platform id of the programme"})
    programme_iati_identifier = fields.String(required=True, allow_none=True,
                                              metadata={"description": "IATI identifier of the programme"})
    currency = Currency(required=True, metadata={"description": "the fund's currency"})


# --- funds and contributions -------------------------------------------------------------

@contract
class FundCreatedV1(_FundContext):
    """A pooled fund was set up under a window, with its grant rules."""
    event_type, version, producer = "fund.created", 1, "grants"

    name = fields.String(required=True)
    currency = Currency(required=True)
    min_grant = _money("smallest grant, in the fund's currency")
    max_grant = _money("largest grant, in the fund's currency")
    eligible_applicant_types = fields.List(_org_type(), required=True)
    eligible_countries = fields.List(fields.String(validate=country_code), required=True)
    max_cofinancing_share = DecimalString(required=True, metadata={
        "description": "largest share of a project's cost a grant may cover, e.g. \"0.80\""})
    created_at = UTCDateTime(required=True)


class _ContributionMoney(_FundContext):
    contribution_id = fields.String(required=True)
    contributor = fields.String(required=True, metadata={"description": "the contributing partner"})
    contributor_type = _org_type(required=True, allow_none=True)
    amount = _money("in the fund's currency")
    currency = Currency(required=True, metadata={"description": "the fund's currency"})
    original_amount = _money("as pledged or paid")
    original_currency = Currency(required=True)
    exchange_rate = DecimalString(required=True, metadata={
        "description": "1 original_currency = exchange_rate currency; 1 when they are the same"})
    value_date = _date("the value date the rate applies to", required=True)
    fund_balance = fields.Nested(FundBalanceSchema, required=True)


@contract
class ContributionPledgedV1(_ContributionMoney):
    """A partner pledged money to a fund (IATI 11, incoming commitment)."""
    event_type, version, producer = "contribution.pledged", 1, "grants"

    transaction_type = _iati_type("11")
    status = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_STATUSES))
    pledged_at = UTCDateTime(required=True)


@contract
class ContributionReceivedV1(_ContributionMoney):
    """Money of a pledge arrived in the fund (IATI 1, incoming funds); `amount` is this receipt."""
    event_type, version, producer = "contribution.received", 1, "grants"

    receipt_id = fields.String(required=True)
    transaction_type = _iati_type("1")
    previous_status = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(CONTRIBUTION_STATUSES))
    received_total = _money("everything received on this contribution so far, in the fund's currency")
    outstanding_original = _money("what is still to come, in the original currency")
    received_at = UTCDateTime(required=True)


# --- calls ---------------------------------------------------------------------------

@contract
class CallOpenedV1(_FundContext):
    """A call for proposals opened under a fund."""
    event_type, version, producer = "call.opened", 1, "grants"

    call_id = fields.String(required=True)
    title = fields.String(required=True)
    themes = fields.List(fields.String(), required=True, metadata={"description": "plan theme codes"})
    opens_at = UTCDateTime(required=True)
    closes_at = UTCDateTime(required=True)
    envelope = _money("the most the call may award, in the fund's currency")
    currency = Currency(required=True)
    required_reviews = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    criteria = fields.List(fields.String(), required=True, metadata={"description": "criterion codes"})
    opened_at = UTCDateTime(required=True)


@contract
class CallClosedV1(_FundContext):
    """A call stopped taking applications (closed by an administrator or at its deadline)."""
    event_type, version, producer = "call.closed", 1, "grants"

    call_id = fields.String(required=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(CALL_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(CALL_STATUSES))
    reason = fields.String(required=True, validate=validate.OneOf(["deadline", "closed_by_admin"]))
    envelope = _money("in the fund's currency")
    committed = _money("awarded under the call so far, net of returns")
    currency = Currency(required=True)
    applications = fields.Integer(required=True, strict=True, validate=validate.Range(min=0),
                                  metadata={"description": "applications received"})
    closed_at = UTCDateTime(required=True)


# --- applications and reviews ---------------------------------------------------------------

@contract
class ApplicationSubmittedV1(_ApplicationContext):
    """An application was submitted to an open call (screening follows at once)."""
    event_type, version, producer = "application.submitted", 1, "grants"

    submitted_at = UTCDateTime(required=True)


@contract
class ApplicationScreenedV1(_ApplicationContext):
    """An application was screened against the fund's and the call's rules: `under_review`
    when every rule passed, else `ineligible` with every failed rule."""
    event_type, version, producer = "application.screened", 1, "grants"

    passed = fields.Boolean(required=True)
    failures = fields.List(fields.Nested(ScreeningFailureSchema), required=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    screened_at = UTCDateTime(required=True)


@contract
class ReviewSubmittedV1(_ApplicationContext):
    """A reviewer scored an application against the call's criteria."""
    event_type, version, producer = "review.submitted", 1, "grants"

    review_id = fields.String(required=True)
    reviewer = fields.String(required=True)
    reviewer_organisation = fields.String(required=True)
    total_score = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    recommendation = fields.String(required=True, validate=validate.OneOf(["award", "reject"]))
    reviews = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                             metadata={"description": "reviews of the application so far"})
    reviewed_at = UTCDateTime(required=True)


@contract
class ApplicationAwardedV1(_ApplicationContext):
    """The determination awarded the application; `grant.committed` carries the money."""
    event_type, version, producer = "application.awarded", 1, "grants"

    grant_id = fields.String(required=True)
    amount_awarded = _money("in the fund's currency")
    reasons = fields.List(fields.String(), required=True)
    reviews = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    previous_status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    awarded_at = UTCDateTime(required=True)


@contract
class ApplicationRejectedV1(_ApplicationContext):
    """The determination rejected the application, with its reasons."""
    event_type, version, producer = "application.rejected", 1, "grants"

    reasons = fields.List(fields.String(), required=True)
    reviews = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    previous_status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    rejected_at = UTCDateTime(required=True)


@contract
class ApplicationWithdrawnV1(_ApplicationContext):
    """The applicant withdrew its application before the determination."""
    event_type, version, producer = "application.withdrawn", 1, "grants"

    previous_status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(APPLICATION_STATUSES))
    withdrawn_at = UTCDateTime(required=True)


# --- grants ---------------------------------------------------------------------------

@contract
class GrantCommittedV1(_GrantContext):
    """An award committed money from a fund to a grant (IATI 2, outgoing commitment)."""
    event_type, version, producer = "grant.committed", 1, "grants"

    transaction_type = _iati_type("2")
    amount = _money("committed, in the fund's currency")
    tranches = fields.List(fields.Nested(TrancheSchema), required=True)
    reports = fields.List(fields.Nested(ReportObligationSchema), required=True)
    targets = fields.List(fields.Nested(TargetSchema), required=True)
    call_envelope = _money("the call's envelope")
    call_committed = _money("committed under the call, this grant included")
    fund_balance = fields.Nested(FundBalanceSchema, required=True)
    committed_at = UTCDateTime(required=True)


@contract
class TrancheDisbursedV1(_GrantContext):
    """Money of a tranche was paid to the grantee (IATI 3, disbursement)."""
    event_type, version, producer = "tranche.disbursed", 1, "grants"

    disbursement_id = fields.String(required=True)
    tranche_id = fields.String(required=True)
    tranche_number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    transaction_type = _iati_type("3")
    amount = _money("disbursed now, in the fund's currency")
    value_date = _date("of the payment", required=True)
    grant_committed = _money("the grant's commitment")
    grant_disbursed = _money("disbursed on the grant so far, this payment included")
    fund_balance = fields.Nested(FundBalanceSchema, required=True)
    disbursed_at = UTCDateTime(required=True)


class _ReportContext(_GrantContext):
    report_id = fields.String(required=True)
    title = fields.String(required=True)
    final = fields.Boolean(required=True)
    due_date = _date("due", required=True)


@contract
class ReportDueV1(_ReportContext):
    """A reporting obligation falls due soon (sent once, when its due date comes within the
    notice period)."""
    event_type, version, producer = "report.due", 1, "grants"

    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    notified_at = UTCDateTime(required=True)


@contract
class ReportOverdueV1(_ReportContext):
    """A report was not submitted by its due date (sent once per report)."""
    event_type, version, producer = "report.overdue", 1, "grants"

    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    days_overdue = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    overdue_at = UTCDateTime(required=True)


@contract
class ReportSubmittedV1(_ReportContext):
    """The grantee submitted a report, with the results it reports."""
    event_type, version, producer = "report.submitted", 1, "grants"

    results = fields.List(fields.Nested(TargetSchema), required=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    submitted_at = UTCDateTime(required=True)


@contract
class ReportApprovedV1(_ReportContext):
    """A report was approved; tranches conditioned on it may be disbursed."""
    event_type, version, producer = "report.approved", 1, "grants"

    results = fields.List(fields.Nested(TargetSchema), required=True)
    previous_status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(REPORT_STATUSES))
    approved_at = UTCDateTime(required=True)


class _GrantEnded(_GrantContext):
    transaction_type = _iati_type("2")
    committed = _money("the grant's original commitment")
    disbursed = _money("disbursed over the grant's life")
    returned = _money("undisbursed money returned to the fund (a reduction of the outgoing commitment)")
    previous_status = fields.String(required=True, validate=validate.OneOf(GRANT_STATUSES))
    status = fields.String(required=True, validate=validate.OneOf(GRANT_STATUSES))
    fund_balance = fields.Nested(FundBalanceSchema, required=True)


@contract
class GrantClosedV1(_GrantEnded):
    """A grant was closed out after its final report was approved; what was not disbursed
    returns to the fund."""
    event_type, version, producer = "grant.closed", 1, "grants"

    closed_at = UTCDateTime(required=True)


@contract
class GrantCancelledV1(_GrantEnded):
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


# --- one valid payload per event type ----------------------------------------------------

_AT = datetime(2020, 6, 30, 12, 0, tzinfo=timezone.utc)
_BALANCE = {"currency": "USD", "pledged": Decimal("1000000.00"), "received": Decimal("800000.00"),
            "committed": Decimal("150000.00"), "disbursed": Decimal("50000.00"),
            "available": Decimal("650000.00")}
_FUND = {"fund_id": "f-1", "window": "country_city"}
_APPLICATION = {**_FUND, "application_id": "a-1", "call_id": "c-1", "theme": "gender_equality",
                "country": "UG", "city": "Jinja", "applicant_organisation": "Jinja Municipal Council",
                "applicant_type": "11", "programme_id": "p-1", "programme_iati_identifier": "XM-DAC-1-P1",
                "amount_requested": Decimal("40000.00"), "project_cost": Decimal("50000.00"),
                "currency": "USD", "targets": [{"indicator": "people_reached", "value": 5000}]}
_GRANT = {**_FUND, "grant_id": "g-1", "application_id": "a-1", "call_id": "c-1", "theme": "gender_equality",
          "country": "UG", "city": "Jinja", "recipient_organisation": "Jinja Municipal Council",
          "recipient_type": "11", "programme_id": "p-1", "programme_iati_identifier": "XM-DAC-1-P1",
          "currency": "USD"}
_CONTRIBUTION = {**_FUND, "contribution_id": "k-1", "contributor": "Government of Sweden",
                 "contributor_type": "10", "amount": Decimal("110000.00"), "currency": "USD",
                 "original_amount": Decimal("100000.00"), "original_currency": "EUR",
                 "exchange_rate": Decimal("1.1"), "value_date": date(2020, 6, 1), "fund_balance": _BALANCE}
_REPORT = {**_GRANT, "report_id": "r-1", "title": "Mid-term report", "final": False,
           "due_date": date(2020, 12, 31)}
_ENDED = {**_GRANT, "transaction_type": "2", "committed": Decimal("40000.00"),
          "disbursed": Decimal("30000.00"), "returned": Decimal("10000.00"), "previous_status": "active",
          "fund_balance": _BALANCE}

EXAMPLES = {
    "fund.created": {**_FUND, "name": "Innovation Fund", "currency": "USD", "min_grant": Decimal("10000.00"),
                     "max_grant": Decimal("75000.00"), "eligible_applicant_types": ["11", "22", "24"],
                     "eligible_countries": ["UG", "KE"], "max_cofinancing_share": Decimal("0.80"),
                     "created_at": _AT},
    "contribution.pledged": {**_CONTRIBUTION, "transaction_type": "11", "status": "pledged", "pledged_at": _AT},
    "contribution.received": {**_CONTRIBUTION, "receipt_id": "k-1-1", "transaction_type": "1",
                              "previous_status": "pledged", "status": "received",
                              "received_total": Decimal("110000.00"), "outstanding_original": Decimal("0.00"),
                              "received_at": _AT},
    "call.opened": {**_FUND, "call_id": "c-1", "title": "Innovation Fund 2020: women and the city economy",
                    "themes": ["gender_equality"], "opens_at": _AT, "closes_at": datetime(
                        2020, 9, 30, 23, 59, tzinfo=timezone.utc), "envelope": Decimal("300000.00"),
                    "currency": "USD", "required_reviews": 2, "criteria": ["relevance", "feasibility"],
                    "opened_at": _AT},
    "call.closed": {**_FUND, "call_id": "c-1", "previous_status": "open", "status": "closed",
                    "reason": "deadline", "envelope": Decimal("300000.00"), "committed": Decimal("40000.00"),
                    "currency": "USD", "applications": 12, "closed_at": _AT},
    "application.submitted": {**_APPLICATION, "submitted_at": _AT},
    "application.screened": {**_APPLICATION, "passed": False, "failures": [
        {"rule": "cofinancing", "field": "amount_requested",
         "reason": "the grant may cover at most 80% of the project's cost (40000.00 USD)"}],
        "previous_status": "submitted", "status": "ineligible", "screened_at": _AT},
    "review.submitted": {**_APPLICATION, "review_id": "v-1", "reviewer": "key-7",
                         "reviewer_organisation": "UN-Habitat", "total_score": 8, "recommendation": "award",
                         "reviews": 1, "reviewed_at": _AT},
    "application.awarded": {**_APPLICATION, "grant_id": "g-1", "amount_awarded": Decimal("40000.00"),
                            "reasons": ["strong local ownership"], "reviews": 2,
                            "previous_status": "under_review", "status": "awarded", "awarded_at": _AT},
    "application.rejected": {**_APPLICATION, "reasons": ["weak budget"], "reviews": 2,
                             "previous_status": "under_review", "status": "rejected", "rejected_at": _AT},
    "application.withdrawn": {**_APPLICATION, "previous_status": "under_review", "status": "withdrawn",
                              "withdrawn_at": _AT},
    "grant.committed": {**_GRANT, "transaction_type": "2", "amount": Decimal("40000.00"), "tranches": [
        {"tranche_id": "t-1", "number": 1, "amount": Decimal("30000.00"), "planned_date": date(2020, 7, 1),
         "condition": "none", "condition_report_id": None},
        {"tranche_id": "t-2", "number": 2, "amount": Decimal("10000.00"), "planned_date": None,
         "condition": "report_approved", "condition_report_id": "r-1"}],
        "reports": [{"report_id": "r-1", "title": "Mid-term report", "due_date": date(2020, 12, 31),
                     "final": False}],
        "targets": [{"indicator": "people_reached", "value": 5000}],
        "call_envelope": Decimal("300000.00"), "call_committed": Decimal("40000.00"),
        "fund_balance": _BALANCE, "committed_at": _AT},
    "tranche.disbursed": {**_GRANT, "disbursement_id": "d-1", "tranche_id": "t-1", "tranche_number": 1,
                          "transaction_type": "3", "amount": Decimal("30000.00"), "value_date": date(2020, 7, 1),
                          "grant_committed": Decimal("40000.00"), "grant_disbursed": Decimal("30000.00"),
                          "fund_balance": _BALANCE, "disbursed_at": _AT},
    "report.due": {**_REPORT, "status": "due", "notified_at": _AT},
    "report.overdue": {**_REPORT, "status": "due", "days_overdue": 3, "overdue_at": _AT},
    "report.submitted": {**_REPORT, "results": [{"indicator": "people_reached", "value": 4200}],
                         "previous_status": "due", "status": "submitted", "submitted_at": _AT},
    "report.approved": {**_REPORT, "results": [{"indicator": "people_reached", "value": 4200}],
                        "previous_status": "submitted", "status": "approved", "approved_at": _AT},
    "grant.closed": {**_ENDED, "status": "closed", "closed_at": _AT},
    "grant.cancelled": {**_ENDED, "status": "cancelled", "reason": "the grantee dissolved", "cancelled_at": _AT},
}
