"""Use case of the IATI import (docs/iati.md "Import"): activities the gateway has read and
mapped to the platform's shapes are applied in ONE unit of work: programmes created or
updated, their cities, indicators, approved result values and reported transactions; all
or nothing. Errors are keyed `activities.<i>.<field>` (i: the activity's place in the
document) so the gateway reports them per activity. A dry run does the same work and rolls
it back, so it reports what a real import would do.

Large documents come in chunks (bounded messages, handlers/import_staging.py): the final
`import_activities(..., import_id=)` applies the staged chunks, one loaded at a time, and its
own, in ONE transaction. An activity's cities, indicators and results: handlers/import_details.py."""
from datetime import timedelta
from itertools import chain
from typing import Any

from programmes import domain
from programmes.access import programme_for, require_writer
from programmes.handlers.import_details import IMPORTED, cities, indicators, results
from programmes.handlers.import_staging import check_id, owner
from programmes.handlers.programmes import merge
from programmes.plans import instruments_by_window
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import InvalidInput, NotFound, PlatformError, validate
from shared.events.fields import utcnow

_create = api.ProgrammeCreate()


def import_activities(uow: Any, activities: Any, *, dry_run: bool = False, actor: Actor,
                      import_id: Any = None) -> dict[str, Any]:
    require_writer(actor)
    if not isinstance(activities, list) or not (activities or import_id):
        raise InvalidInput({"activities": ["give at least one activity"]})
    errors: dict[str, Any] = {}
    report: list[dict[str, Any]] = []
    orphans: list[tuple[dict[str, Any], domain.Programme, str]] = []
    now, offset = utcnow(), 0
    with uow:
        staged = uow.imports.chunks(check_id(import_id), owner(actor)) if import_id is not None else iter(())
        for chunk in chain(staged, [activities]):
            # parents before children, so a child finds a parent of the same chunk
            for i in sorted(range(len(chunk)), key=lambda i: bool(chunk[i].get("parent"))):
                sink: dict[str, Any] = {}
                # a microsecond apart in document order: lists and the export (by updated_at, id) keep it
                at = now + timedelta(microseconds=offset + i)
                entry = _apply(uow, chunk[i], actor, at, sink, orphans)
                errors.update({f"activities.{offset + i}.{k}": v for k, v in sink.items()})
                if entry is not None:
                    entry["index"] = offset + i
                    report.append(entry)
            offset += len(chunk)
        _adopt(uow, orphans, actor, now, errors)
        if errors:
            raise InvalidInput(errors, "The document has activities the platform cannot take.")
        if import_id is not None:
            uow.imports.drop(import_id, owner(actor))
        if not dry_run:
            uow.commit()
    return {"dry_run": dry_run, "activities": sorted(report, key=lambda e: e["index"])}


def _parent_id(uow: Any, iati_identifier: str, actor: Actor) -> str | None:
    """The parent's id when the actor may see it: another organisation's is like a missing one."""
    parent_id = uow.programmes.id_of_iati_identifier(iati_identifier)
    parent = uow.programmes.get(parent_id) if parent_id else None
    return parent_id if parent is not None and actor.owns(parent.reporting_org["ref"]) else None


def _adopt(uow: Any, orphans: list[tuple[dict[str, Any], domain.Programme, str]], actor: Actor, now: Any,
           errors: dict[str, Any]) -> None:
    """Children whose parent came later in the document (another chunk): linked now."""
    for entry, programme, parent_ref in orphans:
        parent_id = _parent_id(uow, parent_ref, actor)
        if parent_id is None:
            entry["warnings"].append(f"related-activity: the parent {parent_ref} is neither in the platform nor in "
                                     "the document; imported without a parent")
            continue
        try:
            if not programme.update({"parent_id": parent_id}, instruments_by_window=instruments_by_window(), now=now):
                continue
            parent = uow.programmes.get(parent_id, for_update=True)
            domain.check_parent(programme, parent if parent and actor.owns(parent.reporting_org["ref"]) else None,
                                parent_has_parent=bool(parent and parent.parent_id),
                                has_children=uow.programmes.has_children(programme.id))
        except InvalidInput as exc:
            errors.update({f"activities.{entry['index']}.{k}": v for k, v in exc.errors.items()})
            continue
        uow.programmes.save(programme)
        if entry["outcome"] == "unchanged":
            entry["outcome"] = "updated"


