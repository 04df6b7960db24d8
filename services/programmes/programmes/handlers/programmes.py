"""Use cases of programmes: create, read, list, change fields, move along the lifecycle,
roll up approved values. Each is a plain function of a unit of work and an Actor."""
from typing import Any

import sqlalchemy as sa

from programmes import domain
from programmes.access import list_scope, parent_for, programme_for, require_writer
from programmes.handlers.cities import resolve_city
from programmes.plans import corporate_titles, instruments_by_window, year_rule
from programmes.views import full_programme_view, programme_page_view, programme_view, totals_view
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import InvalidInput, validate
from shared.events.fields import utcnow

_create, _update, _status = api.ProgrammeCreate(), api.ProgrammeUpdate(), api.StatusChange()
_query = api.ProgrammeListQuery()


def merge(errors: dict[str, Any], fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run fn, adding its InvalidInput errors to `errors`; returns its result or None."""
    try:
        return fn(*args, **kwargs)
    except InvalidInput as exc:
        errors.update(exc.errors)
        return None


def _indicators(programme: domain.Programme, specs: list[dict[str, Any]], now: Any,
                errors: dict[str, Any]) -> list[domain.Indicator]:
    titles, indicators = corporate_titles(), []
    for i, spec in enumerate(specs):
        if spec["code"] in [s["code"] for s in specs[:i]]:
            errors[f"indicators.{i}.code"] = [f"{spec['code']!r} is listed twice"]
            continue
        indicator = merge(errors, domain.define_indicator, programme.id, spec, corporate_titles=titles, now=now,
                          prefix=f"indicators.{i}.", city_ids={c.id for c in programme.cities})
        if indicator:
            indicators.append(indicator)
    return indicators


def _taken(iati_identifier: str) -> dict[str, list[str]]:
    return {"iati_identifier": [f"{iati_identifier!r} is already the identifier of another programme"]}


def create_programme(uow: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    fields = validate(_create, data)
    if not actor.owns(fields["reporting_org"]["ref"]):
        raise InvalidInput({"reporting_org.ref": [f"must be your organisation's identifier "
                                                  f"{actor.organisation!r}"]})
    now = utcnow()
    programme = domain.Programme.create(fields, instruments_by_window=instruments_by_window(), now=now)
    errors: dict[str, Any] = {}
    indicators = _indicators(programme, fields["indicators"], now, errors)
    with uow:
        if uow.programmes.id_of_iati_identifier(programme.iati_identifier):
            errors.update(_taken(programme.iati_identifier))
        parent = parent_for(uow, programme, actor)
        merge(errors, domain.check_parent, programme, parent, parent_has_parent=bool(parent and parent.parent_id),
              has_children=False)
        for i, spec in enumerate(fields["cities"]):
            city = resolve_city(uow, spec, now, f"cities.{i}", errors)
            if city is not None:
                errors.update(programme.attach(city, f"cities.{i}"))
        if errors:
            raise InvalidInput(errors)
        try:
            uow.programmes.add(uow.track(programme))
        except sa.exc.IntegrityError:
            raise InvalidInput(_taken(programme.iati_identifier)) from None
        programme.record_created()
        for indicator in indicators:
            uow.indicators.add(uow.track(indicator))
            indicator.defined(programme.ref(), previous=None, at=now)
        uow.commit()
        return programme_view(programme, indicators=indicators, children=[])


def get_programme(uow: Any, programme_id: Any, *, actor: Actor) -> dict[str, Any]:
    with uow:
        return full_programme_view(uow, programme_for(uow, programme_id, actor))


def update_programme(uow: Any, programme_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    changes = validate(_update, data)
    with uow:
        if changes.get("parent_id") is not None and isinstance(programme_id, str):
            # a new parent: the programme and the parent, in id order (unit_of_work: lock order)
            uow.programmes.lock([programme_id, changes["parent_id"]])
        programme = programme_for(uow, programme_id, actor, for_update=True)
        previous = programme.update(changes, instruments_by_window=instruments_by_window(), now=utcnow())
        if "parent_id" in previous and programme.parent_id is not None:
            parent = parent_for(uow, programme, actor)
            domain.check_parent(programme, parent, parent_has_parent=bool(parent and parent.parent_id),
                                has_children=uow.programmes.has_children(programme.id))
        if not previous:
            return full_programme_view(uow, programme)   # nothing changed: no event
        uow.programmes.save(programme)
        uow.commit()
        return full_programme_view(uow, programme)


def change_status(uow: Any, programme_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    fields = validate(_status, data)
    with uow:
        programme = programme_for(uow, programme_id, actor, for_update=True)
        programme.change_status(fields["status"], now=utcnow(), reason=fields["reason"])
        uow.programmes.save(programme)
        uow.commit()
        return full_programme_view(uow, programme)


def list_programmes(uow: Any, query: Any = None, *, actor: Actor) -> dict[str, Any]:
    q = validate(_query, query or {})
    filters = {k: v for k, v in q.items() if k not in ("cursor", "limit") and v is not None}
    with uow:
        page = uow.programmes.page(filters=filters, organisation=list_scope(actor), cursor=q["cursor"],
                                   limit=q["limit"])
    return {"items": programme_page_view(page.rows), "next_cursor": page.next_cursor}


def programme_totals(uow: Any, programme_id: Any, *, actor: Actor) -> dict[str, Any]:
    """Approved values per indicator of the programme and its children, each result once, rolled
    up by each indicator's rule: over the whole span and per calendar year, beside the targets."""
    with uow:
        programme = programme_for(uow, programme_id, actor)
        children = [c["id"] for c in uow.programmes.children(programme.id)]
        family = [programme.id] + children
        indicators = uow.indicators.of_many(family)
        approved = uow.results.approved_values(family)
    return totals_view(programme, children, domain.roll_up(programme.id, children, approved, indicators,
                                                           year_rule))
