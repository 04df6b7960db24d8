"""The grants domain: money, conversion, the fund's ledger and balance, screening, reviews,
awards, tranches, reports and every lifecycle. (Named test_grants_*: with pytest's default
import mode, test modules in directories without __init__.py need unique basenames.)"""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from grants import domain
from grants.domain import (
    APPLICATION_LIFECYCLE,
    CALL_LIFECYCLE,
    CONTRIBUTION_LIFECYCLE,
    GRANT_LIFECYCLE,
    REPORT_LIFECYCLE,
    TRANCHE_LIFECYCLE,
    Application,
    Balance,
    Call,
    Contribution,
    Fund,
    Grant,
    Rate,
    check_transition,
    convert,
    make_review,
    money,
    screening_failures,
)
from shared.errors import Conflict, Forbidden, InvalidInput

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


def awarded(requested="40000", tranches=None, reports=None, received="100000.00"):
    fund = make_fund(received)
    call = make_call(fund, required_reviews=1)
    app = make_application(fund, call, requested)
    app.determine("award", ["good"], [review(app, call)], call, NOW)
    grant, _ = Grant.award(app, fund, call, amount=None, tranches=tranches, reports=reports, now=NOW)
    return fund, call, app, grant


# --- money and conversion -----------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [("1.005", "1.00"), ("1.015", "1.02"), ("2", "2.00"), ("0.125", "0.12")])
def test_money_is_quantized_to_cents_with_bankers_rounding(value, expected):
    assert str(money(D(value))) == expected


RATES = {("EUR", "USD"): [Rate("EUR", "USD", date(2020, 1, 1), D("1.10")), Rate("EUR", "USD", date(2020, 7, 1),
                                                                               D("1.20"))],
         ("USD", "UGX"): [Rate("USD", "UGX", date(2020, 3, 1), D("3700"))]}


def latest(from_currency, to_currency, on):
    found = [r for r in RATES.get((from_currency, to_currency), []) if r.effective_date <= on]
    return max(found, key=lambda r: r.effective_date, default=None)


def test_the_same_currency_converts_at_one():
    assert convert(D("10.5"), "USD", "USD", TODAY, latest) == (D("10.50"), D(1))


@pytest.mark.parametrize("on, expected, rate", [
    (date(2020, 1, 1), "110.00", "1.10"),     # effective that day
    (date(2020, 6, 30), "110.00", "1.10"),    # the latest on or before the value date, never a later one
    (date(2020, 7, 1), "120.00", "1.20"),
])
def test_conversion_uses_the_latest_rate_effective_on_the_value_date(on, expected, rate):
    assert convert(D("100"), "EUR", "USD", on, latest) == (D(expected), D(rate))


def test_an_inverse_rate_is_used_when_no_direct_one_exists():
    converted, rate = convert(D("3700000"), "UGX", "USD", date(2020, 6, 1), latest)
    assert converted == D("1000.00") and rate == (D(1) / D(3700)).quantize(domain.RATE_PLACES)


def test_a_missing_rate_is_invalid_input_naming_the_pair_and_date():
    with pytest.raises(InvalidInput) as caught:
        convert(D("100"), "EUR", "USD", date(2019, 12, 31), latest, field_name="amount.currency")
    assert list(caught.value.errors) == ["amount.currency"]
    assert "EUR->USD" in caught.value.errors["amount.currency"][0] and "2019-12-31" in \
        caught.value.errors["amount.currency"][0]


# --- the fund's ledger and balance ------------------------------------------------------------------

