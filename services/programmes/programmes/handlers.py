"""Use cases of the programmes service, as plain functions of a unit of work.

Every function that acts for a caller takes `actor` ({"key_id", "organisation", "role",
"scopes"}, or None for an internal call, which may do everything):
- an `admin` sees and does everything; approving and returning results is for admins only;
- any other role sees only the programmes (and their indicators and results) whose
  reporting organisation is its organisation; others' answer NotFound, so ids cannot be
  probed. A `partner` writes what it sees (including status changes of its programmes);
  a `reader` only reads. Cities are shared records: everyone reads them, partners add them.
"""
import base64
import binascii
import json
from datetime import datetime

import sqlalchemy as sa

from programmes import domain
from programmes.unit_of_work import utc
from shared import plan
from shared.api import programmes as api
from shared.errors import Forbidden, InvalidInput, NotFound, validate
from shared.events.fields import utcnow

_create, _update, _status = api.ProgrammeCreate(), api.ProgrammeUpdate(), api.StatusChange()
_city_in, _programme_city_in = api.CityCreate(), api.ProgrammeCityIn()
_indicator_in, _indicator_update = api.IndicatorIn(), api.IndicatorUpdate()
_result_in, _result_update = api.ResultCreate(), api.ResultUpdate()
_review, _return, _revise = api.ReviewAction(), api.ResultReturn(), api.ResultRevise()
_programme_query, _result_query, _city_query = api.ProgrammeListQuery(), api.ResultListQuery(), api.CityListQuery()
_programme_out, _city_out, _indicator_out = api.ProgrammeOut(), api.CityOut(), api.IndicatorOut()
_result_out, _totals_out = api.ResultOut(), api.TotalsOut()

NOBODY = "\x00"  # the organisation of an actor without one: matches no programme


# --- who may do what ----------------------------------------------------------------------

def _scope(actor) -> str | None:
    """The organisation the actor is limited to, None for admins and internal calls."""
    if actor is None or actor.get("role") == "admin":
        return None
    return actor.get("organisation") or NOBODY


def _by(actor) -> str | None:
    if actor is None:
        return None
    return actor.get("organisation") or actor.get("key_id")


def _require_writer(actor):
    if actor is not None and actor.get("role") not in ("partner", "admin"):
        raise Forbidden(f"the {actor.get('role')} role only reads")


def _require_admin(actor, what: str):
    if actor is not None and actor.get("role") != "admin":
        raise Forbidden(f"only an admin may {what}")


def _programme_for(uow, programme_id: str, actor, *, lock: bool = False) -> domain.Programme:
    """The programme, if the actor may see it (NotFound otherwise); `lock` for a change."""
    programme = uow.programmes.get(programme_id, lock=lock) if isinstance(programme_id, str) else None
    scope = _scope(actor)
    if programme is None or (scope is not None and programme.reporting_org["ref"] != scope):
        raise NotFound("programme", programme_id)
    return programme


def _result_for(uow, result_id: str, actor, *, lock: bool = False) -> domain.Result:
    result = uow.results.get(result_id, lock=lock) if isinstance(result_id, str) else None
    scope = _scope(actor)
    if result is None or (scope is not None and result.reporting_org_ref != scope):
        raise NotFound("result", result_id)
    return result


# --- plans ----------------------------------------------------------------------------------

def instruments_by_window() -> dict[str, set]:
    out: dict[str, set] = {}
    for p in plan.plans().values():
        for window in p["windows"]:
            out.setdefault(window["code"], set()).update(window.get("instruments", []))
    return out


def corporate_titles() -> dict[str, str]:
    return {i["code"]: i["title"] for p in plan.plans().values() for i in p["indicators"]}


# --- views ----------------------------------------------------------------------------------

def _city_view(city: domain.City) -> dict:
    return {**city.as_dict(), "created_at": city.created_at, "updated_at": city.updated_at}


def _indicator_view(indicator: domain.Indicator) -> dict:
    return _indicator_out.dump({**indicator.__dict__, "measure_code": domain.MEASURE_CODES[indicator.measure]})


