"""Report schedules on a real unit of work (conftest.py): an admin schedules a programme's
reports; the sweep sends a reminder before the due date and an escalation after it, once per
item, through the outbox; a submitted report gets neither."""
from datetime import datetime, timezone

import pytest
from programmes_requests import ADMIN, OTHER, PARTNER, handlers

from programmes.handlers import sweep_schedules
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

ITEMS = [{"title": "Annual report 2020", "due_date": "2021-03-31", "remind_days": 10,
          "period": {"start": "2020-01-01", "end": "2020-12-31"}},
         {"title": "Mid-term review", "due_date": "2021-06-30"}]


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=8, tzinfo=timezone.utc)


def _sweep(uow, day):
    return sweep_schedules(lambda: uow, _at(day))


def test_reminder_then_escalation_once_each_and_none_for_a_submitted_report(uow, live):
    schedule = handlers.schedule_reports(uow, live["id"], {"items": ITEMS}, actor=ADMIN)
    annual, review = schedule["items"]
    assert (annual["status"], annual["remind_days"], review["remind_days"]) == ("due", 10, 14)

    assert _sweep(uow, "2021-03-20") == {"reminders": 0, "escalations": 0}   # 11 days before
    assert _sweep(uow, "2021-03-21") == {"reminders": 1, "escalations": 0}
    event = uow.events[-1]
    assert event.type == "programme_report.reminder_due"
    assert (event.payload["item_id"], event.payload["days_left"]) == (annual["id"], 10)
    assert event.payload["reporting_org_ref"] == "XM-ORG-1" and event.payload["period"]["end"].year == 2020
    assert _sweep(uow, "2021-03-31") == {"reminders": 0, "escalations": 0}   # sent once

    assert _sweep(uow, "2021-04-02") == {"reminders": 0, "escalations": 1}
    assert (uow.events[-1].type, uow.events[-1].payload["days_overdue"]) == ("programme_report.overdue", 2)
    assert _sweep(uow, "2021-04-03") == {"reminders": 0, "escalations": 0}

    handlers.submit_scheduled_report(uow, live["id"], review["id"], actor=PARTNER)
    assert _sweep(uow, "2021-07-01") == {"reminders": 0, "escalations": 0}
    items = handlers.get_report_schedule(uow, live["id"], actor=PARTNER)["items"]
    assert [i["status"] for i in items] == ["overdue", "submitted"] and items[1]["submitted_by"] == "XM-ORG-1"
    assert uow.types().count("programme_report.overdue") == 1


def test_a_sweep_that_first_sees_an_item_after_its_due_date_only_escalates(uow, live):
    handlers.schedule_reports(uow, live["id"], {"items": ITEMS[:1]}, actor=ADMIN)
    assert _sweep(uow, "2021-05-01") == {"reminders": 0, "escalations": 1}
    assert "programme_report.reminder_due" not in uow.types()


def test_who_schedules_and_submits(uow, live):
    with pytest.raises(Forbidden):
        handlers.schedule_reports(uow, live["id"], {"items": ITEMS}, actor=PARTNER)
    item = handlers.schedule_reports(uow, live["id"], {"items": ITEMS}, actor=ADMIN)["items"][0]
    with pytest.raises(NotFound):          # another organisation's programme looks missing
        handlers.get_report_schedule(uow, live["id"], actor=OTHER)
    with pytest.raises(NotFound):
        handlers.submit_scheduled_report(uow, live["id"], "no-such-item", actor=PARTNER)
    handlers.submit_scheduled_report(uow, live["id"], item["id"], actor=PARTNER)
    with pytest.raises(Conflict):
        handlers.submit_scheduled_report(uow, live["id"], item["id"], actor=PARTNER)


@pytest.mark.parametrize("items, field", [
    ([], "items"),
    ([{"title": "", "due_date": "2021-01-01"}], "items.0.title"),
    ([{"title": "x", "due_date": "2021-02-30"}], "items.0.due_date"),
    ([{"title": "x", "due_date": "2021-01-01", "remind_days": 366}], "items.0.remind_days"),
    ([{"title": "x", "due_date": "2021-01-01", "period": {"start": "2021-01-01", "end": "2020-01-01"}}],
     "items.0.period.end"),
])
def test_bad_schedules_are_refused_naming_the_field(uow, live, items, field):
    with pytest.raises(InvalidInput) as caught:
        handlers.schedule_reports(uow, live["id"], {"items": items}, actor=ADMIN)
    assert field in caught.value.errors
    assert handlers.get_report_schedule(uow, live["id"])["items"] == []


def test_a_submitted_report_includes_narratives_of_its_period_named_or_all_and_lists_them(uow, live):
    annual, review = handlers.schedule_reports(uow, live["id"], {"items": ITEMS}, actor=ADMIN)["items"]

    def words(start, end, category):
        return handlers.write_narrative(uow, live["id"], {"period": {"start": start, "end": end}, "category": category,
                                                          "text": "Drains cleared."}, actor=PARTNER)["narrative"]["id"]
    first, second = words("2020-01-01", "2020-06-30", "progress"), words("2020-07-01", "2020-12-31", "challenges")
    later = words("2021-01-01", "2021-06-30", "progress")

    def submit(item, body):
        return handlers.submit_scheduled_report(uow, live["id"], item["id"], body, actor=PARTNER)
    with pytest.raises(InvalidInput) as caught:
        submit(annual, {"narratives": [first, later, "n-404"]})
    assert set(caught.value.errors) == {"narratives.1", "narratives.2"}
    assert "not within the report's period" in caught.value.errors["narratives.1"][0]
    with pytest.raises(InvalidInput) as caught:     # the mid-term review names no period
        submit(review, {"include_period_narratives": True})
    assert set(caught.value.errors) == {"include_period_narratives"}
    with pytest.raises(InvalidInput) as caught:
        submit(annual, {"narratives": [first], "include_period_narratives": True})
    assert set(caught.value.errors) == {"include_period_narratives"}
    assert [i["status"] for i in handlers.get_report_schedule(uow, live["id"])["items"]] == ["due", "due"]

    assert [n["id"] for n in submit(annual, {"include_period_narratives": True})["narratives"]] == [first, second]
    submit(review, {"narratives": [later]})         # a report without a period takes any of the programme's
    listed = handlers.get_report_schedule(uow, live["id"], actor=PARTNER)["items"]
    assert [[(n["id"], n["category"]) for n in i["narratives"]] for i in listed] == [
        [(first, "progress"), (second, "challenges")], [(later, "progress")]]
    assert _sweep(uow, "2021-07-01") == {"reminders": 0, "escalations": 0}   # submitted: nothing follows
