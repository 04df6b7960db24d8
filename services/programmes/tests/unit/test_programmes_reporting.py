"""Reporting windows on a real unit of work (conftest.py): a plan's calendar locks periods,
an admin reopens one for a programme, nothing is entered into a locked period."""
from datetime import date, timedelta

import pytest
from programmes_requests import ADMIN, PARTNER, PERIOD, approved, city_id, handlers, new_result

from shared.errors import Conflict, Forbidden, InvalidInput, NotFound, SeparationOfDuties
from shared.plan import PlanError, plans


def _reopen(uow, live, until=None, actor=None, period=PERIOD):
    until = until or (date.today() + timedelta(days=7)).isoformat()
    return handlers.reopen_period(uow, live["id"], {"period": period, "until": until, "reason": "late audit"},
                                  actor=actor)


def test_a_period_past_its_grace_takes_no_entries_until_an_admin_reopens_it(uow, live, plan_with):
    plan_with(grace_days=30)   # PERIOD ends 2020-06-30: locked since 2020-07-31
    with pytest.raises(Conflict) as caught:
        new_result(uow, live)
    assert "2020-01-01/2020-06-30" in caught.value.detail and "2020-07-31" in caught.value.detail
    state = handlers.period_state(uow, live["id"], PERIOD)
    assert (state["locked"], state["locks_on"], state["reopened_until"]) == (True, "2020-07-31", None)

    state = _reopen(uow, live, actor=ADMIN)
    assert state["locked"] is False and state["reopenings"][0]["reason"] == "late audit"
    result = new_result(uow, live, actor=PARTNER)
    handlers.submit_result(uow, result["id"], actor=PARTNER)
    assert handlers.approve_result(uow, result["id"])["status"] == "approved"


def test_a_reopening_that_ended_locks_the_period_again_and_every_entry_is_refused(uow, live, plan_with):
    result = approved(uow, live)            # entered while no calendar locked it
    draft = new_result(uow, live, city="Kisumu")
    plan_with(grace_days=0)
    for attempt in (lambda: handlers.update_result(uow, draft["id"], {"value": 5}),
                    lambda: handlers.submit_result(uow, draft["id"]),
                    lambda: handlers.revise_result(uow, result["id"], {"value": 5, "comment": "late"}),
                    lambda: handlers.import_results(uow, [{"programme_id": live["id"], "indicator": "people_reached",
                                                           "city_id": city_id(live, "Kisumu"), "period": PERIOD,
                                                           "value": 7, "id": draft["id"]}])):
        with pytest.raises((Conflict, InvalidInput)) as caught:
            attempt()
        assert "2020-01-01/2020-06-30" in str(caught.value)
    assert handlers.get_result(uow, draft["id"])["value"] == "1000"   # nothing written


def test_a_period_within_its_grace_is_open_and_a_plan_without_a_calendar_locks_by_approval_only(uow, live, plan_with):
    plan_with(grace_days=365 * 100)
    assert handlers.period_state(uow, live["id"], PERIOD)["locked"] is False
    plan_with()
    state = handlers.period_state(uow, live["id"], PERIOD)
    assert (state["locked"], state["locks_on"]) == (False, None)
    result = approved(uow, live)
    with pytest.raises(Conflict):           # an approved value is locked: only a revision changes it
        handlers.update_result(uow, result["id"], {"value": 5})


def test_only_admins_reopen_and_another_organisations_programme_looks_missing(uow, live, plan_with):
    plan_with(grace_days=30)
    with pytest.raises(Forbidden):
        _reopen(uow, live, actor=PARTNER)
    other = {**PARTNER, "organisation": "XM-ORG-2"}
    with pytest.raises(NotFound):
        handlers.period_state(uow, live["id"], PERIOD, actor=other)
    with pytest.raises(InvalidInput) as caught:
        _reopen(uow, live, until="2020-01-01", actor=ADMIN)
    assert set(caught.value.errors) == {"until"}
    with pytest.raises(InvalidInput) as caught:
        _reopen(uow, live, period={"start": "2020-06-30", "end": "2020-01-01"}, actor=ADMIN)
    assert set(caught.value.errors) == {"period.end"}


# --- approval levels ----------------------------------------------------------------------------

STAFF = {**PARTNER, "key_id": "k-staff", "scopes": ["read", "write", "programme"]}


def _submitted(uow, live, value=1000):
    result = new_result(uow, live, value)
    handlers.submit_result(uow, result["id"])
    return result


def test_two_levels_count_at_the_secretariats_approval_when_the_first_does_not(uow, live, plan_with):
    plan_with(approval_levels=2, first_level_counts=False)
    result = _submitted(uow, live)
    with pytest.raises(Forbidden):
        handlers.approve_result(uow, result["id"], actor=PARTNER, level="first")   # no programme scope
    view = handlers.approve_result(uow, result["id"], {"comment": "ok"}, actor=STAFF, level="first")
    assert (view["status"], view["approved_value"], view["allowed_actions"]) == ("endorsed", None,
                                                                                   ["approve", "return"])
    assert uow.types()[-1] == "result.approved_first_level" and uow.events[-1].payload["counts"] is False
    with pytest.raises(Forbidden):          # the secretariat's level: not programme staff
        handlers.approve_result(uow, result["id"], actor=STAFF)
    with pytest.raises(Conflict):           # no second first-level approval
        handlers.approve_result(uow, result["id"], actor=ADMIN, level="first")
    view = handlers.approve_result(uow, result["id"], actor=ADMIN)
    assert (view["status"], view["approved_value"]) == ("approved", "1000")
    assert uow.types()[-2:] == ["result.approved_first_level", "result.approved"]
    log = [e["action"] for e in view["versions"][0]["log"]]
    assert log == ["drafted", "submitted", "approved_first_level", "approved"]