def _programme_data(p: domain.Programme) -> dict:
    return {
        "id": p.id, "iati_identifier": p.iati_identifier, "title": p.title, "description": p.description,
        "reporting_org": p.reporting_org, "funding_window": p.funding_window, "instrument": p.instrument,
        "status": p.status, "status_code": p.status_code, "allowed_statuses": p.allowed_statuses,
        "parent_id": p.parent_id, "themes": p.themes, "countries": p.countries,
        "cities": [_city_view(c) for c in p.cities], "sdg_goals": p.sdg_goals, "sdg_targets": p.sdg_targets,
        "sectors": p.sectors, "policy_markers": p.policy_markers,
        "participating_orgs": [{**o, "role_code": domain.ROLE_CODES[o["role"]]} for o in p.participating_orgs],
        "budget": p.budget, "dates": p.dates, "version": p.version, "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def _programme_view(p: domain.Programme, *, indicators=None, children=None) -> dict:
    data = _programme_data(p)
    if indicators is not None:
        data["indicators"] = [{**i.__dict__, "measure_code": domain.MEASURE_CODES[i.measure]} for i in indicators]
    if children is not None:
        data["children"] = children
    return _programme_out.dump(data)


def _full_programme_view(uow, programme: domain.Programme) -> dict:
    return _programme_view(programme, indicators=uow.programmes.indicators(programme.id),
                           children=uow.programmes.children(programme.id))


def _result_data(result: domain.Result) -> dict:
    approved = result.approved
    return {"id": result.id, "programme_id": result.programme_id, "indicator": result.indicator,
            "city_id": result.city_id, "period": {"start": result.period_start, "end": result.period_end},
            "status": result.status, "version": result.current.number, "value": result.current.value,
            "disaggregations": result.current.disaggregations,
            "approved_version": approved.number if approved else None,
            "approved_value": approved.value if approved else None, "allowed_actions": result.allowed_actions,
            "created_at": result.created_at, "updated_at": result.updated_at}


def _result_view(result: domain.Result, city: domain.City | None, *, versions=True) -> dict:
    data = _result_data(result)
    data["city"] = city.ref() if city else None
    if versions:
        data["versions"] = [{**v.__dict__, "version": v.number} for v in result.versions]
    return _result_out.dump(data)


# --- cursors ----------------------------------------------------------------------------------

def encode_cursor(updated_at: datetime, row_id: str) -> str:
    raw = json.dumps([utc(updated_at).isoformat(), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None):
    if cursor is None:
        return None
    try:
        updated_at, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(updated_at), str(row_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput({"cursor": ["not a cursor of this list; use next_cursor as it was given"]}) from None


def _page(rows: list, limit: int, key) -> tuple[list, str | None]:
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(*key(rows[-1]))


def _filters(query: dict) -> dict:
    return {k: v for k, v in query.items() if k not in ("cursor", "limit") and v is not None}


# --- events -----------------------------------------------------------------------------------

def _programme_ref(programme: domain.Programme) -> dict:
    return {"programme_id": programme.id, "iati_identifier": programme.iati_identifier,
            "parent_id": programme.parent_id, "reporting_org_ref": programme.reporting_org["ref"]}


def _result_event(programme, indicator, result, version: domain.ResultVersion) -> dict:
    city = programme.city(result.city_id)
    return {**_programme_ref(programme), "result_id": result.id, "version": version.number,
            "indicator": indicator.summary(), "city": city.ref(),
            "period": {"start": result.period_start, "end": result.period_end}, "value": version.value,
            "disaggregations": version.disaggregations}


def _changes_for_contract(previous: dict) -> dict:
    out = {}
    for name, value in previous.items():
        if name == "participating_orgs":
            value = [{"ref": o.get("ref"), "name": o["name"], "role": o["role"], "type": o.get("type")}
                     for o in value]
        out[name] = value
    return out


# --- programmes -------------------------------------------------------------------------------

def _merge(errors: dict, fn, *args, **kwargs):
    """Run fn, adding its InvalidInput errors to `errors`; returns its result or None."""
    try:
        return fn(*args, **kwargs)
    except InvalidInput as exc:
        errors.update(exc.errors)
        return None


def _visible_parent(uow, programme: domain.Programme, actor) -> domain.Programme | None:
    if programme.parent_id is None:
        return None
    try:
        return _programme_for(uow, programme.parent_id, actor)
    except NotFound:
        return None


def _resolve_city(uow, spec: dict, now, field_name: str, errors: dict) -> domain.City | None:
    if "id" in spec and spec["id"] is not None:
        city = uow.cities.get(spec["id"])
        if city is None:
            errors[f"{field_name}.id"] = [f"no city with id {spec['id']!r}"]
        return city
    new = _merge(errors, domain.City.register, now=now, **{k: spec.get(k) for k in (
        "name", "country", "population", "secondary_city", "latitude", "longitude")})
    if new is None:
        return None
    city, _ = uow.cities.find_or_add(new)
    return city


def create_programme(uow, data, actor=None) -> dict:
    _require_writer(actor)
    fields = validate(_create, data)
    scope = _scope(actor)
    errors = {}
    if scope is not None and fields["reporting_org"]["ref"] != scope:
        errors["reporting_org.ref"] = [f"must be your organisation's identifier {scope!r}"]
    now = utcnow()
    programme = domain.Programme.create(fields, instruments_by_window=instruments_by_window(), now=now) \
        if not errors else None
    if programme is None:
        raise InvalidInput(errors)
    titles = corporate_titles()
    indicators = []
    for i, spec in enumerate(fields["indicators"]):
        if spec["code"] in [s["code"] for s in fields["indicators"][:i]]:
            errors[f"indicators.{i}.code"] = [f"{spec['code']!r} is listed twice"]
            continue
        indicator = _merge(errors, domain.define_indicator, programme.id, spec, corporate_titles=titles, now=now,
                           prefix=f"indicators.{i}.")
        if indicator:
            indicators.append(indicator)
    with uow:
        if uow.programmes.id_of_iati_identifier(programme.iati_identifier):
            errors["iati_identifier"] = [f"{programme.iati_identifier!r} is already the identifier of another "
                                         "programme"]
        parent = _visible_parent(uow, programme, actor)
        _merge(errors, domain.check_parent, programme, parent, parent_has_parent=bool(parent and parent.parent_id),
               has_children=False)
        for i, spec in enumerate(fields["cities"]):
            city = _resolve_city(uow, spec, now, f"cities.{i}", errors)
            if city is None:
                continue
            if any(c.id == city.id for c in programme.cities):
                errors[f"cities.{i}"] = [f"{city.name} ({city.country}) is listed twice"]
                continue
            if city.country not in programme.countries:
                errors[f"cities.{i}.country"] = [f"{city.country!r} ({city.name}) is not one of the programme's "
                                                 f"countries {sorted(programme.countries)}"]
            programme.cities.append(city)
        if errors:
            raise InvalidInput(errors)
        try:
            uow.programmes.add(programme)
        except sa.exc.IntegrityError:
            raise InvalidInput({"iati_identifier": [f"{programme.iati_identifier!r} is already the identifier "
                                                    "of another programme"]}) from None
        uow.emit("programme.created", programme.state())
        for indicator in indicators:
            uow.programmes.add_indicator(indicator)
            uow.emit("indicator.defined", {**_programme_ref(programme), "indicator": indicator.as_contract(),
                                           "previous": None, "defined_at": now})
        uow.commit()
        return _programme_view(programme, indicators=indicators, children=[])


def get_programme(uow, programme_id, actor=None) -> dict:
    with uow:
        return _full_programme_view(uow, _programme_for(uow, programme_id, actor))


def update_programme(uow, programme_id, data, actor=None) -> dict:
    _require_writer(actor)
    changes = validate(_update, data)
    now = utcnow()
    with uow:
        programme = _programme_for(uow, programme_id, actor, lock=True)
        previous = programme.update(changes, instruments_by_window=instruments_by_window(), now=now)
        if "parent_id" in previous and programme.parent_id is not None:
            parent = _visible_parent(uow, programme, actor)
            domain.check_parent(programme, parent, parent_has_parent=bool(parent and parent.parent_id),
                                has_children=uow.programmes.has_children(programme.id))
        if not previous:
            return _full_programme_view(uow, programme)   # nothing changed: no event
        uow.programmes.save(programme)
        uow.emit("programme.updated", {**programme.state(), "changed": sorted(previous),
                                       "previous": _changes_for_contract(previous)})
        uow.commit()
        return _full_programme_view(uow, programme)


def change_status(uow, programme_id, data, actor=None) -> dict:
    _require_writer(actor)
    fields = validate(_status, data)
    with uow:
        programme = _programme_for(uow, programme_id, actor, lock=True)
        previous = programme.change_status(fields["status"], now=utcnow())
        uow.programmes.save(programme)
        uow.emit("programme.status_changed", {**programme.state(), "previous_status": previous,
                                              "previous_status_code": domain.ACTIVITY_STATUSES[previous],
                                              "reason": fields["reason"]})
        uow.commit()
        return _full_programme_view(uow, programme)


def list_programmes(uow, query=None, actor=None) -> dict:
    q = validate(_programme_query, query or {})
    after = decode_cursor(q["cursor"])
    with uow:
        rows = uow.programmes.page(filters=_filters(q), organisation=_scope(actor), after=after,
                                   limit=q["limit"] + 1)
    rows, next_cursor = _page(rows, q["limit"], lambda p: (p.updated_at, p.id))
    return {"items": [_programme_view(p) for p in rows], "next_cursor": next_cursor}


def programme_totals(uow, programme_id, actor=None) -> dict:
    """Approved values per indicator of the programme and its children, each result once."""
    with uow:
        programme = _programme_for(uow, programme_id, actor)
        children = [c["id"] for c in uow.programmes.children(programme.id)]
        family = [programme.id] + children
        indicators = {}
        for (owner, code), indicator in uow.programmes.indicators_of(family).items():
            if owner == programme.id or code not in indicators:
                indicators[code] = indicator
        approved = uow.results.approved_values(family)
    return _totals_out.dump({"programme_id": programme.id, "children": children,
                             "indicators": domain.roll_up(programme.id, children, approved, indicators)})


# --- cities -----------------------------------------------------------------------------------

def create_city(uow, data, actor=None) -> tuple[bool, dict]:
    """(created, city): a city already on record (same country and name) is answered, not duplicated."""
    _require_writer(actor)
    fields = validate(_city_in, data)
    with uow:
        city, created = uow.cities.find_or_add(domain.City.register(**fields, now=utcnow()))
        uow.commit()
    return created, _city_out.dump(_city_view(city))


def get_city(uow, city_id, actor=None) -> dict:
    with uow:
        city = uow.cities.get(city_id) if isinstance(city_id, str) else None
    if city is None:
        raise NotFound("city", city_id)
    return _city_out.dump(_city_view(city))


def list_cities(uow, query=None, actor=None) -> dict:
    q = validate(_city_query, query or {})
    with uow:
        rows = uow.cities.page(country=q.get("country"), q=q.get("q"), modified_since=q["modified_since"],
                               after=decode_cursor(q["cursor"]), limit=q["limit"] + 1)
    rows, next_cursor = _page(rows, q["limit"], lambda c: (c.updated_at, c.id))
    return {"items": [_city_out.dump(_city_view(c)) for c in rows], "next_cursor": next_cursor}


def add_programme_city(uow, programme_id, data, actor=None) -> dict:
    _require_writer(actor)
    spec = validate(_programme_city_in, data)
    now = utcnow()
    with uow:
        programme = _programme_for(uow, programme_id, actor, lock=True)
        errors = {}
        city = _resolve_city(uow, spec, now, "city", errors)
        if errors:
            raise InvalidInput({k.removeprefix("city."): v for k, v in errors.items()})
        programme.add_city(city, now=now, field_name=None)
        uow.programmes.save(programme)
        uow.emit("programme.city_added", {**programme.state(), "city": city.as_dict()})
        uow.commit()
        return _full_programme_view(uow, programme)


# --- indicators -------------------------------------------------------------------------------

def define_indicator(uow, programme_id, data, actor=None) -> dict:
    _require_writer(actor)
    spec = validate(_indicator_in, data)
    now = utcnow()
    with uow:
        programme = _programme_for(uow, programme_id, actor, lock=True)
        programme.check_can_define()
        if uow.programmes.indicator(programme.id, spec["code"]) is not None:
            raise InvalidInput({"code": [f"{spec['code']!r} is already an indicator of this programme; "
                                         "PATCH it to change it"]})
        indicator = domain.define_indicator(programme.id, spec, corporate_titles=corporate_titles(), now=now)
        uow.programmes.add_indicator(indicator)
        uow.programmes.touch(programme.id, now)
        uow.emit("indicator.defined", {**_programme_ref(programme), "indicator": indicator.as_contract(),
                                       "previous": None, "defined_at": now})
        uow.commit()
    return _indicator_view(indicator)


def update_indicator(uow, programme_id, code, data, actor=None) -> dict:
    _require_writer(actor)
    changes = validate(_indicator_update, data)
    now = utcnow()
    with uow:
        programme = _programme_for(uow, programme_id, actor, lock=True)
        programme.check_can_define()
        indicator = uow.programmes.indicator(programme.id, code)
        if indicator is None:
            raise NotFound("indicator", code)
        previous = indicator.as_contract()
        for name, value in changes.items():
            setattr(indicator, name, value.strip() if name == "title" else value)
        errors = domain._indicator_value_errors(indicator)
        if errors:
            raise InvalidInput(errors)
        if indicator.as_contract() == previous:
            return _indicator_view(indicator)
        indicator.updated_at = now
        uow.programmes.save_indicator(indicator)
        uow.programmes.touch(programme.id, now)
        uow.emit("indicator.defined", {**_programme_ref(programme), "indicator": indicator.as_contract(),
                                       "previous": previous, "defined_at": now})
        uow.commit()
    return _indicator_view(indicator)


def list_indicators(uow, programme_id, actor=None) -> dict:
    with uow:
        programme = _programme_for(uow, programme_id, actor)
        return {"items": [_indicator_view(i) for i in uow.programmes.indicators(programme.id)]}


# --- results ----------------------------------------------------------------------------------

def _indicator_of(uow, programme: domain.Programme, code: str) -> domain.Indicator:
    indicator = uow.programmes.indicator(programme.id, code)
    if indicator is None:
        codes = [i.code for i in uow.programmes.indicators(programme.id)]
        raise InvalidInput({"indicator": [f"{code!r} is not an indicator of this programme (its indicators: "
                                          f"{', '.join(codes) or 'none yet'})"]})
    return indicator


def create_result(uow, programme_id, data, actor=None) -> dict:
    _require_writer(actor)
    fields = validate(_result_in, data)
    now = utcnow()
    with uow:
        programme = _programme_for(uow, programme_id, actor)
        errors = {}
        indicator = _merge(errors, _indicator_of, uow, programme, fields["indicator"])
        if indicator is None:
            if programme.city(fields["city_id"]) is None:
                errors["city_id"] = [f"{fields['city_id']!r} is not one of the programme's cities"]
            raise InvalidInput(errors)
        result = domain.Result.draft(programme, indicator, city_id=fields["city_id"], period=fields["period"],
                                     value=fields["value"], disaggregations=fields["disaggregations"], now=now,
                                     by=_by(actor))
        existing = uow.results.id_in_slot(programme.id, indicator.code, result.city_id, result.period_start,
                                          result.period_end)
        if existing:
            raise InvalidInput({"period": [f"a result of {indicator.code} in this city for this period exists "
                                           f"already ({existing}): edit, submit or revise it"]})
        try:
            uow.results.add(result)
        except sa.exc.IntegrityError:   # the same slot, drafted at the same moment
            raise InvalidInput({"period": [f"a result of {indicator.code} in this city for this period exists "
                                           "already: edit, submit or revise it"]}) from None
        uow.commit()
        return _result_view(result, programme.city(result.city_id))


def _result_context(uow, result_id, actor):
    result = _result_for(uow, result_id, actor, lock=True)
    programme = uow.programmes.get(result.programme_id)
    return result, programme, uow.programmes.indicator(programme.id, result.indicator)


def update_result(uow, result_id, data, actor=None) -> dict:
    _require_writer(actor)
    changes = validate(_result_update, data)
    with uow:
        result, programme, indicator = _result_context(uow, result_id, actor)
        result.edit(indicator, value=changes.get("value"), disaggregations=changes.get("disaggregations"),
                    now=utcnow(), by=_by(actor))
        uow.results.save(result)
        uow.commit()
        return _result_view(result, programme.city(result.city_id))


def submit_result(uow, result_id, data=None, actor=None) -> dict:
    _require_writer(actor)
    fields = validate(_review, {} if data is None else data)
    now = utcnow()
    with uow:
        result, programme, indicator = _result_context(uow, result_id, actor)
        result.submit(programme, now=now, by=_by(actor), comment=fields["comment"])
        uow.results.save(result)
        approved = result.approved
        uow.emit("result.submitted", {**_result_event(programme, indicator, result, result.current),
                                      "replaces_version": approved.number if approved else None,
                                      "submitted_at": now})
        uow.commit()
        return _result_view(result, programme.city(result.city_id))


def approve_result(uow, result_id, data=None, actor=None) -> dict:
    _require_admin(actor, "approve results")
    fields = validate(_review, {} if data is None else data)
    now = utcnow()
    with uow:
        result, programme, indicator = _result_context(uow, result_id, actor)
        replaced = result.approve(now=now, by=_by(actor), comment=fields["comment"])
        uow.results.save(result)
        event = _result_event(programme, indicator, result, result.current)
        if replaced is None:
            uow.emit("result.approved", {**event, "approved_at": now})
        else:
            uow.emit("result.revised", {**event, "previous": {
                "version": replaced.number, "value": replaced.value, "disaggregations": replaced.disaggregations,
                "approved_at": replaced.approved_at}, "comment": result.current.comment, "revised_at": now})
        uow.commit()
        return _result_view(result, programme.city(result.city_id))


def return_result(uow, result_id, data, actor=None) -> dict:
    _require_admin(actor, "return results for revision")
    fields = validate(_return, data)
    now = utcnow()
    with uow:
        result, programme, indicator = _result_context(uow, result_id, actor)
        result.return_for_revision(comment=fields["comment"].strip(), now=now, by=_by(actor))
        uow.results.save(result)
        uow.emit("result.returned", {**_result_event(programme, indicator, result, result.current),
                                     "comment": fields["comment"].strip(), "returned_at": now})
        uow.commit()
        return _result_view(result, programme.city(result.city_id))


def revise_result(uow, result_id, data, actor=None) -> dict:
    _require_writer(actor)
    fields = validate(_revise, data)
    now = utcnow()
    with uow:
        result, programme, indicator = _result_context(uow, result_id, actor)
        replaced = result.approved
        version = result.revise(programme, indicator, value=fields["value"],
                                disaggregations=fields["disaggregations"], comment=fields["comment"].strip(),
                                now=now, by=_by(actor))
        uow.results.save(result)
        uow.emit("result.submitted", {**_result_event(programme, indicator, result, version),
                                      "replaces_version": replaced.number, "submitted_at": now})
        uow.commit()
        return _result_view(result, programme.city(result.city_id))


def get_result(uow, result_id, actor=None) -> dict:
    with uow:
        result = _result_for(uow, result_id, actor)
        return _result_view(result, uow.cities.get(result.city_id))


def list_results(uow, query=None, actor=None, programme_id=None) -> dict:
    q = validate(_result_query, query or {})
    after = decode_cursor(q["cursor"])
    with uow:
        filters = _filters(q)
        if programme_id is not None:
            if q.get("programme_id") not in (None, programme_id):
                raise InvalidInput({"programme_id": ["differs from the programme in the path"]})
            filters["programme_id"] = _programme_for(uow, programme_id, actor).id
        rows = uow.results.page(filters=filters, organisation=_scope(actor), after=after, limit=q["limit"] + 1)
        rows, next_cursor = _page(rows, q["limit"], lambda r: (r["updated_at"], r["id"]))
        cities = uow.cities.many(sorted({r["city_id"] for r in rows}))
    items = [_result_out.dump({**r, "city": cities[r["city_id"]].ref()}) for r in rows]
    return {"items": items, "next_cursor": next_cursor}
