"""The grants domain's calls, screening, reviews and determinations."""
from datetime import timedelta

import pytest
from grants_domain_builders import (
    NOW,
    D,
    make_application,
    make_call,
    make_fund,
    review,
)

from grants.domain import (
    make_review,
    screening_failures,
)
from shared.errors import Conflict, Forbidden, InvalidInput

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
