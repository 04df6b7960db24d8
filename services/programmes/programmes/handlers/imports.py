"""Use case of the IATI import (docs/iati.md "Import"): activities the gateway has read and
mapped to the platform's shapes are applied in ONE unit of work: programmes created or
updated, their cities, indicators, approved result values and reported transactions; all
or nothing. Errors are keyed `activities.<i>.<field>` (i: the activity's place in the
document) so the gateway reports them per activity. A dry run does the same work and rolls
it back, so it reports what a real import would do.

Large documents come in chunks (bounded messages): `stage_activities` keeps each chunk in
`import_chunks`; the final `import_activities(..., import_id=)` applies the staged chunks,
one loaded at a time, and its own, in ONE transaction; `discard_import` (after a dry run or
a refusal) and a TTL remove what is left."""
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from itertools import chain
from typing import Any

from programmes import domain
from programmes.access import by, programme_for, require_writer
from programmes.handlers.cities import resolve_city
from programmes.handlers.programmes import merge
from programmes.plans import corporate_titles, instruments_by_window
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import InvalidInput, NotFound, PlatformError, validate
from shared.events.fields import utcnow

_create, _result, _city = api.ProgrammeCreate(), api.ResultCreate(), api.ProgrammeCityIn()
INDICATOR_CHANGES = ("title", "reach", "ascending", "baseline", "targets")
IMPORTED = "imported from an IATI file"
STAGED_TTL = timedelta(hours=1)   # chunks of an import that never finished are removed after this
MAX_CHUNK = 5000


def _owner(actor: Actor) -> str:
    return f"{actor.kind}:{actor.key_id or ''}"


def _check_id(import_id: Any) -> str:
    if not isinstance(import_id, str) or not 1 <= len(import_id) <= 36:
        raise InvalidInput({"import_id": ["an id of 1 to 36 characters"]})
    return import_id


