"""Use cases of report schedules (domain/schedules.py): an admin schedules a programme's
reports, the partner submits each (with narratives of its period, named or all of them), an
admin approves it (locking its period), and the timer's sweep sends reminders and escalations."""
from collections.abc import Callable
from datetime import datetime
from typing import Any

from programmes import domain
from programmes.access import by, programme_for, require_admin, require_writer
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import InvalidInput, NotFound, validate
from shared.events.fields import utcnow

_schedule_in, _schedule_out, _item_out = api.ScheduleIn(), api.ScheduleOut(), api.ScheduleItemOut()
_submission = api.SubmissionIn()


def _item_data(item: domain.ScheduleItem, narratives: dict[str, domain.Narrative]) -> dict[str, Any]:
    period = {"start": item.period_start, "end": item.period_end} if item.period_start else None
    return {**vars(item), "period": period, "status": item.status,
            "narratives": [{**vars(n), "period": {"start": n.period_start, "end": n.period_end},
                            "indicator": n.indicator_code} for i in item.narrative_ids if (n := narratives.get(i))]}


def _schedule(uow: Any, programme_id: str) -> dict[str, Any]:
    items = uow.schedules.of(programme_id)
    narratives = uow.narratives.many(sorted({i for item in items for i in item.narrative_ids}))
    return _schedule_out.dump({"programme_id": programme_id, "items": [_item_data(i, narratives) for i in items]})


def _item_of(uow: Any, programme: domain.Programme, item_id: Any) -> domain.ScheduleItem:
    """The programme's schedule item, locked for update (another programme's reads as missing)."""
    item = uow.schedules.get(item_id, for_update=True) if isinstance(item_id, str) else None
    if item is None or item.programme_id != programme.id:
        raise NotFound("report schedule item", item_id)
    return item


def _narratives_for(uow: Any, item: domain.ScheduleItem, fields: dict[str, Any]) -> list[domain.Narrative]:
    """The narratives the submission names (another programme's read as missing: the domain names
    both alike), or every one of the report's period."""
    if fields["include_period_narratives"]:
        if item.period_start is None:
            raise InvalidInput({"include_period_narratives": [f"the report {item.title!r} names no period"]})
        return uow.narratives.of(item.programme_id, {"period_start": item.period_start,
                                                     "period_end": item.period_end})
    found = uow.narratives.many(fields["narratives"])
    errors = {}
    for i, narrative_id in enumerate(fields["narratives"]):
        narrative = found.get(narrative_id)
        why = item.misfit(narrative) if narrative else f"{narrative_id!r} is not a narrative of this programme"
        if why:
            errors[f"narratives.{i}"] = [why]
    if errors:
        raise InvalidInput(errors)
    return [found[n] for n in fields["narratives"]]


def schedule_reports(uow: Any, programme_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_admin(actor, "schedule a programme's reports")
    fields = validate(_schedule_in, data)
    with uow:
        programme = programme_for(uow, programme_id, actor, for_update=True)
        now = utcnow()
        for item in fields["items"]:
            uow.schedules.add(domain.ScheduleItem.schedule(programme, title=item["title"].strip(),
                                                           due_date=item["due_date"],
                                                           remind_days=item["remind_days"], period=item["period"],
                                                           now=now))
        uow.commit()
        return _schedule(uow, programme.id)


def get_report_schedule(uow: Any, programme_id: Any, *, actor: Actor) -> dict[str, Any]:
    with uow:
        return _schedule(uow, programme_for(uow, programme_id, actor).id)


def submit_scheduled_report(uow: Any, programme_id: Any, item_id: Any, data: Any = None, *,
                            actor: Actor) -> dict[str, Any]:
    """The partner says the report is in (with narratives of its period): no reminder or escalation follows."""
    require_writer(actor)
    fields = validate(_submission, {} if data is None else data)
    with uow:
        programme = programme_for(uow, programme_id, actor)
        item = _item_of(uow, programme, item_id)
        narratives = _narratives_for(uow, item, fields)
        item.submit(now=utcnow(), by=by(actor), narratives=narratives)
        uow.schedules.save(item)
        uow.commit()
        return _item_out.dump(_item_data(item, {n.id: n for n in narratives}))


def approve_scheduled_report(uow: Any, programme_id: Any, item_id: Any, *, actor: Actor) -> dict[str, Any]:
    """An admin accepts a submitted report: its period takes no more entries of the programme
    (domain/periods.py) until an admin reopens it."""
    require_admin(actor, "approve a scheduled report")
    with uow:
        programme = programme_for(uow, programme_id, actor)
        item = _item_of(uow, programme, item_id)
        item.approve(programme, now=utcnow(), by=by(actor))
        uow.track(item)                 # programme_report.approved, with the approval
        uow.schedules.save(item)
        uow.commit()
        return _item_out.dump(_item_data(item, uow.narratives.many(item.narrative_ids)))


def sweep_schedules(make_uow: Callable[[], Any], now: datetime) -> dict[str, int]:
    """Send the reminders and escalations due `now`, once each: every item in its own transaction,
    under its row lock, so the mark and its event commit together and concurrent sweeps (replicas)
    send each once. The system acts."""
    today = now.date()
    with make_uow() as uow:
        item_ids = uow.schedules.to_check(today)
    sent = {"programme_report.reminder_due": 0, "programme_report.overdue": 0}
    for item_id in item_ids:
        with make_uow() as uow:
            item = uow.schedules.get(item_id, for_update=True)
            if item is None:
                continue
            kinds = item.sweep(uow.programmes.get(item.programme_id), today, now)
            if kinds:
                uow.track(item)
                uow.schedules.save(item)
                uow.commit()
            for kind in kinds:
                sent[kind] += 1
    return {"reminders": sent["programme_report.reminder_due"], "escalations": sent["programme_report.overdue"]}