def test_the_balance_is_explained_by_the_ledger():
    fund = make_fund(received="0")
    fund.post("11", D("150000"), now=NOW, value_date=TODAY)
    fund.post("1", D("100000"), now=NOW, value_date=TODAY)
    fund.post("2", D("60000"), now=NOW, value_date=TODAY)
    fund.post("3", D("20000"), now=NOW, value_date=TODAY)
    fund.post("2", D("-10000"), now=NOW, value_date=TODAY)   # a returned commitment
    assert fund.balance.as_dict() == {"currency": "USD", "pledged": D("150000.00"), "received": D("100000.00"),
                                      "committed": D("50000.00"), "disbursed": D("20000.00"),
                                      "available": D("50000.00")}
    assert fund.balance.undisbursed == D("30000.00")
    assert [e.transaction_type for e in fund.new_entries] == ["11", "1", "2", "3", "2"]
    recomputed = Balance.of("USD", {t: sum((e.amount for e in fund.new_entries if e.transaction_type == t), D(0))
                                    for t in ("11", "1", "2", "3")})
    assert recomputed == fund.balance


def test_nothing_can_be_committed_beyond_what_was_received():
    fund = make_fund(received="1000")
    with pytest.raises(Conflict, match="available balance is 1000.00 USD"):
        fund.post("2", D("1000.01"), now=NOW, value_date=TODAY)
    assert fund.balance.committed == 0 and len(fund.new_entries) == 1
    fund.post("2", D("1000.00"), now=NOW, value_date=TODAY)
    assert fund.balance.available == 0


def test_nothing_can_be_disbursed_beyond_the_commitments():
    fund = make_fund(received="1000")
    fund.post("2", D("500"), now=NOW, value_date=TODAY)
    with pytest.raises(Conflict, match="undisbursed commitments are 500.00 USD"):
        fund.post("3", D("500.01"), now=NOW, value_date=TODAY)


def test_a_fund_needs_its_minimum_below_its_maximum():
    with pytest.raises(InvalidInput) as caught:
        make_fund(min_grant=D("80000"), max_grant=D("75000"), eligible_countries=["UG", "UG"])
    assert set(caught.value.errors) == {"min_grant", "eligible_countries"}


# --- contributions --------------------------------------------------------------------------------

def converter(from_currency, to_currency, value_date):
    return lambda amount, c, to, on: convert(amount, c, to, on, latest)


def test_a_pledge_is_converted_and_keeps_its_original_amount():
    fund = make_fund(received="0")
    contribution, entry = Contribution.pledge(
        fund, contributor=" Sweden ", contributor_type="10", amount={"amount": D("100000"), "currency": "EUR"},
        value_date=date(2020, 6, 1), convert_fn=converter("EUR", "USD", None), now=NOW)
    assert (contribution.contributor, contribution.original_amount, contribution.original_currency,
            contribution.amount, contribution.currency, contribution.exchange_rate) == (
        "Sweden", D("100000.00"), "EUR", D("110000.00"), "USD", D("1.10"))
    assert (entry.transaction_type, entry.amount, entry.original_amount, entry.original_currency) == (
        "11", D("110000.00"), D("100000.00"), "EUR")
    assert fund.balance.pledged == D("110000.00") and fund.balance.available == 0


def test_receipts_are_converted_on_their_own_value_date_and_complete_the_pledge():
    fund = make_fund(received="0")
    contribution, _ = Contribution.pledge(
        fund, contributor="Sweden", contributor_type=None, amount={"amount": D("100000"), "currency": "EUR"},
        value_date=date(2020, 6, 1), convert_fn=converter(None, None, None), now=NOW)
    first, _ = contribution.receive(fund, amount=D("40000"), value_date=date(2020, 6, 15),
                                    convert_fn=converter(None, None, None), now=NOW)
    assert (first.amount, contribution.status, contribution.outstanding_original) == (
        D("44000.00"), "partly_received", D("60000.00"))
    rest, _ = contribution.receive(fund, amount=None, value_date=date(2020, 7, 2),
                                   convert_fn=converter(None, None, None), now=NOW)
    assert (rest.original_amount, rest.amount, rest.exchange_rate) == (D("60000.00"), D("72000.00"), D("1.20"))
    assert contribution.status == "received" and contribution.received_total == D("116000.00")
    assert fund.balance.received == D("116000.00")
    with pytest.raises(Conflict) as caught:
        contribution.receive(fund, amount=None, value_date=TODAY, convert_fn=converter(None, None, None), now=NOW)
    assert caught.value.allowed == []


