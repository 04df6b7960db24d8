"""End to end, through the gateway over HTTP, on SQLite and PostgreSQL, with a plan that asks for
two approval levels and locks periods 60 days after they end, and a later plan whose first level
counts (docs/programmes.md): a locked period takes nothing until an admin reopens it; programme
staff approve first and figures count at the secretariat's approval (or the first level's, by the
plan), with the audit trail and four eyes; narratives with checked attachments (removed with their
files), a period's report and the IATI export (approved values only, a pending revision keeping the
approved one); report schedules whose reminders and escalations reach the feed and the organisation's
webhook once each, submitted with the narratives of their period; narratives about an indicator in
the period's report; narrative changes and reopenings in the feed; and, once the plan's calendar
locks a period (programmes restarted with it), every entry refused (edit, submit, revise, write,
attach) and an approved value changed only by a revision."""
import json
import time
import uuid
from datetime import date, timedelta

import pytest

from gateway.webhooks import verify_signature
from tests.e2e.conftest import ADMIN_KEY, running_platform
from tests.e2e.test_gateway import Receiver
from tests.e2e.test_programmes import Api, fields_of, key_for, started
from tests.helpers import wait_until
from tests.programmes_flow import PERIOD, result_body
from tests.reporting_flow import LATER, PNG, SOON, events, exported_actuals, plan_files, reopened, upload

