"""Use cases of report schedules (domain/schedules.py): an admin schedules a programme's
reports, the partner submits each, and the timer's sweep sends reminders and escalations."""
from collections.abc import Callable
from datetime import datetime
from typing import Any

from programmes import domain
from programmes.access import by, programme_for, require_admin, require_writer
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import NotFound, validate
from shared.events.fields import utcnow

_schedule_in, _schedule_out, _item_out = api.ScheduleIn(), api.ScheduleOut(), api.ScheduleItemOut()


def _item_data(item: domain.ScheduleItem) -> dict[str, Any]:
    period = {"start": item.period_start, "end": item.period_end} if item.period_start else None
    return {**vars(item), "period": period, "status": item.status}


def _schedule(uow: Any, programme_id: str) -> dict[str, Any]:
    return _schedule_out.dump({"programme_id": programme_id,
                               "items": [_item_data(i) for i in uow.schedules.of(programme_id)]})


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


def submit_scheduled_report(uow: Any, programme_id: Any, item_id: Any, *, actor: Actor) -> dict[str, Any]:
    """The partner says the report is in: no reminder or escalation follows."""
    require_writer(actor)
    with uow:
        programme = programme_for(uow, programme_id, actor)
        item = uow.schedules.get(item_id, for_update=True) if isinstance(item_id, str) else None
        if item is None or item.programme_id != programme.id:
            raise NotFound("report schedule item", item_id)
        item.submit(now=utcnow(), by=by(actor))
        uow.schedules.save(item)
        uow.commit()
        return _item_out.dump(_item_data(item))


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
