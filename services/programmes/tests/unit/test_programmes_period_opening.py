"""When a period takes entries, on a real unit of work (conftest.py): from its first day (never
before, whatever the reopenings), and until the plan's calendar or the approval of the
programme's scheduled report of a period holding it locks it; an admin's reopening of a period
holding it lifts either lock."""
from datetime import date, timedelta

import pytest
from programmes_requests import ADMIN, OTHER, PARTNER, PERIOD, approved, handlers, new_result

from programmes.dependencies import backbone
from shared.errors import Conflict, Forbidden, NotFound, PeriodLocked
from shared.plan import PlanError

YEAR = {"start": "2020-01-01", "end": "2020-12-31"}
SOON = (date.today() + timedelta(days=7)).isoformat()


def _report(uow, live, period=YEAR):
    item = handlers.schedule_reports(uow, live["id"], {"items": [
        {"title": "Annual report 2020", "due_date": "2021-03-31", "period": period}]}, actor=ADMIN)["items"][0]
    return item["id"]


def test_a_period_takes_no_entries_before_it_starts_even_reopened(uow, live, plan_with):
    plan_with()
    start = date.today() + timedelta(days=1)
    future = {"start": start.isoformat(), "end": (start + timedelta(days=90)).isoformat()}
    with pytest.raises(PeriodLocked) as caught:
        new_result(uow, live, period=future)
    assert f"opens on {start}" in caught.value.detail
    handlers.reopen_period(uow, live["id"], {"period": future, "until": SOON, "reason": "ahead"}, actor=ADMIN)
    state = handlers.period_state(uow, live["id"], future)
    assert (state["locked"], state["locked_by"]) == (True, "not_started")
    with pytest.raises(PeriodLocked):
        new_result(uow, live, period=future)
    current = {"start": date.today().isoformat(), "end": (date.today() + timedelta(days=30)).isoformat()}
    assert new_result(uow, live, period=current)["status"] == "draft"      # a period in progress takes entries


def test_an_approved_report_locks_the_periods_it_holds_until_an_admin_reopens_one(uow, live, plan_with):
    plan_with()                                 # no calendar: only the report's approval locks
    draft = new_result(uow, live, city="Kisumu")
    counted = approved(uow, live)
    item = _report(uow, live)
    with pytest.raises(Conflict):               # only a submitted report is approved
        handlers.approve_scheduled_report(uow, live["id"], item, actor=ADMIN)
    handlers.submit_scheduled_report(uow, live["id"], item, actor=PARTNER)
    with pytest.raises(Forbidden):
        handlers.approve_scheduled_report(uow, live["id"], item, actor=PARTNER)
    with pytest.raises(NotFound):
        handlers.approve_scheduled_report(uow, live["id"], "zz-missing", actor=ADMIN)
    with pytest.raises(NotFound):               # another organisation's programme looks missing
        handlers.submit_scheduled_report(uow, live["id"], item, actor=OTHER)
    view = handlers.approve_scheduled_report(uow, live["id"], item, actor=ADMIN)
    assert (view["status"], view["approved_by"]) == ("approved", "platform")
    sent = [e for e in uow.events if e.type == "programme_report.approved"]
    assert [(e.payload["item_id"], e.payload["period"]["end"]) for e in sent] == [(item, date(2020, 12, 31))]
    with pytest.raises(Conflict):
        handlers.approve_scheduled_report(uow, live["id"], item, actor=ADMIN)

    for entry in (lambda: handlers.update_result(uow, draft["id"], {"value": 5}),
                  lambda: handlers.revise_result(uow, counted["id"], {"value": 5, "comment": "late"})):
        with pytest.raises(PeriodLocked) as caught:
            entry()
        assert "2020-01-01/2020-06-30" in caught.value.detail and "'Annual report 2020'" in caught.value.detail
    state = handlers.period_state(uow, live["id"], PERIOD)
    assert (state["locked"], state["locked_by"], state["approved_report"]["id"]) == (True, "approval", item)
    assert handlers.get_result(uow, draft["id"])["value"] == "1000"         # nothing written
    other_half = {"start": "2021-01-01", "end": "2021-06-30"}
    assert handlers.period_state(uow, live["id"], other_half)["locked"] is False   # outside the report

    handlers.reopen_period(uow, live["id"], {"period": YEAR, "until": SOON, "reason": "a late census"},
                           actor=ADMIN)        # the report's period: every period it holds
    state = handlers.period_state(uow, live["id"], PERIOD)
    assert (state["locked"], state["locked_by"], state["reopened_until"]) == (False, None, SOON)
    assert handlers.update_result(uow, draft["id"], {"value": 5})["value"] == "5"


def test_a_plan_with_an_unknown_year_rule_stops_the_service_at_start_up(plan_with):
    plan_with(irregular_periods="by_quarter")
    with pytest.raises(PlanError, match="reporting.irregular_periods must be one of"):
        backbone().setup()          # before it opens its database or takes a message
