"""Applying an imported activity's details (docs/iati.md "Import"): its cities (by ref, else by
country and name, else registered), its indicators (defined or changed) and its approved result
values (drafted, submitted and approved, or revised), each adding its errors under its field."""
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from programmes import domain
from programmes.access import by
from programmes.handlers.cities import resolve_city
from programmes.handlers.programmes import merge
from programmes.plans import corporate_titles
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import validate

_result, _city = api.ResultCreate(), api.ProgrammeCityIn()
INDICATOR_CHANGES = ("title", "reach", "ascending", "baseline", "targets")
IMPORTED = "imported from an IATI file"


def cities(uow: Any, programme: domain.Programme, specs: list[dict[str, Any]], now: Any,
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
            city = resolve_city(uow, loaded, now, f"cities.{i}", errors, new_id=ref if is_uuid(ref) else None) \
                if loaded else None
        if city is not None and programme.city(city.id) is None and all(c.id != city.id for c in cities):
            cities.append(city)
    return cities


def is_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def indicators(uow: Any, programme: domain.Programme, specs: list[dict[str, Any]], now: Any,
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
                   programme.ref(), now=now, city_ids={c.id for c in programme.cities}):
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


def results(uow: Any, programme: domain.Programme, results: list[dict[str, Any]], actor: Actor, now: Any,
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
