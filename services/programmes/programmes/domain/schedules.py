"""Report schedules: the reports a programme owes the secretariat, each due on a date.

The service's timer sweep (handlers/schedules.py) asks every open item what is due: a
reminder `remind_days` before the due date (`programme_report.reminder_due`) and, once the due
date has passed without the report, an escalation (`programme_report.overdue`). Each is sent
once per item: the item keeps when it sent it, and the mark and the event commit together.
A sweep that first sees an item after its due date sends the escalation only (a reminder of
a date already missed helps nobody). A submitted report is done: no reminder or escalation
follows. Its submission may include narratives of the programme within the report's period.
An admin approves a submitted report: that locks its period for the programme's entries
(periods.py) until an admin reopens it."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from programmes.domain.cities import new_id
from programmes.domain.narratives import Narrative
from programmes.domain.programmes import Programme
from shared.aggregate import EventsMixin
from shared.errors import Conflict, InvalidInput

DEFAULT_REMIND_DAYS = 14
MAX_REMIND_DAYS = 365     # the sweep looks this far ahead


@dataclass
class ScheduleItem(EventsMixin):
    id: str
    programme_id: str
    reporting_org_ref: str
    title: str
    due_date: date
    remind_days: int
    period_start: date | None
    period_end: date | None
    created_at: datetime
    reminded_at: datetime | None = None
    escalated_at: datetime | None = None
    submitted_at: datetime | None = None
    submitted_by: str | None = None
    narrative_ids: list[str] = field(default_factory=list)   # submitted with the report
    approved_at: datetime | None = None
    approved_by: str | None = None

    @classmethod
    def schedule(cls, programme: Programme, *, title: str, due_date: date, remind_days: int,
                 period: dict[str, date] | None, now: datetime) -> ScheduleItem:
        return cls(new_id(), programme.id, programme.reporting_org["ref"], title, due_date, remind_days,
                   period["start"] if period else None, period["end"] if period else None, now)

    @property
    def status(self) -> str:
        return ("approved" if self.approved_at else "submitted" if self.submitted_at
                else "overdue" if self.escalated_at else "due")

    def submit(self, *, now: datetime, by: str | None, narratives: Sequence[Narrative] = ()) -> None:
        if self.submitted_at is not None:
            raise Conflict(f"the report {self.title!r} was submitted on {self.submitted_at.date()}")
        errors = {f"narratives.{i}": [why] for i, n in enumerate(narratives) if (why := self.misfit(n))}
        if errors:
            raise InvalidInput(errors)
        self.submitted_at, self.submitted_by = now, by
        self.narrative_ids = list(dict.fromkeys(n.id for n in narratives))

    def approve(self, programme: Programme, *, now: datetime, by: str | None) -> None:
        """The secretariat accepts the report: its period (if it names one) takes no more entries;
        `programme_report.approved` tells the partner."""
        if self.approved_at is not None:
            raise Conflict(f"the report {self.title!r} was approved on {self.approved_at.date()}")
        if self.submitted_at is None:
            raise Conflict(f"the report {self.title!r} is not submitted: only a submitted report is approved")
        self.approved_at, self.approved_by = now, by
        self._event("programme_report.approved", programme, approved_at=now, approved_by=by)

    def misfit(self, narrative: Narrative) -> str | None:
        """Why the narrative is not one this report can include (None: it can)."""
        if narrative.programme_id != self.programme_id:
            return f"{narrative.id!r} is not a narrative of this programme"
        if self.period_start is not None and self.period_end is not None and not (
                self.period_start <= narrative.period_start and narrative.period_end <= self.period_end):
            return (f"{narrative.id!r} is of {narrative.period_start}/{narrative.period_end}, not within the "
                    f"report's period {self.period_start}/{self.period_end}")
        return None

    def sweep(self, programme: Programme, today: date, now: datetime) -> list[str]:
        """Record what is due today (reminder, escalation), once each; the event types it recorded."""
        if self.submitted_at is not None:
            return []
        if today > self.due_date and self.escalated_at is None:
            self.escalated_at = now
            self._event("programme_report.overdue", programme, days_overdue=(today - self.due_date).days,
                        overdue_at=now)
            return ["programme_report.overdue"]
        remind_on = self.due_date - timedelta(days=self.remind_days)
        if remind_on <= today <= self.due_date and self.reminded_at is None and self.escalated_at is None:
            self.reminded_at = now
            self._event("programme_report.reminder_due", programme, days_left=(self.due_date - today).days,
                        reminded_at=now)
            return ["programme_report.reminder_due"]
        return []

    def _event(self, event_type: str, programme: Programme, **extra: Any) -> None:
        period = {"start": self.period_start, "end": self.period_end} if self.period_start else None
        self.record(event_type, {**programme.ref(), "title": programme.title, "item_id": self.id,
                                 "report_title": self.title, "due_date": self.due_date, "period": period, **extra})