def stage_activities(uow: Any, import_id: Any, seq: Any, activities: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    _check_id(import_id)
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise InvalidInput({"seq": ["a whole number from 0"]})
    if not isinstance(activities, list) or not 1 <= len(activities) <= MAX_CHUNK:
        raise InvalidInput({"activities": [f"1 to {MAX_CHUNK} activities"]})
    now = utcnow()
    with uow:
        uow.imports.prune(now - STAGED_TTL)
        uow.imports.stage(import_id, seq, _owner(actor), activities, now)
        uow.commit()
    return {"staged": len(activities)}


def discard_import(uow: Any, import_id: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    with uow:
        uow.imports.drop(_check_id(import_id), _owner(actor))
        uow.commit()
    return {"discarded": import_id}


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
        staged = uow.imports.chunks(_check_id(import_id), _owner(actor)) if import_id is not None else iter(())
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
            uow.imports.drop(import_id, _owner(actor))
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
    changed |= _indicators(uow, programme, fields["indicators"], now, errors)
    changed |= _results(uow, programme, a.get("results", []), actor, now, errors, warnings)
    outcome = "created" if existing is None else "updated" if changed else "unchanged"
    entry = {"iati_identifier": programme.iati_identifier, "programme_id": programme.id, "outcome": outcome,
             "warnings": warnings}
    if a.get("parent") and fields["parent_id"] is None:
        orphans.append((entry, programme, a["parent"]))
    return entry


def _cities(uow: Any, programme: domain.Programme, specs: list[dict[str, Any]], now: Any,
            errors: dict[str, Any]) -> list[domain.City]:
    """Cities by `ref` (a city id, as the platform exports them), else by country and name,
    else registered; with the ref as its id when it is a platform id (a UUID), so that an
    export imported into another platform exports the same again."""
    cities: list[domain.City] = []
    for i, spec in enumerate(specs):
        ref = spec.get("ref")
        city = uow.cities.get(ref) if ref else None
        if city is None:
            loaded = merge(errors, validate, _city, {k: v for k, v in spec.items() if k != "ref"})
            city = resolve_city(uow, loaded, now, f"cities.{i}", errors, new_id=ref if _is_uuid(ref) else None) \
                if loaded else None
        if city is not None and programme.city(city.id) is None and all(c.id != city.id for c in cities):
            cities.append(city)
    return cities


def _is_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _create_programme(uow: Any, fields: dict[str, Any], a: dict[str, Any], actor: Actor, now: Any,
                      errors: dict[str, Any]) -> domain.Programme | None:
    programme = domain.Programme.create(fields, instruments_by_window=instruments_by_window(), now=now)
    programme.status = a["status"]
    for i, city in enumerate(_cities(uow, programme, a.get("cities", []), now, errors)):
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
    for city in _cities(uow, programme, a.get("cities", []), now, errors):
        merge(errors, programme.add_city, city, now=now, field_name="cities")
        changed = True
    if errors:
        return None, False
    if changed:
        uow.programmes.save(programme)
    return programme, changed


def _indicators(uow: Any, programme: domain.Programme, specs: list[dict[str, Any]], now: Any,
                errors: dict[str, Any]) -> bool:
    changed, titles = False, corporate_titles()
    for i, spec in enumerate(specs):
        indicator = uow.indicators.get(programme.id, spec["code"])
        if indicator is None:
            indicator = merge(errors, domain.define_indicator, programme.id, spec, corporate_titles=titles, now=now,
                              prefix=f"indicators.{i}.")
            if indicator is not None:
                uow.indicators.add(uow.track(indicator))
                indicator.defined(programme.ref(), previous=None, at=now)
                changed = True
        elif merge(errors, uow.track(indicator).change, {k: spec[k] for k in INDICATOR_CHANGES if k in spec},
                   programme.ref(), now=now):
            uow.indicators.save(indicator)
            changed = True
    return changed


@contextmanager
def _reporting(programme: domain.Programme) -> Iterator[None]:
    """Imported values were approved by their publisher: they are history, so the platform's
    rule that results are reported during implementation does not apply to them."""
    status = programme.status
    if status not in domain.programmes.REPORTING_STATUSES:
        programme.status = "implementation"
    try:
        yield
    finally:
        programme.status = status


def _results(uow: Any, programme: domain.Programme, results: list[dict[str, Any]], actor: Actor, now: Any,
             errors: dict[str, Any], warnings: list[str]) -> bool:
    """Actuals as approved results of the programme's first city (IATI sums actuals over cities)."""
    if results and not programme.cities:
        warnings.append("result actuals not imported: the activity has no location the platform can use as a city")
        return False
    changed = False
    for i, data in enumerate(results):
        spec = merge(errors, validate, _result, {**data, "city_id": programme.cities[0].id})
        indicator = uow.indicators.get(programme.id, spec["indicator"]) if spec else None
        if spec is None or indicator is None:
            continue
        slot = uow.results.id_in_slot(programme.id, indicator.code, spec["city_id"], spec["period"]["start"],
                                      spec["period"]["end"])
        with _reporting(programme):
            if slot is None:
                result = merge(errors, domain.Result.draft, programme, indicator, city_id=spec["city_id"],
                               period=spec["period"], value=spec["value"],
                               disaggregations=spec["disaggregations"], now=now, by=by(actor))
                if result is None:
                    continue
                uow.results.add(uow.track(result))
                result.submit(programme, indicator, now=now, by=by(actor), comment=IMPORTED)
            else:
                result = uow.track(uow.results.get(slot, for_update=True))
                approved = result.approved
                same = approved is not None and approved.value == spec["value"] \
                    and approved.disaggregations == {k: v for k, v in spec["disaggregations"].items() if v}
                if same:
                    continue
                if result.status != "approved":
                    warnings.append(f"results.{i}: a result of {indicator.code} for this period is under review "
                                    "on the platform; the file's value was not applied")
                    continue
                if merge(errors, result.revise, programme, indicator, value=spec["value"],
                         disaggregations=spec["disaggregations"], comment=IMPORTED, now=now, by=by(actor)) is None:
                    continue
            result.approve(programme, indicator, now=now, by=by(actor), comment=IMPORTED)
        uow.results.save(result)
        changed = True
    return changed
