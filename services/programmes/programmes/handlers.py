"""Use cases of the programmes service, as plain functions of a unit of work."""
from shared.errors import NotFound, validate
from shared.events.fields import utcnow
from programmes import domain, schemas

_programme_in, _result_in = schemas.ProgrammeInput(), schemas.ResultInput()
_programme_out, _result_out = schemas.ProgrammeOut(), schemas.ResultOut()


def _programme_view(programme: domain.Programme) -> dict:
    return _programme_out.dump({**programme.__dict__, "cities": [c.as_dict() for c in programme.cities]})


def _result_view(result: domain.Result) -> dict:
    return _result_out.dump({**result.__dict__, "city": result.city.as_dict()})


def create_programme(uow, data: dict) -> dict:
    fields = validate(_programme_in, data)
    programme = domain.Programme.create(**fields, now=utcnow())
    with uow:
        uow.programmes.add(programme)
        uow.emit("programme.created", {
            "programme_id": programme.id, "title": programme.title,
            "funding_window": programme.funding_window, "themes": programme.themes,
            "countries": programme.countries, "cities": [c.as_dict() for c in programme.cities],
            "created_at": programme.created_at})
        uow.commit()
    return _programme_view(programme)


def record_result(uow, programme_id: str, data: dict) -> dict:
    fields = validate(_result_in, data)
    with uow:
        programme = uow.programmes.get(programme_id)
        if programme is None:
            raise NotFound("programme", programme_id)
        result = programme.record_result(**fields, now=utcnow())
        uow.programmes.add_result(result)
        uow.emit("result.recorded", {
            "result_id": result.id, "programme_id": programme.id, "indicator": result.indicator,
            "city": result.city.as_dict(), "value": result.value, "recorded_at": result.recorded_at})
        uow.commit()
    return _result_view(result)


def get_programme(uow, programme_id: str) -> dict:
    with uow:
        programme = uow.programmes.get(programme_id)
        if programme is None:
            raise NotFound("programme", programme_id)
        view = _programme_view(programme)
        view["results"] = [_result_view(r) for r in uow.programmes.results_of(programme_id)]
        return view
