"""Use cases of city records, and of a programme's cities."""
from typing import Any

from programmes import domain
from programmes.access import programme_for, require_writer
from programmes.views import city_view, full_programme_view
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import InvalidInput, NotFound, unknown_reference, validate
from shared.events.fields import utcnow

_city_in, _programme_city_in, _query = api.CityCreate(), api.ProgrammeCityIn(), api.CityListQuery()
CITY_FIELDS = ("name", "country", "population", "secondary_city", "latitude", "longitude")


def resolve_city(uow: Any, spec: dict[str, Any], now: Any, field_name: str, errors: dict[str, Any],
                 new_id: str | None = None) -> domain.City | None:
    """The city a loaded ProgrammeCityIn names: on record by id, or found or registered by
    country and name (registered with `new_id` when given: the IATI import keeps the ids of
    the document it reads). Its errors are added to `errors` (under `field_name`)."""
    if spec.get("id") is not None:
        city = uow.cities.get(spec["id"])
        if city is None:
            errors.update(unknown_reference(f"{field_name}.id", "city", spec["id"]).errors)
        return city
    given: dict[str, Any] = {k: spec.get(k) for k in CITY_FIELDS}
    try:
        new = domain.City.register(now=now, **given)
    except InvalidInput as exc:
        errors.update(exc.errors)
        return None
    new.id = new_id or new.id
    city, _ = uow.cities.find_or_add(new)
    return city


def create_city(uow: Any, data: Any, *, actor: Actor) -> tuple[bool, dict[str, Any]]:
    """(created, city): a city already on record (same country and name) is answered, not duplicated."""
    require_writer(actor)
    fields = validate(_city_in, data)
    with uow:
        city, created = uow.cities.find_or_add(domain.City.register(**fields, now=utcnow()))
        uow.commit()
    return created, city_view(city)


def get_city(uow: Any, city_id: Any, *, actor: Actor) -> dict[str, Any]:
    with uow:
        city = uow.cities.get(city_id) if isinstance(city_id, str) else None
    if city is None:
        raise NotFound("city", city_id)
    return city_view(city)


def list_cities(uow: Any, query: Any = None, *, actor: Actor) -> dict[str, Any]:
    q = validate(_query, query or {})
    with uow:
        page = uow.cities.page(country=q.get("country"), q=q.get("q"), modified_since=q["modified_since"],
                               cursor=q["cursor"], limit=q["limit"])
    return {"items": [city_view(c) for c in page.rows], "next_cursor": page.next_cursor}


def add_programme_city(uow: Any, programme_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    spec = validate(_programme_city_in, data)
    now = utcnow()
    with uow:
        programme = programme_for(uow, programme_id, actor, for_update=True)
        errors: dict[str, Any] = {}
        city = resolve_city(uow, spec, now, "city", errors)
        if errors or city is None:
            raise InvalidInput({k.removeprefix("city."): v for k, v in errors.items()})
        programme.add_city(city, now=now, field_name=None)
        uow.programmes.save(programme)
        uow.commit()
        return full_programme_view(uow, programme)
