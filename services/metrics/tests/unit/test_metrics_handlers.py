"""Projections and queries of the metrics service against an in-memory unit of work."""
import dataclasses
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from metrics import handlers
from shared.errors import NotFound

T0 = datetime(2020, 5, 1, 10, 0, tzinfo=timezone.utc)
PLAN_ID = "strategic-plan-2018-2021"


def result_payload(result_id, indicator, city, country, value):
    return {"result_id": result_id, "programme_id": "p-1", "indicator": indicator,
            "city": {"name": city, "country": country}, "value": value, "recorded_at": T0}


def grant_payload(grant_id, amount, currency):
    return {"grant_id": grant_id, "programme_id": "p-1", "recipient": "R", "amount": Decimal(amount),
            "currency": currency, "awarded_at": T0}


@pytest.fixture(autouse=True)
def shipped_plans(monkeypatch):
    monkeypatch.delenv("PLAN_FILES", raising=False)   # the plan in shared/reference_data/plans


@pytest.fixture
def result_event(received):
    def make(*args):
        return received("result.recorded", result_payload(*args), "programmes")
    return make


def test_an_event_is_projected_with_its_inbox_record_in_one_commit(uow, received):
    event = received("programme.created", {
        "programme_id": "p-1", "title": "T", "funding_window": "global", "themes": ["cities_migration"],
        "countries": ["UG"], "cities": [{"name": "Jinja", "country": "UG"}], "created_at": T0}, "programmes",
        version=1)   # v1 still loads and projects; v2 carries the same fields and more

    assert handlers.apply_event(uow, event) is True

    assert uow.commits == 1
    assert uow.facts.programmes == {"p-1": {"programme_id": "p-1", "funding_window": "global",
                                            "themes": ["cities_migration"], "countries": ["UG"]}}
    assert list(uow.facts.inbox) == [event.event_id]


def test_a_redelivered_event_returns_false_and_is_not_applied_twice(uow, result_event):
    event = result_event("r-1", "people_reached", "Jinja", "UG", 1200)

    assert handlers.apply_event(uow, event) is True
    assert handlers.apply_event(uow, event) is False

    assert uow.facts.applied == [("result", "r-1")]
    assert uow.commits == 1 and not uow.committed
    assert uow.facts.figure({"indicator": "people_reached", "measure": "sum"}) == 1200


def test_two_events_with_the_same_content_but_different_ids_are_both_applied(uow, result_event):
    first = result_event("r-1", "people_reached", "Jinja", "UG", 5)
    second = result_event("r-1", "people_reached", "Jinja", "UG", 7)   # a correction: the latest wins
    assert first.event_id != second.event_id

    assert handlers.apply_event(uow, first) and handlers.apply_event(uow, second)
    assert uow.facts.applied == [("result", "r-1"), ("result", "r-1")]
    assert uow.facts.figure({"indicator": "people_reached", "measure": "sum"}) == 7


def test_a_failed_projection_leaves_no_inbox_record_so_redelivery_is_applied(uow, result_event):
    good = result_event("r-1", "people_reached", "Jinja", "UG", 5)
    broken = dataclasses.replace(good, payload={k: v for k, v in good.payload.items() if k != "city"})

    with pytest.raises(KeyError):
        handlers.apply_event(uow, broken)
    assert uow.commits == 0 and uow.facts.inbox == {} and uow.facts.results == {}

    assert handlers.apply_event(uow, good) is True   # same event_id, delivered again
    assert list(uow.facts.inbox) == [good.event_id]


def test_grants_are_projected_with_exact_amounts(uow, received):
    for grant_id, amount, currency in [("g-1", "1250.50", "USD"), ("g-2", "100", "USD"), ("g-3", "10.00", "EUR")]:
        handlers.apply_event(uow, received("grant.awarded", grant_payload(grant_id, amount, currency), "grants"))
    assert uow.facts.committed_money() == [{"currency": "EUR", "amount": "10.00"},
                                           {"currency": "USD", "amount": "1350.50"}]


def test_committed_grants_count_as_committed_money(uow, received):
    from shared.events.contracts.grants import EXAMPLES
    committed = dict(EXAMPLES["grant.committed"], grant_id="g-9", amount=Decimal("40000.00"), currency="USD")
    handlers.apply_event(uow, received("grant.awarded", grant_payload("g-1", "100.00", "USD"), "grants"))
    handlers.apply_event(uow, received("grant.committed", committed, "grants"))
    assert uow.facts.committed_money() == [{"currency": "USD", "amount": "40100.00"}]