def test_a_receipt_beyond_the_pledge_is_refused():
    fund = make_fund(received="0")
    contribution, _ = Contribution.pledge(
        fund, contributor="Sweden", contributor_type=None, amount={"amount": D("100"), "currency": "USD"},
        value_date=TODAY, convert_fn=converter(None, None, None), now=NOW)
    with pytest.raises(InvalidInput) as caught:
        contribution.receive(fund, amount=D("100.01"), value_date=TODAY, convert_fn=converter(None, None, None),
                             now=NOW)
    assert list(caught.value.errors) == ["amount"] and fund.balance.received == 0


# --- calls ----------------------------------------------------------------------------------------

def test_a_call_checks_its_dates_envelope_and_codes():
    fund = make_fund()
    with pytest.raises(InvalidInput) as caught:
        make_call(fund, opens_at=NOW, closes_at=NOW - timedelta(hours=1), envelope="5000",
                  criteria=[{"code": "a", "title": "A", "max_score": 5}, {"code": "a", "title": "B", "max_score": 5}])
    assert set(caught.value.errors) == {"closes_at", "envelope.amount", "criteria"}


def test_late_and_early_applications_are_refused():
    fund = make_fund()
    call = make_call(fund)
    with pytest.raises(Conflict, match="late applications are refused"):
        call.check_accepts(call.closes_at)
    with pytest.raises(Conflict, match="opens at"):
        call.check_accepts(call.opens_at - timedelta(seconds=1))
    call.check_accepts(call.closes_at - timedelta(seconds=1))
    call.close(NOW)
    with pytest.raises(Conflict) as caught:
        call.check_accepts(NOW)
    assert caught.value.allowed == []


# --- screening --------------------------------------------------------------------------------------

def test_an_eligible_application_goes_under_review():
    fund = make_fund()
    app = make_application(fund, make_call(fund))
    assert app.status == "under_review" and app.failures == []


@pytest.mark.parametrize("changes, rule, field", [
    ({"applicant_type": "70"}, "applicant_type", "applicant_type"),
    ({"country": "TZ"}, "country", "country"),
    ({"theme": "resilience_climate"}, "theme", "theme"),
    ({"requested": "9999.99", "cost": "20000"}, "min_grant", "amount_requested"),
    ({"requested": "75000.01", "cost": "200000"}, "max_grant", "amount_requested"),
    ({"requested": "40000.01"}, "cofinancing", "amount_requested"),    # 80% of 50,000 is 40,000
    ({"answers": {}}, "questions", "answers.ownership"),
    ({"answers": {"ownership": "   "}}, "questions", "answers.ownership"),
])
def test_each_rule_fails_with_its_reason(changes, rule, field):
    fund = make_fund()
    app = make_application(fund, make_call(fund), **changes)
    assert app.status == "ineligible"
    assert [(f["rule"], f["field"]) for f in app.failures] == [(rule, field)]
    assert app.failures[0]["reason"]


def test_every_failed_rule_is_listed():
    fund = make_fund()
    call = make_call(fund, envelope="60000")
    app = make_application(fund, call, requested="70000", cost="70000", applicant_type="70", country="TZ",
                           theme="cities_migration", answers={})
    assert [f["rule"] for f in app.failures] == ["applicant_type", "country", "theme", "call_envelope",
                                                 "cofinancing", "questions"]
    assert "80%" in app.failures[4]["reason"] and "56000.00 USD" in app.failures[4]["reason"]


def test_co_financing_at_exactly_the_share_passes():
    fund = make_fund(max_cofinancing_share=D("0.75"))
    assert screening_failures(make_application(fund, make_call(fund), requested="30000", cost="40000"), fund,
                              make_call(fund)) == []


def test_an_application_in_another_currency_or_with_unknown_answers_is_invalid():
    fund = make_fund()
    with pytest.raises(InvalidInput) as caught:
        make_application(fund, make_call(fund), project_cost={"amount": D("50000"), "currency": "EUR"},
                         answers={"ownership": "x", "colour": "red"})
    assert set(caught.value.errors) == {"project_cost.currency", "answers.colour"}


