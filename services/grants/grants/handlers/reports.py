"""A grant's reports (submitted by the recipient, approved or sent back by administrators) and
the passing of time (calls past their deadline close; reports coming due or overdue are
announced once each)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from grants import access, domain, views
from grants.handlers.common import list_query, load
from grants.handlers.grants import visible_grant
from shared.actors import Actor
from shared.api import grants as api
from shared.events.fields import utcnow


def submit_report(uow: Any, grant_id: str, report_id: str, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    access.require_writer(actor, "submitting a report")
    fields = load(api.ReportSubmissionInput, data)
    now = utcnow()
    with uow:
        grant = visible_grant(uow, grant_id, actor, for_update=True)
        report, _ = grant.submit_report(report_id, fields["summary"].strip(), fields["results"], now)
        uow.grants.save(grant)
        uow.commit()
    return views.report_view(report, now.date())


def review_report(uow: Any, grant_id: str, report_id: str, data: dict[str, Any] | None = None, *, actor: Actor,
                  approve: bool) -> dict[str, Any]:
    access.require_admin(actor, "approving reports" if approve else "asking for changes to a report")
    fields = load(api.ReportReviewInput, data)
    now = utcnow()
    with uow:
        grant = visible_grant(uow, grant_id, actor, for_update=True)
        report, _ = grant.review_report(report_id, approve, fields["feedback"], now)
        uow.grants.save(grant)
        uow.commit()
    return views.report_view(report, now.date())


def list_reports(uow: Any, query: dict[str, Any] | None = None, cursor: str | None = None,
                 today: date | None = None, *, actor: Actor) -> dict[str, Any]:
    q, filters = list_query(api.ReportQuery, query, cursor)
    overdue = filters.pop("overdue", None)
    today = today or utcnow().date()
    with uow:
        items, next_cursor = uow.grants.reports(limit=q["limit"], cursor=q["cursor"], today=today,
                                                overdue=overdue, recipient=access.own_organisation(actor),
                                                **filters)
        return views.page([views.report_view(r, today) for r in items], next_cursor)


def sweep(make_uow: Callable[[], Any], now: datetime,
          notice_days: int = domain.DEFAULT_REPORT_NOTICE_DAYS) -> dict[str, int]:
    """Close calls past their deadline; send report.due for reports coming due and report.overdue
    for reports past due, once each (the mark and the event commit together, under the grant's
    lock, so concurrent sweeps of several replicas send each event once). The system acts."""
    today = now.date()
    with make_uow() as uow:
        due_calls = [c.id for c in uow.calls.past_deadline(now)]
        grant_ids = uow.grants.with_reports_to_check(today, notice_days)
    closed, due, overdue = 0, 0, 0
    for call_id in due_calls:
        with make_uow() as uow:
            call = uow.calls.get(call_id, for_update=True)
            if call is None or not call.is_past_deadline(now):
                continue
            call.close(now, "deadline", uow.calls.applications_count(call.id))
            uow.calls.save(call)
            uow.commit()
            closed += 1
    for grant_id in grant_ids:
        with make_uow() as uow:
            grant = uow.grants.get(grant_id, for_update=True)
            coming, late = grant.notify_reports(now, notice_days)
            if coming or late:
                uow.grants.save(grant)
                uow.commit()
            due, overdue = due + coming, overdue + late
    return {"calls_closed": closed, "reports_due": due, "reports_overdue": overdue}