def test_progress_counts_the_projected_results_against_the_plan(uow, received, result_event):
    for args in [("r-1", "people_reached", "Jinja", "UG", 1200),
                 ("r-2", "people_reached", "Kisumu", "KE", 800),
                 ("r-3", "women_empowered", "Jinja", "UG", 5),
                 ("r-4", "women_empowered", "Jinja", "UG", 3),      # same city: still one city
                 ("r-5", "women_empowered", "Kisumu", "KE", 0)]:    # zero: the city does not count
        handlers.apply_event(uow, result_event(*args))
    handlers.apply_event(uow, received("grant.awarded", grant_payload("g-1", "99.99", "USD"), "grants"))

    report = handlers.get_progress(uow, PLAN_ID)

    targets = {t["code"]: (t["value"], t["share"], t["achieved"]) for t in report["targets"]}
    assert targets == {
        "people_reached": (2000, "0.000100", False),            # 2,000 of 20,000,000
        "cities_women_empowered": (1, "0.016393", False),       # 1 of the 61 needed (more than 60)
        "countries_reached": (2, "0.285714", False),            # UG and KE, of 7
    }
    assert report["plan_id"] == PLAN_ID and report["achieved"] is False
    assert report["deadline"] == "2021-12-31"
    as_of = datetime.fromisoformat(report["as_of"].replace("Z", "+00:00"))
    assert report["days_to_deadline"] == (date(2021, 12, 31) - as_of.date()).days
    assert report["money"] == {"committed": [{"currency": "USD", "amount": "99.99"}]}
    last = max(uow.facts.inbox.values())
    assert datetime.fromisoformat(report["updated_at"].replace("Z", "+00:00")) == last


def test_progress_before_any_event(uow):
    report = handlers.get_progress(uow)   # the first plan by id
    assert report["plan_id"] == PLAN_ID
    assert [t["value"] for t in report["targets"]] == [0, 0, 0]
    assert report["updated_at"] is None and report["money"] == {"committed": []}


def test_an_unknown_plan_is_not_found(uow):
    with pytest.raises(NotFound) as caught:
        handlers.get_progress(uow, "plan-9")
    assert (caught.value.resource, caught.value.identifier) == ("plan", "plan-9")
    with pytest.raises(NotFound):
        handlers.get_plan("plan-9")


def test_plans_are_listed_and_readable():
    assert handlers.list_plans() == [{"id": PLAN_ID, "title": "Cities Alliance Strategic Plan 2018-2021"}]
    plan = handlers.get_plan()
    assert plan["id"] == PLAN_ID
    assert [t["code"] for t in plan["objective"]["targets"]] == [
        "people_reached", "cities_women_empowered", "countries_reached"]


# --- result.approved / result.revised (the programmes review workflow) --------------

def approved_payload(result_id, value, *, version=1, indicator="people_reached", corporate=True,
                     city=("Jinja", "UG"), parent_id=None, previous=None):
    from shared.events.contracts.programmes import EXAMPLES
    base = EXAMPLES["result.revised" if previous is not None else "result.approved"]
    payload = {**base, "result_id": result_id, "version": version, "value": Decimal(value), "parent_id": parent_id,
               "disaggregations": {},
               "indicator": {**base["indicator"], "code": indicator, "corporate": corporate},
               "city": {"id": "c-" + city[0], "name": city[0], "country": city[1]}}
    if previous is not None:
        payload["previous"] = {"version": version - 1, "value": Decimal(previous), "disaggregations": {},
                               "approved_at": T0}
    return payload


PEOPLE = {"indicator": "people_reached", "measure": "sum"}


def test_an_approved_value_counts_and_a_revision_replaces_it(uow, received):
    handlers.apply_event(uow, received("result.approved", approved_payload("r-1", "1200"), "programmes"))
    handlers.apply_event(uow, received("result.approved", approved_payload("r-2", "300"), "programmes"))
    assert uow.facts.figure(PEOPLE) == 1500

    revised = received("result.revised", approved_payload("r-1", "1000", version=2, previous="1200"), "programmes")
    handlers.apply_event(uow, revised)
    assert uow.facts.figure(PEOPLE) == 1300   # 1000 replaces 1200: never 2500


def test_a_late_older_version_does_not_undo_a_revision(uow, received):
    late = received("result.approved", approved_payload("r-1", "1200"), "programmes")
    handlers.apply_event(uow, received("result.revised", approved_payload("r-1", "900", version=2, previous="1200"),
                                       "programmes"))
    handlers.apply_event(uow, late)
    assert uow.facts.figure(PEOPLE) == 900


def test_results_of_a_programmes_own_indicators_do_not_count(uow, received):
    handlers.apply_event(uow, received("result.approved", approved_payload("r-1", "40", indicator="km_of_drains",
                                                                           corporate=False), "programmes"))
    assert uow.facts.results == {}
    report = handlers.get_progress(uow, PLAN_ID)
    assert [t["value"] for t in report["targets"]] == [0, 0, 0]


def test_parent_and_children_results_each_count_once(uow, received):
    for result_id, value, parent in [("r-parent", "50", None), ("r-a", "100", "p-parent"), ("r-b", "200", "p-parent")]:
        handlers.apply_event(uow, received("result.approved", approved_payload(result_id, value, parent_id=parent),
                                           "programmes"))
    assert uow.facts.figure(PEOPLE) == 350