def test_two_levels_count_at_the_first_when_the_plan_says_so_and_a_correction_replaces_it(uow, live, plan_with):
    plan_with(approval_levels=2, first_level_counts=True)
    result = _submitted(uow, live)
    view = handlers.approve_result(uow, result["id"], actor=STAFF, level="first")
    assert (view["status"], view["approved_value"], view["allowed_actions"]) == ("endorsed", "1000", ["approve"])
    assert uow.types()[-2:] == ["result.approved_first_level", "result.approved"]
    with pytest.raises(Conflict):           # it counts: the secretariat approves, corrections are revisions
        handlers.return_result(uow, result["id"], {"comment": "no"}, actor=ADMIN)
    events = len(uow.events)
    view = handlers.approve_result(uow, result["id"], actor=ADMIN)
    assert view["status"] == "approved" and len(uow.events) == events   # counted once, not again

    handlers.revise_result(uow, result["id"], {"value": 900, "comment": "double-counted"})
    view = handlers.approve_result(uow, result["id"], actor=STAFF, level="first")
    assert uow.types()[-1] == "result.revised" and uow.events[-1].payload["previous"]["version"] == 1
    assert [(v["version"], v["status"]) for v in view["versions"]] == [(1, "superseded"), (2, "endorsed")]
    assert view["approved_value"] == "900"


def test_a_one_level_plan_has_no_first_level(uow, live, plan_with):
    plan_with(approval_levels=1)
    result = _submitted(uow, live)
    with pytest.raises(Conflict) as caught:
        handlers.approve_result(uow, result["id"], actor=ADMIN, level="first")
    assert "one level" in caught.value.detail
    with pytest.raises(Forbidden):
        handlers.approve_result(uow, result["id"], actor=STAFF)
    assert handlers.approve_result(uow, result["id"], actor=ADMIN)["status"] == "approved"


def test_four_eyes_no_key_approves_what_it_submitted_nor_twice_the_same_version_admins_included(
        uow, live, plan_with):
    plan_with(approval_levels=2, first_level_counts=False)
    second_admin = {**ADMIN, "key_id": "k-admin-2"}
    result = new_result(uow, live, actor=STAFF)
    handlers.submit_result(uow, result["id"], actor=STAFF)
    with pytest.raises(SeparationOfDuties) as caught:
        handlers.approve_result(uow, result["id"], actor=STAFF, level="first")
    assert "submitted version 1" in caught.value.detail
    handlers.approve_result(uow, result["id"], actor=ADMIN, level="first")
    with pytest.raises(SeparationOfDuties) as caught:
        handlers.approve_result(uow, result["id"], actor=ADMIN)
    assert "first-level approval" in caught.value.detail
    assert handlers.get_result(uow, result["id"])["status"] == "endorsed"   # nothing written
    assert handlers.approve_result(uow, result["id"], actor=second_admin)["status"] == "approved"

    handlers.revise_result(uow, result["id"], {"value": 900, "comment": "double-counted"}, actor=second_admin)
    for level in ("first", None):           # the reviser is the submitter of version 2: neither level
        with pytest.raises(SeparationOfDuties):
            handlers.approve_result(uow, result["id"], actor=second_admin, level=level)
    handlers.approve_result(uow, result["id"], actor=STAFF, level="first")   # version 2 is new to STAFF
    view = handlers.approve_result(uow, result["id"], actor=ADMIN)
    assert (view["status"], view["approved_value"]) == ("approved", "900")
    assert "key" not in view["versions"][1]["log"][0]                     # kept, not shown


def test_a_one_level_plan_lets_the_admin_who_submitted_approve(uow, live, plan_with):
    plan_with(approval_levels=1)
    result = new_result(uow, live, actor=ADMIN)
    handlers.submit_result(uow, result["id"], actor=ADMIN)
    assert handlers.approve_result(uow, result["id"], actor=ADMIN)["status"] == "approved"


@pytest.mark.parametrize("reporting, word", [
    ({"grace_days": -1}, "grace_days"), ({"grace_days": "30"}, "grace_days"),
    ({"approval_levels": 3}, "approval_levels"), ({"first_level_counts": "yes"}, "first_level_counts"),
])
def test_a_plan_with_bad_reporting_rules_is_refused_when_loaded(plan_with, reporting, word):
    plan_with(**reporting)
    with pytest.raises(PlanError) as caught:
        plans()
    assert word in str(caught.value)


def test_a_reopening_is_an_event_for_the_programmes_organisation(uow, live, plan_with):
    plan_with(grace_days=30)
    _reopen(uow, live, actor=ADMIN)
    assert uow.types()[-1] == "period.reopened"
    sent = uow.events[-1].payload
    assert (sent["programme_id"], sent["reporting_org_ref"], sent["reason"], sent["granted_by"]) == (
        live["id"], "XM-ORG-1", "late audit", "platform")
    assert {k: v.isoformat() for k, v in sent["period"].items()} == PERIOD