def _apply(uow: Any, a: dict[str, Any], actor: Actor, now: Any, errors: dict[str, Any],
           orphans: list[tuple[dict[str, Any], domain.Programme, str]]) -> dict[str, Any] | None:
    fields = merge(errors, validate, _create, {**a["programme"], "cities": [], "indicators": a.get("indicators", [])})
    if fields is None:
        return None
    if not actor.owns(fields["reporting_org"]["ref"]):
        errors["reporting_org.ref"] = [f"must be your organisation's identifier {actor.organisation!r}"]
        return None
    warnings: list[str] = list(a.get("warnings", []))
    fields["reported_transactions"] = a.get("reported_transactions", [])
    if a.get("parent"):
        fields["parent_id"] = _parent_id(uow, a["parent"], actor)
        if fields["parent_id"] is None:   # later in the document, perhaps: _adopt links it, keep it till then
            a = {**a, "defaulted": [*a.get("defaulted", ()), "parent_id"]}
    existing = uow.programmes.id_of_iati_identifier(fields["iati_identifier"])
    try:
        if existing is None:
            programme, changed = _create_programme(uow, fields, a, actor, now, errors), True
        else:
            programme, changed = _update_programme(uow, existing, fields, a, actor, now, errors)
    except NotFound:   # another organisation's programme: refused like any other activity
        errors["iati_identifier"] = [f"{fields['iati_identifier']!r} is already the identifier of another programme"]
        return None
    except PlatformError as exc:
        errors.update(getattr(exc, "errors", None) or {"_activity": [exc.detail]})
        return None
    if programme is None:
        return None
    changed |= indicators(uow, programme, fields["indicators"], now, errors)
    changed |= results(uow, programme, a.get("results", []), actor, now, errors, warnings)
    outcome = "created" if existing is None else "updated" if changed else "unchanged"
    entry = {"iati_identifier": programme.iati_identifier, "programme_id": programme.id, "outcome": outcome,
             "warnings": warnings}
    if a.get("parent") and fields["parent_id"] is None:
        orphans.append((entry, programme, a["parent"]))
    return entry


def _create_programme(uow: Any, fields: dict[str, Any], a: dict[str, Any], actor: Actor, now: Any,
                      errors: dict[str, Any]) -> domain.Programme | None:
    programme = domain.Programme.create(fields, instruments_by_window=instruments_by_window(), now=now)
    programme.status = a["status"]
    for i, city in enumerate(cities(uow, programme, a.get("cities", []), now, errors)):
        errors.update(programme.attach(city, f"cities.{i}"))
    if programme.parent_id is not None:
        parent = uow.programmes.get(programme.parent_id, for_update=True)
        merge(errors, domain.check_parent, programme, parent if parent and actor.owns(parent.reporting_org["ref"])
              else None, parent_has_parent=bool(parent and parent.parent_id), has_children=False)
    if errors:
        return None
    uow.programmes.add(uow.track(programme))
    programme.record_created()
    return programme


def _update_programme(uow: Any, programme_id: str, fields: dict[str, Any], a: dict[str, Any], actor: Actor,
                      now: Any, errors: dict[str, Any]) -> tuple[domain.Programme | None, bool]:
    programme = programme_for(uow, programme_id, actor, for_update=True)
    # fields another publisher's file does not carry keep what the platform has
    kept = set(a.get("defaulted", ()))
    changes = {k: fields[k] for k in domain.programmes.MUTABLE_FIELDS if k in fields and k not in kept}
    changed = bool(programme.update(changes, instruments_by_window=instruments_by_window(), now=now))
    changed |= programme.take_status(a["status"], now=now, reason=IMPORTED)
    for city in cities(uow, programme, a.get("cities", []), now, errors):
        merge(errors, programme.add_city, city, now=now, field_name="cities")
        changed = True
    if errors:
        return None, False
    if changed:
        uow.programmes.save(programme)
    return programme, changed