pytestmark = [pytest.mark.e2e, pytest.mark.broker]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The gateway's STORAGE_DIR (the local storage backend): where attachments' files are kept."""
    return tmp_path_factory.mktemp("files")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def platform(request, vhost_factory, postgres_database_factory, tmp_path_factory, files):
    """Under plan_files' plans (LATER's periods across calendar years count pro rata); schedules
    swept every 0.3 s; attachments of at most 4 KiB."""
    with running_platform(request.param, vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session,
                          PLAN_FILES=plan_files(tmp_path_factory, irregular_periods="pro_rata"),
                          PROGRAMMES_SWEEP_INTERVAL="0.3", ATTACHMENT_MAX_BYTES="4096",
                          STORAGE_DIR=str(files)) as base:
        yield base


@pytest.fixture(scope="module")
def admin(platform):
    return Api(platform, ADMIN_KEY)


@pytest.fixture(scope="module")
def org(admin):
    return {"ref": f"XM-REPORTING-{uuid.uuid4().hex[:6].upper()}", "name": "Reporting partner", "type": "21"}


@pytest.fixture(scope="module")
def partner(admin, org):
    return Api(admin.base, key_for(admin, org["ref"], "partner"))


@pytest.fixture(scope="module")
def staff(admin, org):
    """Programme staff of the partner: the `programme` scope gives the first approval level."""
    key = admin.post("/v1/keys", {"organisation": org["ref"], "role": "partner",
                                  "scopes": ["read", "write", "programme"]})["key"]
    return Api(admin.base, key)


def test_a_locked_period_takes_nothing_until_an_admin_reopens_it(partner, staff, admin, org):
    programme = started(partner, org)
    refused = partner.call("POST", f"/v1/programmes/{programme['id']}/results", result_body(programme, 10), 409)
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["type"].endswith("period-locked"), refused.json()
    assert "2020-01-01/2020-06-30" in refused.json()["detail"] and "2020-08-30" in refused.json()["detail"]
    assert partner.get(f"/v1/programmes/{programme['id']}/results")["items"] == []   # nothing written
    state = partner.get(f"/v1/programmes/{programme['id']}/period", params=PERIOD)
    assert (state["locked"], state["locks_on"]) == (True, "2020-08-30")

    staff.call("POST", f"/v1/programmes/{programme['id']}/reopenings",
               {"period": PERIOD, "until": SOON, "reason": "mine"}, 403)
    bad = admin.call("POST", f"/v1/programmes/{programme['id']}/reopenings",
                     {"period": PERIOD, "until": "2020-01-01", "reason": "late"}, 422)
    assert fields_of(bad) == {"until"}
    state = admin.post(f"/v1/programmes/{programme['id']}/reopenings",
                       {"period": PERIOD, "until": SOON, "reason": "late audit"})
    assert (state["locked"], state["reopened_until"]) == (False, SOON)
    partner.post(f"/v1/programmes/{programme['id']}/results", result_body(programme, 10))


def test_figures_count_at_the_secretariats_approval_after_the_first_level_with_the_audit_trail(
        partner, staff, admin, org):
    programme = reopened(partner, admin, org)
    result = partner.post(f"/v1/programmes/{programme['id']}/results", result_body(programme, 1200))
    partner.post(f"/v1/results/{result['id']}/submit", {}, expect=200)
    partner.call("POST", f"/v1/results/{result['id']}/first-level-approval", {}, 403)   # no programme scope
    admin.call("POST", f"/v1/results/{result['id']}/approve", {}, 200)                   # admins may give it too
    view = partner.get(f"/v1/results/{result['id']}")
    assert (view["status"], view["approved_value"]) == ("endorsed", None)
    assert partner.get(f"/v1/programmes/{programme['id']}/totals")["indicators"] == []

    staff.call("POST", f"/v1/results/{result['id']}/first-level-approval", {}, 409)      # given already
    staff.call("POST", f"/v1/results/{result['id']}/approve", {}, 403)                   # the secretariat's
    four_eyes = admin.call("POST", f"/v1/results/{result['id']}/approve", {}, 403)        # gave the first level
    assert four_eyes.json()["type"].endswith("separation-of-duties"), four_eyes.json()
    secretariat = Api(admin.base, key_for(admin, "XM-SECRETARIAT", "admin"))
    view = secretariat.post(f"/v1/results/{result['id']}/approve", {"comment": "secretariat"}, expect=200)
    assert (view["status"], view["approved_value"]) == ("approved", "1200")
    totals = partner.get(f"/v1/programmes/{programme['id']}/totals")["indicators"]
    assert [(t["indicator"], t["total"]) for t in totals] == [("people_reached", "1200")]
    log = partner.get(f"/v1/results/{result['id']}")["versions"][0]["log"]
    assert [(e["action"], e["comment"]) for e in log] == [
        ("drafted", None), ("submitted", None), ("approved_first_level", None), ("approved", "secretariat")]
    seen = wait_until(lambda: events(partner, "result.approved_first_level,result.approved", programme["id"]),
                      message="the approvals in the partner's feed")
    assert [e["type"] for e in seen][:1] == ["result.approved_first_level"]


def test_figures_count_at_the_first_level_where_the_plan_says_so(partner, staff, admin, org):
    programme = started(partner, org)
    result = partner.post(f"/v1/programmes/{programme['id']}/results", result_body(programme, 700, period=LATER))
    partner.post(f"/v1/results/{result['id']}/submit", {}, expect=200)
    view = staff.post(f"/v1/results/{result['id']}/first-level-approval", {}, expect=200)
    assert (view["status"], view["approved_value"], view["allowed_actions"]) == ("endorsed", "700", ["approve"])
    totals = partner.get(f"/v1/programmes/{programme['id']}/totals")["indicators"]
    assert [(t["indicator"], t["total"]) for t in totals] == [("people_reached", "700")]
    admin.call("POST", f"/v1/results/{result['id']}/return", {"comment": "no"}, 409)   # it counts already
    assert admin.post(f"/v1/results/{result['id']}/approve", {}, expect=200)["status"] == "approved"
    types = "result.approved_first_level,result.approved,result.revised"
    wait_until(lambda: len(events(admin, types, programme["id"])) >= 2, message="the first level's events")
    time.sleep(0.5)   # the secretariat's approval sends no second counting event
    seen = events(admin, types, programme["id"])
    assert sorted(e["type"] for e in seen) == ["result.approved", "result.approved_first_level"]
    assert next(e for e in seen if e["type"] == "result.approved_first_level")["payload"]["counts"] is True


def test_narratives_with_checked_attachments_and_a_periods_report(partner, admin, org):
    programme = reopened(partner, admin, org)
    words = {"period": PERIOD, "category": "progress", "text": "Drains cleared in Jinja."}
    narrative = partner.post(f"/v1/programmes/{programme['id']}/narratives", words)
    assert partner.post(f"/v1/programmes/{programme['id']}/narratives", {**words, "text": "More."},
                        expect=200)["id"] == narrative["id"]
    url = f"/v1/narratives/{narrative['id']}/attachments"
    sent = upload(partner, url, PNG, "image/png", "drain.png", 201).json()
    attachment = sent["attachments"][0]
    assert (attachment["filename"], attachment["size"]) == ("drain.png", len(PNG))
    lying = upload(partner, url, b"<html>x</html>", "application/pdf", "x.pdf", 422)
    assert fields_of(lying) == {"_body"}
    upload(partner, url, b"x" * 5000, "text/plain", "big.txt", 413)
    got = partner.call("GET", f"{url}/{attachment['id']}", expect=200)
    assert (got.content, got.headers["Content-Type"], got.headers["X-Content-Type-Options"]) == (
        PNG, "image/png", "nosniff")
    assert len(partner.get(f"/v1/narratives/{narrative['id']}")["attachments"]) == 1   # the refused kept nothing

    result = partner.post(f"/v1/programmes/{programme['id']}/results", result_body(programme, 5))
    report = partner.get(f"/v1/programmes/{programme['id']}/report", params={"start": "2020-01-01",
                                                                            "end": "2020-12-31"})
    assert [r["id"] for r in report["results"]] == [result["id"]]
    assert [(n["id"], n["text"], len(n["attachments"])) for n in report["narratives"]] == [
        (narrative["id"], "More.", 1)]
    xml = partner.call("GET", "/v1/iati/activities.xml", params={"organisation": org["ref"]}, expect=200).text
    assert f'url="{admin.base}{url}/{attachment["id"]}" format="image/png"' in xml   # exported with the figures
    other = Api(admin.base, key_for(admin, f"XM-OTHER-{uuid.uuid4().hex[:6]}", "partner"))
    other.call("GET", f"/v1/narratives/{narrative['id']}", expect=404)
    other.call("GET", f"{url}/{attachment['id']}", expect=404)


def test_report_schedules_send_a_reminder_and_an_escalation_once_each(partner, admin, org):
    programme = started(partner, org)
    today = date.today()
    items = [{"title": "Overdue", "due_date": (today - timedelta(days=2)).isoformat()},
             {"title": "Soon", "due_date": (today + timedelta(days=5)).isoformat(), "remind_days": 14},
             {"title": "Later", "due_date": (today + timedelta(days=60)).isoformat()}]
    schedule = admin.post(f"/v1/programmes/{programme['id']}/report-schedule", {"items": items})
    overdue, soon, later = (i["id"] for i in schedule["items"])
    types = "programme_report.reminder_due,programme_report.overdue"
    wait_until(lambda: len(events(partner, types, programme["id"])) == 2, message="a reminder and an escalation")
    partner.post(f"/v1/programmes/{programme['id']}/report-schedule/{later}/submission", expect=200)
    wait_until(lambda: partner.get(f"/v1/programmes/{programme['id']}/report-schedule")["items"][2]["status"]
               == "submitted", message="the submission")
    time.sleep(1.0)   # several more sweeps: nothing is sent twice
    sent = events(admin, types, programme["id"])
    assert sorted((e["type"], e["payload"]["item_id"]) for e in sent) == sorted(
        [("programme_report.overdue", overdue), ("programme_report.reminder_due", soon)])
    assert next(e for e in sent if e["type"] == "programme_report.overdue")["payload"]["days_overdue"] == 2
    statuses = [i["status"] for i in partner.get(f"/v1/programmes/{programme['id']}/report-schedule")["items"]]
    assert statuses == ["overdue", "due", "submitted"]


def test_a_partners_webhook_receives_its_reminders_and_escalations(partner, admin, org):
    types = ["programme_report.reminder_due", "programme_report.overdue"]
    other = Api(admin.base, key_for(admin, f"XM-OTHER-{uuid.uuid4().hex[:6]}", "partner"))
    mine, theirs = Receiver(), Receiver()     # local receivers: the platform allows loopback (conftest)
    try:
        sub = partner.post("/v1/webhooks", {"url": mine.url, "event_types": types})
        other.post("/v1/webhooks", {"url": theirs.url, "event_types": types})
        programme = started(partner, org)
        today = date.today()
        schedule = admin.post(f"/v1/programmes/{programme['id']}/report-schedule", {"items": [
            {"title": "Overdue", "due_date": (today - timedelta(days=3)).isoformat()},
            {"title": "Soon", "due_date": (today + timedelta(days=4)).isoformat(), "remind_days": 7}]})
        overdue, soon = (i["id"] for i in schedule["items"])

        def received():
            sent = [json.loads(body) for _, body in mine.calls]
            return sorted((e["type"], e["payload"]["item_id"]) for e in sent
                          if e["payload"].get("programme_id") == programme["id"])

        wait_until(lambda: len(received()) == 2, timeout=30, message="a reminder and an escalation delivered")
        assert received() == sorted([("programme_report.overdue", overdue), ("programme_report.reminder_due", soon)])
        assert all(verify_signature(sub["secret"], headers["X-Platform-Signature"], body)
                   for headers, body in mine.calls)
        time.sleep(1.0)   # several more sweeps: nothing is sent twice, nor to another organisation
        assert len(received()) == 2 and theirs.calls == []
        assert [d["status"] for d in partner.get(f"/v1/webhooks/{sub['id']}/deliveries")["items"]] == [
            "delivered", "delivered"]
    finally:
        mine.close()
        theirs.close()


def test_a_narrative_about_an_indicator_is_in_the_programmes_report(partner, admin, org):
    programme = reopened(partner, admin, org)
    url = f"/v1/programmes/{programme['id']}/narratives"
    about = partner.post(url, {"period": PERIOD, "indicator": "people_reached", "text": "Counted at the stalls."})
    assert (about["indicator"], about["category"]) == ("people_reached", None)
    section = partner.post(url, {"period": PERIOD, "category": "progress", "text": "Stalls built."})
    assert fields_of(partner.call("POST", url, {"period": PERIOD, "indicator": "no_such", "text": "x"}, 422)) == {
        "indicator"}
    assert partner.post(url, {"period": PERIOD, "indicator": "people_reached", "text": "Recounted."},
                        expect=200)["id"] == about["id"]          # one narrative per indicator and period
    assert [n["id"] for n in partner.get(url, params={"indicator": "people_reached"})["items"]] == [about["id"]]
    report = partner.get(f"/v1/programmes/{programme['id']}/report", params={"start": "2020-01-01",
                                                                            "end": "2020-12-31"})
    assert sorted((n["id"], n["indicator"], n["category"], n["text"]) for n in report["narratives"]) == sorted([
        (about["id"], "people_reached", None, "Recounted."), (section["id"], None, "progress", "Stalls built.")])


def test_attachments_are_removed_with_their_files_and_narrative_changes_and_reopenings_reach_the_feed(
        partner, admin, org, files):
    programme = reopened(partner, admin, org)
    narrative = partner.post(f"/v1/programmes/{programme['id']}/narratives",
                             {"period": PERIOD, "category": "challenges", "text": "Rains."})
    url = f"/v1/narratives/{narrative['id']}/attachments"
    attachment = upload(partner, url, PNG, "image/png", "flood.png", 201).json()["attachments"][0]
    stored = files / "narratives" / narrative["id"] / attachment["id"]
    assert stored.read_bytes() == PNG

    other = Api(admin.base, key_for(admin, f"XM-OTHER-{uuid.uuid4().hex[:6]}", "partner"))
    theirs = other.call("DELETE", f"{url}/{attachment['id']}", expect=404).json()
    missing = other.call("DELETE", f"/v1/narratives/zz-missing/attachments/{attachment['id']}", expect=404).json()
    assert theirs["detail"].replace(narrative["id"], "<id>") == missing["detail"].replace("zz-missing", "<id>")
    assert stored.exists()

    removed = partner.call("DELETE", f"{url}/{attachment['id']}", expect=200)
    assert removed.json()["attachments"] == [] and not stored.exists()
    partner.call("GET", f"{url}/{attachment['id']}", expect=404)
    partner.call("DELETE", f"{url}/{attachment['id']}", expect=404)
    audited = wait_until(lambda: admin.get("/v1/audit", params={"request_id": removed.headers["X-Request-ID"]})
                         ["items"], message="the removal in the audit log")
    assert [(e["method"], e["status"], e["organisation"]) for e in audited] == [("DELETE", 200, org["ref"])]

    wait_until(lambda: len(events(partner, "narrative.updated", programme["id"])) == 3, message="three changes")
    changes = [e["payload"]["change"] for e in events(partner, "narrative.updated", programme["id"])]
    assert sorted(changes) == ["attachment_added", "attachment_removed", "written"]
    reopening = wait_until(lambda: events(partner, "period.reopened", programme["id"]), message="the reopening")
    assert (reopening[0]["payload"]["reason"], reopening[0]["payload"]["until"]) == ("late", SOON)
    assert events(other, "narrative.updated,period.reopened", programme["id"]) == []   # the organisation's only


def test_a_revision_keeps_its_audit_trail_and_the_export_keeps_the_approved_value_until_it_counts(
        partner, staff, admin, org):
    programme = started(partner, org)
    result = partner.post(f"/v1/programmes/{programme['id']}/results", result_body(programme, 700, period=LATER))
    partner.post(f"/v1/results/{result['id']}/submit", {}, expect=200)
    staff.post(f"/v1/results/{result['id']}/first-level-approval", {}, expect=200)   # counts (LATER's plan)
    admin.post(f"/v1/results/{result['id']}/approve", {}, expect=200)
    assert exported_actuals(partner, org, programme) == ["700"]

    partner.post(f"/v1/results/{result['id']}/revise", {"value": "650", "comment": "a ward counted twice"},
                 expect=200)
    staff.call("POST", f"/v1/results/{result['id']}/first-level-approval", {}, 200)
    assert exported_actuals(partner, org, programme) == ["650"]          # the first level counts under this plan
    partner.post(f"/v1/results/{result['id']}/revise", {"value": "640", "comment": "one more"}, expect=409)
    admin.post(f"/v1/results/{result['id']}/approve", {}, expect=200)
    partner.post(f"/v1/results/{result['id']}/revise", {"value": "600", "comment": "a late census"}, expect=200)
    assert exported_actuals(partner, org, programme) == ["650"]          # pending: the approved value stays

    versions = partner.get(f"/v1/results/{result['id']}")["versions"]
    assert [(v["version"], v["status"], v["value"], v["comment"]) for v in versions] == [
        (1, "superseded", "700", None), (2, "approved", "650", "a ward counted twice"),
        (3, "submitted", "600", "a late census")]
    trail = [(e["action"], e["by"], e["comment"]) for e in versions[1]["log"]]
    assert trail[0] == ("revision_submitted", org["ref"], "a ward counted twice")
    assert [a for a, _, _ in trail] == ["revision_submitted", "approved_first_level", "approved"]
    assert all(e["by"] and e["at"].endswith(("Z", "+00:00")) for v in versions for e in v["log"])


def test_a_scheduled_report_is_submitted_with_the_narratives_of_its_period(partner, admin, org):
    programme = reopened(partner, admin, org)
    item = admin.post(f"/v1/programmes/{programme['id']}/report-schedule", {"items": [
        {"title": "Half-year report", "due_date": SOON, "period": PERIOD}]})["items"][0]
    narrative = partner.post(f"/v1/programmes/{programme['id']}/narratives",
                             {"period": PERIOD, "category": "outlook", "text": "More drains."})
    others = reopened(partner, admin, org)      # the same organisation's other programme
    theirs = partner.post(f"/v1/programmes/{others['id']}/narratives",
                          {"period": PERIOD, "category": "outlook", "text": "Elsewhere."})
    url = f"/v1/programmes/{programme['id']}/report-schedule/{item['id']}/submission"
    refused = {n: partner.call("POST", url, {"narratives": [n]}, 422) for n in (theirs["id"], "zz-missing")}
    assert [fields_of(r) for r in refused.values()] == [{"narratives.0"}, {"narratives.0"}]
    assert len({r.json()["errors"][0]["messages"][0].replace(n, "<id>") for n, r in refused.items()}) == 1
    submitted = partner.post(url, {"include_period_narratives": True}, expect=200)
    assert (submitted["status"], [n["id"] for n in submitted["narratives"]]) == ("submitted", [narrative["id"]])
    listed = partner.get(f"/v1/programmes/{programme['id']}/report-schedule")["items"][0]
    assert [(n["id"], n["category"]) for n in listed["narratives"]] == [(narrative["id"], "outlook")]


def test_an_18_month_period_counts_in_years_pro_rata_as_the_plan_states(partner, staff, org):
    programme = started(partner, org)
    eighteen_months = {"start": "2022-07-01", "end": "2023-12-31"}
    result = partner.post(f"/v1/programmes/{programme['id']}/results",
                          result_body(programme, 589534, period=eighteen_months))
    partner.post(f"/v1/results/{result['id']}/submit", {}, expect=200)
    staff.post(f"/v1/results/{result['id']}/first-level-approval", {}, expect=200)   # counts (LATER's plan)
    totals = partner.get(f"/v1/programmes/{programme['id']}/totals")["indicators"]
    [people] = [t for t in totals if t["indicator"] == "people_reached"]
    # 184 of its 549 days in 2022, 365 in 2023; exact to 0.0001, adding up to the value
    assert [(y["year"], y["value"]) for y in people["years"]] == [(2022, "197585.1658"), (2023, "391948.8342")]
    assert people["total"] == "589534"
    assert people["irregular_periods"] == [{"period": eighteen_months, "year_rule": "pro_rata"}]


def test_a_period_takes_nothing_before_it_starts(partner, admin, org):
    programme = started(partner, org)
    start = date.today() + timedelta(days=1)
    future = {"start": start.isoformat(), "end": (start + timedelta(days=89)).isoformat()}
    refused = partner.call("POST", f"/v1/programmes/{programme['id']}/results",
                           result_body(programme, 10, period=future), 409).json()
    assert refused["type"].endswith("period-locked") and f"opens on {start}" in refused["detail"], refused
    admin.post(f"/v1/programmes/{programme['id']}/reopenings", {"period": future, "until": SOON, "reason": "ahead"})
    partner.call("POST", f"/v1/programmes/{programme['id']}/results", result_body(programme, 10, period=future), 409)
    state = partner.get(f"/v1/programmes/{programme['id']}/period", params=future)
    assert (state["locked"], state["locked_by"]) == (True, "not_started")
    assert partner.get(f"/v1/programmes/{programme['id']}/results")["items"] == []


def test_an_approved_report_locks_its_periods_until_an_admin_reopens_them(partner, admin, org):
    programme = started(partner, org)
    year = {"start": "2022-01-01", "end": "2022-12-31"}          # holds LATER; no calendar locks it
    draft = partner.post(f"/v1/programmes/{programme['id']}/results", result_body(programme, 700, period=LATER))
    item = admin.post(f"/v1/programmes/{programme['id']}/report-schedule", {"items": [
        {"title": "Annual report 2022", "due_date": SOON, "period": year}]})["items"][0]
    url = f"/v1/programmes/{programme['id']}/report-schedule/{item['id']}"
    admin.call("POST", f"{url}/approval", None, 409)             # not submitted yet
    partner.post(f"{url}/submission", expect=200)
    partner.call("POST", f"{url}/approval", None, 403)           # admins approve
    view = admin.post(f"{url}/approval", expect=200)
    assert view["status"] == "approved" and view["approved_at"] and view["approved_by"]

    refused = partner.call("PATCH", f"/v1/results/{draft['id']}", {"value": "650"}, 409).json()
    assert refused["type"].endswith("period-locked"), refused
    assert "'Annual report 2022'" in refused["detail"] and "2022-01-01/2022-06-30" in refused["detail"]
    partner.call("POST", f"/v1/programmes/{programme['id']}/results",
                 result_body(programme, 5, city="Kisumu", period=LATER), 409)
    state = partner.get(f"/v1/programmes/{programme['id']}/period", params=LATER)
    assert (state["locked"], state["locked_by"], state["approved_report"]["id"]) == (True, "approval", item["id"])
    assert partner.get(f"/v1/results/{draft['id']}")["value"] == "700"      # nothing written

    admin.post(f"/v1/programmes/{programme['id']}/reopenings", {"period": year, "until": SOON, "reason": "census"})
    assert partner.get(f"/v1/programmes/{programme['id']}/period", params=LATER)["locked"] is False
    sent = wait_until(lambda: events(partner, "programme_report.approved", programme["id"]),
                      message="the approval in the partner's feed")
    assert [(e["payload"]["item_id"], e["payload"]["period"]) for e in sent] == [(item["id"], year)]
    assert partner.call("PATCH", f"/v1/results/{draft['id']}", {"value": "650"}, 200).json()["value"] == "650"


def test_a_locked_period_refuses_every_entry_and_an_approved_value_changes_only_by_a_revision(
        platform, tmp_path_factory, partner, staff, admin, org, files):
    """Last in the module: it restarts programmes with a calendar that locks LATER."""
    programme = started(partner, org)
    draft = partner.post(f"/v1/programmes/{programme['id']}/results", result_body(programme, 300, period=LATER))
    done = partner.post(f"/v1/programmes/{programme['id']}/results",
                        result_body(programme, 700, period=LATER, city="Kisumu"))
    partner.post(f"/v1/results/{done['id']}/submit", {}, expect=200)
    staff.post(f"/v1/results/{done['id']}/first-level-approval", {}, expect=200)
    admin.post(f"/v1/results/{done['id']}/approve", {}, expect=200)
    # an approved value is locked whatever the date: a direct edit is refused, a revision is the way
    refused = partner.call("PATCH", f"/v1/results/{done['id']}", {"value": "650"}, 409).json()
    assert "approved result cannot be edited" in refused["detail"] and "revise" in refused["detail"], refused
    narrative = partner.post(f"/v1/programmes/{programme['id']}/narratives",
                             {"period": LATER, "category": "progress", "text": "Before the lock."})

    # the plan's calendar now locks LATER (ended 2022-06-30, 60 days' grace); plans load at start-up
    platform.restart("programmes", PLAN_FILES=plan_files(tmp_path_factory, grace_days=60))
    wait_until(lambda: (partner.call("GET", f"/v1/programmes/{programme['id']}/period", params=LATER).json()
                        .get("locked")), timeout=60, message="programmes back, with LATER locked")
    attempts = {
        "edit": ("PATCH", f"/v1/results/{draft['id']}", {"value": "310"}),
        "submit": ("POST", f"/v1/results/{draft['id']}/submit", {}),
        "revise": ("POST", f"/v1/results/{done['id']}/revise", {"value": "650", "comment": "late"}),
        "write": ("POST", f"/v1/programmes/{programme['id']}/narratives",
                  {"period": LATER, "category": "progress", "text": "After the lock."}),
        "new narrative": ("POST", f"/v1/programmes/{programme['id']}/narratives",
                          {"period": LATER, "indicator": "people_reached", "text": "Too late."})}
    answers = {what: partner.call(method, url, body) for what, (method, url, body) in attempts.items()}
    answers["attach"] = upload(partner, f"/v1/narratives/{narrative['id']}/attachments", PNG, "image/png",
                               "late.png")
    seen = {what: (r.status_code, r.json().get("type", "").rsplit("/", 1)[-1],
                   "2022-01-01/2022-06-30" in r.json().get("detail", "")) for what, r in answers.items()}
    assert seen == dict.fromkeys(answers, (409, "period-locked", True))
    assert not (files / "narratives" / narrative["id"]).exists() or not any(
        (files / "narratives" / narrative["id"]).iterdir())   # the refused file was not kept
    # nothing was written
    assert (partner.get(f"/v1/results/{draft['id']}")["status"], partner.get(f"/v1/results/{draft['id']}")["value"]
            ) == ("draft", "300")
    assert [v["value"] for v in partner.get(f"/v1/results/{done['id']}")["versions"]] == ["700"]
    assert [(n["text"], n["attachments"]) for n in partner.get(
        f"/v1/programmes/{programme['id']}/narratives", params={"period_start": LATER["start"]})["items"]] == [
        ("Before the lock.", [])]