# --- reviews and determination --------------------------------------------------------------------

def test_a_reviewer_cannot_review_their_own_organisations_application():
    fund = make_fund()
    call = make_call(fund)
    app = make_application(fund, call)
    with pytest.raises(Forbidden, match="own organisation"):
        review(app, call, org="  jinja  municipal COUNCIL ")


def test_one_review_per_reviewer_and_scores_against_the_criteria():
    fund = make_fund()
    call = make_call(fund)
    app = make_application(fund, call)
    first = review(app, call)
    with pytest.raises(Conflict, match="already reviewed"):
        review(app, call, existing=[first])
    with pytest.raises(InvalidInput) as caught:
        make_review(app, call, reviewer="b", reviewer_organisation="World Bank", scores={"relevance": 6, "style": 1},
                    recommendation="award", comment="", existing=[], now=NOW)
    assert set(caught.value.errors) == {"scores.relevance", "scores.style"}
    with pytest.raises(InvalidInput) as caught:
        make_review(app, call, reviewer="b", reviewer_organisation="World Bank", scores={}, recommendation="award",
                    comment="", existing=[], now=NOW)
    assert set(caught.value.errors) == {"scores.relevance"}


def test_an_ineligible_application_cannot_be_reviewed_or_determined():
    fund = make_fund()
    call = make_call(fund)
    app = make_application(fund, call, country="TZ")
    with pytest.raises(Conflict) as caught:
        review(app, call)
    assert caught.value.allowed == []
    with pytest.raises(Conflict):
        app.determine("award", ["x"], [], call, NOW)


def test_the_determination_needs_the_reviews_the_call_asks_for():
    fund = make_fund()
    call = make_call(fund, required_reviews=2)
    app = make_application(fund, call)
    one = review(app, call)
    with pytest.raises(Conflict, match="asks for 2 review"):
        app.determine("award", ["good"], [one], call, NOW)
    two = review(app, call, who="key_b", org="World Bank", existing=[one])
    app.determine("reject", [" weak budget "], [one, two], call, NOW)
    assert (app.status, app.decision_reasons) == ("rejected", ["weak budget"])
    with pytest.raises(Conflict) as caught:
        app.determine("award", ["changed my mind"], [one, two], call, NOW)
    assert caught.value.allowed == [] and "rejected" in caught.value.detail


# --- awards -----------------------------------------------------------------------------------------

def test_an_award_commits_money_within_the_balance_and_the_envelope():
    fund, call, app, grant = awarded("40000")
    assert (grant.amount, grant.status, app.grant_id, call.committed) == (D("40000.00"), "active", grant.id,
                                                                            D("40000.00"))
    assert fund.balance.committed == D("40000.00") and fund.balance.available == D("60000.00")
    assert [(t.number, t.amount, t.condition) for t in grant.tranches] == [(1, D("40000.00"), "none")]
    assert [(r.title, r.final, r.due_date) for r in grant.reports] == [("Final report", True,
                                                                         TODAY + timedelta(days=365))]
    assert (grant.programme_id, grant.programme_iati_identifier, grant.theme, grant.country) == (
        "p-1", "XM-1", "gender_equality", "UG")


def test_an_award_beyond_the_available_balance_is_refused():
    fund = make_fund(received="30000")
    call = make_call(fund, required_reviews=1)
    app = make_application(fund, call, "40000")
    app.determine("award", ["good"], [review(app, call)], call, NOW)
    with pytest.raises(Conflict, match="available balance is 30000.00 USD"):
        Grant.award(app, fund, call, amount=None, tranches=None, reports=None, now=NOW)


def test_an_award_beyond_the_calls_envelope_is_refused():
    fund = make_fund(received="500000")
    call = make_call(fund, envelope="50000", required_reviews=1)
    first = make_application(fund, call, "40000")
    Grant.award(first, fund, call, amount=None, tranches=None, reports=None, now=NOW)
    second = make_application(fund, call, "20000", cost="30000", applicant_organisation="Kisumu County")
    with pytest.raises(Conflict, match="envelope has 10000.00 USD left"):
        Grant.award(second, fund, call, amount=None, tranches=None, reports=None, now=NOW)
    # a smaller award fits
    grant, _ = Grant.award(second, fund, call, amount=D("10000"), tranches=None, reports=None, now=NOW)
    assert call.remaining == 0 and grant.amount == D("10000.00")


