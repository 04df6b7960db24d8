"""Reporting periods and the rules a plan sets for them (its `reporting` section, plans.py).

A period takes entries (drafts, edits, submissions, revisions) from its first day (a result
is what happened: figures planned ahead are targets) until it is locked: by the plan's
calendar, `grace_days` after the period ends, or by the approval of the programme's scheduled
report of a period covering it (schedules.py). An admin may reopen a locked period for one
programme until a date (a Reopening of that period or one covering it). Reviewing (approve,
return) goes on in a locked period: it decides on what was entered in time. An approved value
is locked by its approval whatever the date: it changes only through a revision (results.py).

`approval_levels` 2 asks for a first-level approval (grant manager, programme staff) and
then the secretariat's; `first_level_counts` says whether figures count from the first."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, cast

from programmes.domain.cities import new_id
from programmes.domain.programmes import Programme
from shared.errors import InvalidInput, PeriodLocked

if TYPE_CHECKING:
    from programmes.domain.schedules import ScheduleItem


@dataclass(frozen=True)
class ReportingRules:
    grace_days: int | None = None       # None: periods lock only by approval
    approval_levels: int = 1            # 1: an admin approves; 2: first level, then the secretariat
    first_level_counts: bool = False    # with 2 levels: figures count from the first approval
    irregular_periods: str = "period_end"   # the year a period across years counts in (shared.rollup)


@dataclass(frozen=True)
class Reopening:
    """An admin's exception: the period takes entries for this programme until `until` (inclusive)."""
    id: str
    programme_id: str
    period_start: date
    period_end: date
    until: date
    reason: str
    granted_by: str | None
    granted_at: datetime

    @classmethod
    def grant(cls, programme_id: str, *, period: dict[str, date], until: date, reason: str, today: date,
              by: str | None, now: datetime) -> Reopening:
        if until < today:
            raise InvalidInput({"until": [f"{until} is in the past (today is {today})"]})
        return cls(new_id(), programme_id, period["start"], period["end"], until, reason, by, now)

    def announce(self, programme: Programme) -> None:
        """`period.reopened`, recorded on the programme (tracked by the reopening's transaction)."""
        programme.record("period.reopened", {
            **programme.ref(), "reopening_id": self.id, "period": {"start": self.period_start, "end": self.period_end},
            "until": self.until, "reason": self.reason, "granted_by": self.granted_by, "granted_at": self.granted_at})


def lock_date(rules: ReportingRules, period_end: date) -> date | None:
    """The first day the period takes no entries; None: the calendar never locks it."""
    if rules.grace_days is None:
        return None
    return period_end + timedelta(days=rules.grace_days + 1)


def covers(start: date, end: date, period_start: date, period_end: date) -> bool:
    """Whether start..end holds the period (a reopening or a report of a year holds its quarters)."""
    return start <= period_start and period_end <= end


def _first(approved: Sequence[ScheduleItem]) -> ScheduleItem | None:
    """The report whose approval locked the period first."""
    return min(approved, key=lambda i: (i.approved_at.timestamp() if i.approved_at else float("inf"), i.id),
               default=None)


def period_state(rules: ReportingRules, start: date, end: date, today: date, reopenings: Sequence[Reopening],
                 approved: Sequence[ScheduleItem] = ()) -> dict[str, object]:
    """{"locked", "locked_by", "locks_on", "reopened_until", "approved_report"} of a programme's
    period today. `approved`: the programme's approved reports of periods covering it. locked_by:
    not_started (no reopening opens a period before it starts), approval or calendar (each lifted
    while a reopening of a period covering it runs), None: it takes entries."""
    locks_on = lock_date(rules, end)
    reopened = max((r.until for r in reopenings if covers(r.period_start, r.period_end, start, end)), default=None)
    report = _first(approved)
    locked_by = ("not_started" if today < start else None if reopened is not None and today <= reopened
                 else "approval" if report is not None
                 else "calendar" if locks_on is not None and today >= locks_on else None)
    return {"locked": locked_by is not None, "locked_by": locked_by, "locks_on": locks_on,
            "reopened_until": reopened, "approved_report": report}


def require_open(rules: ReportingRules, start: date, end: date, today: date, reopenings: Sequence[Reopening],
                 approved: Sequence[ScheduleItem] = ()) -> None:
    """PeriodLocked (409) naming the period and its lock unless the period takes entries today."""
    state = period_state(rules, start, end, today, reopenings, approved)
    report = cast("ScheduleItem | None", state["approved_report"])
    if state["locked_by"] == "not_started":
        raise PeriodLocked(f"the reporting period {start}/{end} opens on {start}: nothing can be entered into it "
                           f"before it starts", ["figures planned ahead are the indicator's targets"])
    if state["locked_by"] == "approval" and report is not None and report.approved_at is not None:
        lock = (f"locked since {report.approved_at:%Y-%m-%d} by the approval of the report {report.title!r} "
                f"({report.period_start}/{report.period_end})")
    elif state["locked_by"] == "calendar":
        lock = f"locked since {state['locks_on']} (the plan's calendar: period end + {rules.grace_days} days' grace)"
    else:
        return
    if state["reopened_until"] is not None:
        lock += f"; its reopening ended on {state['reopened_until']}"
    raise PeriodLocked(f"the reporting period {start}/{end} is {lock}: nothing can be entered into it",
                       ["an admin reopens the period for this programme (POST /v1/programmes/{id}/reopenings)"])
