"""Use cases of reporting windows: is a period open (started, not locked by the calendar or by an
approved report), reopen one for a programme (admins).
Every entry into a period (draft, edit, submit, revise, the results sheet) asks `require_open`."""
from datetime import date
from typing import Any

from programmes import domain, plans
from programmes.access import by, programme_for, require_admin
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import validate
from shared.events.fields import utcnow

_reopen, _period, _state_out = api.ReopeningIn(), api.PeriodIn(), api.PeriodStateOut()


def require_open(uow: Any, programme_id: str, start: date, end: date) -> None:
    """Conflict naming the period and its lock unless it takes entries for this programme today."""
    domain.require_open(plans.reporting_rules(end), start, end, utcnow().date(),
                        uow.reopenings.of(programme_id, start, end),
                        uow.schedules.approved_covering(programme_id, start, end))


def _state(uow: Any, programme_id: str, start: date, end: date) -> dict[str, Any]:
    reopenings = uow.reopenings.of(programme_id, start, end)
    state = domain.period_state(plans.reporting_rules(end), start, end, utcnow().date(), reopenings,
                                uow.schedules.approved_covering(programme_id, start, end))
    report = state["approved_report"]
    if isinstance(report, domain.ScheduleItem):
        state["approved_report"] = {**vars(report), "period": {"start": report.period_start, "end": report.period_end}}
    return _state_out.dump({**state, "period": {"start": start, "end": end},
                            "reopenings": [reopening_data(r) for r in reopenings]})


def reopening_data(r: domain.Reopening) -> dict[str, Any]:
    return {**vars(r), "period": {"start": r.period_start, "end": r.period_end}}


def period_state(uow: Any, programme_id: Any, query: Any, *, actor: Actor) -> dict[str, Any]:
    q = validate(_period, query or {})
    with uow:
        programme = programme_for(uow, programme_id, actor)
        return _state(uow, programme.id, q["start"], q["end"])


def reopen_period(uow: Any, programme_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_admin(actor, "reopen a reporting period")
    fields = validate(_reopen, data)
    with uow:
        programme = programme_for(uow, programme_id, actor, for_update=True)
        now = utcnow()
        reopening = domain.Reopening.grant(programme.id, period=fields["period"], until=fields["until"],
                                           reason=fields["reason"].strip(), today=now.date(), by=by(actor), now=now)
        uow.reopenings.add(reopening)
        reopening.announce(programme)   # period.reopened: partners hear of it by webhook
        uow.commit()
        return _state(uow, programme.id, reopening.period_start, reopening.period_end)