def test_tranches_must_add_up_to_the_award_and_name_real_reports():
    usd = lambda a: {"amount": D(a), "currency": "USD"}  # noqa: E731
    with pytest.raises(InvalidInput) as caught:
        awarded("40000", tranches=[{"amount": usd("30000"), "condition": "none"},
                                   {"amount": usd("10000"), "condition": "report_approved", "report": 3}],
                reports=[{"title": "Mid-term", "due_date": TODAY + timedelta(days=90), "final": False}])
    assert set(caught.value.errors) == {"tranches.1.report", "reports"}
    with pytest.raises(InvalidInput) as caught:
        awarded("40000", tranches=[{"amount": usd("30000"), "condition": "none"},
                                   {"amount": usd("5000"), "condition": "none"}])
    assert list(caught.value.errors) == ["tranches"] and "35000.00 USD" in caught.value.errors["tranches"][0]


# --- grants after the award --------------------------------------------------------------------

def conditioned_grant():
    usd = lambda a: {"amount": D(a), "currency": "USD"}  # noqa: E731
    return awarded("40000", tranches=[
        {"amount": usd("30000"), "condition": "none", "planned_date": TODAY},
        {"amount": usd("10000"), "condition": "report_approved", "report": 1}], reports=[
        {"title": "Mid-term", "due_date": TODAY + timedelta(days=90), "final": False},
        {"title": "Final", "due_date": TODAY + timedelta(days=360), "final": True}])


def test_a_tranche_waits_for_its_condition():
    fund, call, app, grant = conditioned_grant()
    grant.disburse(fund, "1", None, TODAY, NOW)
    with pytest.raises(Conflict, match="released when report 1 .* is approved; it is due"):
        grant.disburse(fund, "2", None, TODAY, NOW)
    grant.submit_report("1", "half way", [{"indicator": "people_reached", "value": 2000}], NOW)
    with pytest.raises(Conflict, match="it is submitted"):
        grant.disburse(fund, "2", None, TODAY, NOW)
    grant.review_report("1", True, "", NOW)
    tranche, entry = grant.disburse(fund, "2", None, TODAY, NOW)
    assert (tranche.status, entry.transaction_type, entry.amount, grant.disbursed) == (
        "disbursed", "3", D("10000.00"), D("40000.00"))
    assert fund.balance.disbursed == D("40000.00") and fund.balance.available == D("60000.00")
    assert grant.people_reached() == 2000


def test_a_disbursement_never_exceeds_the_tranche_or_the_commitment():
    fund, call, app, grant = conditioned_grant()
    with pytest.raises(InvalidInput) as caught:
        grant.disburse(fund, "1", D("30000.01"), TODAY, NOW)
    assert list(caught.value.errors) == ["amount.amount"]
    grant.disburse(fund, "1", D("10000"), TODAY, NOW)
    assert grant.tranches[0].status == "planned" and grant.tranches[0].remaining == D("20000.00")
    grant.disburse(fund, "1", None, TODAY, NOW)
    with pytest.raises(Conflict) as caught:
        grant.disburse(fund, "1", D("1"), TODAY, NOW)
    assert caught.value.allowed == [] and "disbursed" in caught.value.detail
    with pytest.raises(InvalidInput) as caught:
        grant.disburse(fund, "7", None, TODAY, NOW)
    assert list(caught.value.errors) == ["tranche"]


