"""Use cases of narratives (domain/narratives.py): write one for a period, attach a file the
gateway stored and checked (or remove one), read them, and a period's report (figures and
narratives). Writing, attaching and removing are entries: refused in a locked period
(handlers/periods.py), but for an admin's removal. Each change records `narrative.updated`."""
from typing import Any

from programmes import domain
from programmes.access import by, programme_for, require_writer
from programmes.handlers.periods import require_open
from programmes.handlers.results import _indicator_of
from programmes.views import result_summary_view
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import NotFound, validate
from shared.events.fields import utcnow

_in, _attachment_in, _query, _period = api.NarrativeIn(), api.AttachmentIn(), api.NarrativeListQuery(), api.PeriodIn()
_out = api.NarrativeOut()


def narrative_view(n: domain.Narrative) -> dict[str, Any]:
    return _out.dump({**vars(n), "period": {"start": n.period_start, "end": n.period_end},
                      "indicator": n.indicator_code})


def _narrative_for(uow: Any, narrative_id: Any, actor: Actor, *, for_update: bool = False) -> domain.Narrative:
    narrative = uow.narratives.get(narrative_id, for_update=for_update) if isinstance(narrative_id, str) else None
    if narrative is None or not actor.owns(narrative.reporting_org_ref):
        raise NotFound("narrative", narrative_id)
    return uow.track(narrative) if for_update else narrative


def write_narrative(uow: Any, programme_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    """{"created": bool, "narrative": ...}: a second write of the same period and subject replaces the text."""
    require_writer(actor)
    fields = validate(_in, data)
    with uow:
        programme = programme_for(uow, programme_id, actor, for_update=True)
        if fields["indicator"] is not None:
            _indicator_of(uow, programme, fields["indicator"])
        period, now, text = fields["period"], utcnow(), fields["text"].strip()
        require_open(uow, programme.id, period["start"], period["end"])
        subject = domain.Narrative.subject_of(fields["indicator"], fields["category"])
        narrative = uow.narratives.in_slot(programme.id, period["start"], period["end"], subject, for_update=True)
        created = narrative is None
        if narrative is None:
            narrative = domain.Narrative.write(programme, period=period, indicator=fields["indicator"],
                                               category=fields["category"], text=text, now=now, by=by(actor))
            uow.narratives.add(uow.track(narrative))
        else:
            uow.track(narrative)
            narrative.rewrite(programme, text, now=now, by=by(actor))
            uow.narratives.save(narrative)
        uow.commit()
        return {"created": created, "narrative": narrative_view(narrative)}


def get_narrative(uow: Any, narrative_id: Any, *, actor: Actor) -> dict[str, Any]:
    with uow:
        return narrative_view(_narrative_for(uow, narrative_id, actor))


def attach_file(uow: Any, narrative_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    attachment = validate(_attachment_in, data)
    with uow:
        narrative = _narrative_for(uow, narrative_id, actor, for_update=True)
        require_open(uow, narrative.programme_id, narrative.period_start, narrative.period_end)
        narrative.attach(uow.programmes.get(narrative.programme_id), attachment, now=utcnow(), by=by(actor))
        uow.narratives.save(narrative)
        uow.commit()
        return narrative_view(narrative)


def remove_attachment(uow: Any, narrative_id: Any, attachment_id: Any, *, actor: Actor) -> dict[str, Any]:
    """{"key", "narrative"}: the attachment's description removed (the gateway then deletes the
    file under `key`); by the organisation's keys while the period is open, by admins always."""
    require_writer(actor)
    with uow:
        narrative = _narrative_for(uow, narrative_id, actor, for_update=True)
        if not isinstance(attachment_id, str) or narrative.attachment(attachment_id) is None:
            raise NotFound("attachment", attachment_id)
        if not actor.is_admin:
            require_open(uow, narrative.programme_id, narrative.period_start, narrative.period_end)
        removed = narrative.detach(uow.programmes.get(narrative.programme_id), attachment_id, now=utcnow(),
                                   by=by(actor))
        uow.narratives.save(narrative)
        uow.commit()
        return {"key": removed["key"] if removed else None, "narrative": narrative_view(narrative)}


def attachment_of(uow: Any, narrative_id: Any, attachment_id: Any, *, actor: Actor) -> dict[str, Any]:
    """The stored description of one attachment (its storage key too: the gateway reads the bytes)."""
    with uow:
        narrative = _narrative_for(uow, narrative_id, actor)
        found = narrative.attachment(attachment_id) if isinstance(attachment_id, str) else None
        if found is None:
            raise NotFound("attachment", attachment_id)
        return dict(found)


def list_narratives(uow: Any, programme_id: Any, query: Any = None, *, actor: Actor) -> dict[str, Any]:
    filters = validate(_query, query or {})
    with uow:
        programme = programme_for(uow, programme_id, actor)
        return {"items": [narrative_view(n) for n in uow.narratives.of(programme.id, filters)]}


def programme_report(uow: Any, programme_id: Any, query: Any = None, *, actor: Actor) -> dict[str, Any]:
    """The figures and the words of a period (?start=&end=): results and narratives of periods within it."""
    period = validate(_period, query or {})
    within = {"period_start": period["start"], "period_end": period["end"]}
    with uow:
        programme = programme_for(uow, programme_id, actor)
        results = uow.results.within(programme.id, period["start"], period["end"])
        cities = uow.cities.many(sorted({r["city_id"] for r in results}))
        narratives = uow.narratives.of(programme.id, within)
    # results and narratives are dumped by their own views already (ProgrammeReportOut documents the whole)
    return {"programme_id": programme.id, "period": {k: v.isoformat() for k, v in period.items()},
            "results": [result_summary_view(r, cities[r["city_id"]]) for r in results],
            "narratives": [narrative_view(n) for n in narratives]}

