"""Builders of valid domain objects for the grants domain tests (a module of its own, uniquely
named, so test modules can import it)."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from grants import domain
from grants.domain import (
    Application,
    Call,
    Fund,
    Grant,
    Rate,
    convert,
    make_review,
)

NOW = datetime(2020, 6, 30, 12, 0, tzinfo=timezone.utc)
TODAY = NOW.date()


def D(x):  # noqa: N802
    return Decimal(x)


def make_fund(received="100000.00", **changes):
    fields = dict(name="Innovation Fund", window="country_city", currency="USD", min_grant=D("10000"),
                  max_grant=D("75000"), eligible_applicant_types=["11", "22", "24"], eligible_countries=["UG", "KE"],
                  max_cofinancing_share=D("0.80"), now=NOW)
    fields.update(changes)
    fund = Fund.create(**fields)
    if D(received):
        fund.post(domain.INCOMING_FUNDS, D(received), now=NOW, value_date=TODAY)
    return fund


def make_call(fund, envelope="100000", required_reviews=2, **changes):
    fields = dict(title="Women and the city economy", themes=["gender_equality"], opens_at=NOW - timedelta(days=1),
                  closes_at=NOW + timedelta(days=30), envelope={"amount": D(envelope), "currency": "USD"},
                  questions=[{"code": "ownership", "text": "Who owns it?", "required": True}],
                  criteria=[{"code": "relevance", "title": "Relevance", "max_score": 5}],
                  required_reviews=required_reviews, now=NOW)
    fields.update(changes)
    return Call.open(fund, **fields)


def make_application(fund, call, requested="40000", cost="50000", **changes):
    fields = dict(applicant_organisation="Jinja Municipal Council", applicant_type="11", title="Stalls",
                  city="Jinja", country="UG", theme="gender_equality",
                  amount_requested={"amount": D(requested), "currency": "USD"},
                  project_cost={"amount": D(cost), "currency": "USD"}, proposal="text",
                  answers={"ownership": "the council"}, programme_id="p-1", programme_iati_identifier="XM-1",
                  targets=[{"indicator": "people_reached", "value": 5000}], now=NOW)
    fields.update(changes)
    app = Application.submit(fund, call, **fields)
    app.screen(fund, call, NOW)
    return app


def review(app, call, who="key_a", org="UN-Habitat", existing=()):
    return make_review(app, call, reviewer=who, reviewer_organisation=org, scores={"relevance": 4},
                       recommendation="award", comment="", existing=list(existing), now=NOW)


def awarded(requested="40000", tranches=None, reports=None, received="100000.00", signed=True):
    """(fund, call, app, grant): the grant's agreement signed and countersigned unless not `signed`."""
    fund = make_fund(received)
    call = make_call(fund, required_reviews=1)
    app = make_application(fund, call, requested)
    app.determine("award", ["good"], [review(app, call)], call, NOW)
    grant, _ = Grant.award(app, fund, call, amount=None, tranches=tranches, reports=reports, now=NOW)
    if signed:
        domain.sign_agreement(grant, "grantee", "key_grantee", NOW)
        domain.sign_agreement(grant, "fund", "key_fund", NOW)
        grant.take_events()
    return fund, call, app, grant



RATES = {("EUR", "USD"): [Rate("EUR", "USD", date(2020, 1, 1), D("1.10")), Rate("EUR", "USD", date(2020, 7, 1),
                                                                               D("1.20"))],
         ("USD", "UGX"): [Rate("USD", "UGX", date(2020, 3, 1), D("3700"))]}


def latest(from_currency, to_currency, on):
    found = [r for r in RATES.get((from_currency, to_currency), []) if r.effective_date <= on]
    return max(found, key=lambda r: r.effective_date, default=None)



def converter(from_currency, to_currency, value_date):
    return lambda amount, c, to, on: convert(amount, c, to, on, latest)