def test_closeout_needs_the_final_report_and_returns_the_rest():
    fund, call, app, grant = conditioned_grant()
    grant.disburse(fund, "1", None, TODAY, NOW)
    with pytest.raises(Conflict, match="final report approved; it is due"):
        grant.close(fund, call, NOW)
    grant.submit_report("2", "done", [], NOW)
    grant.review_report("2", False, "add the figures", NOW)
    assert grant.reports[1].status == "due" and grant.reports[1].feedback == "add the figures"
    grant.submit_report("2", "done, with figures", [{"indicator": "people_reached", "value": 4500}], NOW)
    grant.review_report("2", True, "", NOW)
    previous, returned = grant.close(fund, call, NOW)
    assert (previous, grant.status, returned, grant.returned) == ("active", "closed", D("10000.00"),
                                                                   D("10000.00"))
    assert [t.status for t in grant.tranches] == ["disbursed", "cancelled"]
    assert fund.balance.committed == D("30000.00") and fund.balance.available == D("70000.00")
    assert call.committed == D("30000.00")
    assert fund.new_entries[-1].transaction_type == "2" and fund.new_entries[-1].amount == D("-10000.00")


def test_cancelling_returns_the_undisbursed_part_to_the_fund():
    fund, call, app, grant = conditioned_grant()
    grant.disburse(fund, "1", D("12500"), TODAY, NOW)
    previous, returned = grant.cancel(fund, call, " grantee dissolved ", NOW)
    assert (previous, grant.status, returned, grant.cancel_reason) == ("active", "cancelled", D("27500.00"),
                                                                      "grantee dissolved")
    assert fund.balance.as_dict() == {"currency": "USD", "pledged": D("0.00"), "received": D("100000.00"),
                                      "committed": D("12500.00"), "disbursed": D("12500.00"),
                                      "available": D("87500.00")}
    assert grant.undisbursed == 0 and call.remaining == D("87500.00")


@pytest.mark.parametrize("action", ["disburse", "close", "cancel", "submit_report"])
def test_an_ended_grant_allows_nothing(action):
    fund, call, app, grant = conditioned_grant()
    grant.cancel(fund, call, "stop", NOW)
    calls = {"disburse": lambda: grant.disburse(fund, "1", None, TODAY, NOW),
             "close": lambda: grant.close(fund, call, NOW), "cancel": lambda: grant.cancel(fund, call, "x", NOW),
             "submit_report": lambda: grant.submit_report("1", "x", [], NOW)}
    with pytest.raises(Conflict) as caught:
        calls[action]()
    assert caught.value.allowed == [] and "cancelled" in caught.value.detail


def test_reports_come_due_and_go_overdue_once():
    fund, call, app, grant = conditioned_grant()
    mid = grant.reports[0]
    assert grant.reports_coming_due(mid.due_date - timedelta(days=15), 14) == []
    assert grant.reports_coming_due(mid.due_date - timedelta(days=14), 14) == [mid]
    assert grant.reports_newly_overdue(mid.due_date) == []
    assert grant.reports_newly_overdue(mid.due_date + timedelta(days=1)) == [mid]
    mid.overdue_at = NOW
    assert grant.reports_newly_overdue(mid.due_date + timedelta(days=2)) == []
    assert mid.is_overdue(mid.due_date + timedelta(days=1))
    grant.submit_report("1", "late but here", [], NOW)
    assert not mid.is_overdue(mid.due_date + timedelta(days=1))


# --- the lifecycle tables -------------------------------------------------------------------------

TABLES = [("contribution", CONTRIBUTION_LIFECYCLE), ("call", CALL_LIFECYCLE), ("application", APPLICATION_LIFECYCLE),
          ("grant", GRANT_LIFECYCLE), ("report", REPORT_LIFECYCLE), ("tranche", TRANCHE_LIFECYCLE)]


@pytest.mark.parametrize("what, table", TABLES)
def test_every_transition_not_in_the_table_is_a_conflict_naming_the_allowed_ones(what, table):
    actions = {a for transitions in table.values() for a in transitions} | {"teleport"}
    for status, transitions in table.items():
        for action in actions:
            if action in transitions:
                check_transition(what, table, status, action)
            else:
                with pytest.raises(Conflict) as caught:
                    check_transition(what, table, status, action)
                assert caught.value.allowed == sorted(transitions)
                assert status in caught.value.detail
