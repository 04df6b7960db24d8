"""Domain objects -> API dicts (the response schemas of shared.api.programmes). Fields are
taken by name: a new field of a domain dataclass shows once its response schema lists it."""
import dataclasses
from typing import Any

from programmes import domain
from shared.api import programmes as api
from shared.api.dumping import compiled

_programme_out, _city_out, _indicator_out = api.ProgrammeOut(), api.CityOut(), api.IndicatorOut()
_result_out, _totals_out = api.ResultOut(), api.TotalsOut()
_dump_programme = compiled(_programme_out)


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def city_data(city: domain.City) -> dict[str, Any]:
    return _fields(city)


def city_view(city: domain.City) -> dict[str, Any]:
    return _city_out.dump(city_data(city))


def indicator_data(indicator: domain.Indicator) -> dict[str, Any]:
    return {**_fields(indicator), "measure_code": indicator.measure_code}


def indicator_view(indicator: domain.Indicator) -> dict[str, Any]:
    return _indicator_out.dump(indicator_data(indicator))


def _programme_data(fields: dict[str, Any]) -> dict[str, Any]:
    """A programme's fields (cities as dicts) with what the view derives from them."""
    return {**fields, "status_code": domain.ACTIVITY_STATUSES[fields["status"]],
            "allowed_statuses": list(domain.TRANSITIONS[fields["status"]]),
            "participating_orgs": [{**o, "role_code": domain.ROLE_CODES[o["role"]]}
                                   for o in fields["participating_orgs"]]}


def programme_page_view(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A list's programmes from their fields (repositories.rows.programme_values), dumped by the
    response schema compiled once (shared.api.dumping: the same output, a fraction of the CPU)."""
    return [_dump_programme(_programme_data(r)) for r in rows]


def programme_view(p: domain.Programme, *, indicators: list[domain.Indicator] | None = None,
                   children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    data = _programme_data({**_fields(p), "cities": [city_data(c) for c in p.cities]})
    if indicators is not None:
        data["indicators"] = [indicator_data(i) for i in indicators]
    if children is not None:
        data["children"] = children
    return _programme_out.dump(data)


def full_programme_view(uow: Any, programme: domain.Programme) -> dict[str, Any]:
    """With its indicators and children (GET /v1/programmes/{id} and every change)."""
    return programme_view(programme, indicators=uow.indicators.of(programme.id),
                          children=uow.programmes.children(programme.id))


def result_view(result: domain.Result, city: domain.City | None, *, versions: bool = True) -> dict[str, Any]:
    approved = result.approved
    data = {**_fields(result), "period": {"start": result.period_start, "end": result.period_end},
            "status": result.status, "version": result.current.number, "value": result.current.value,
            "disaggregations": result.current.disaggregations, "numerator": result.current.numerator,
            "denominator": result.current.denominator,
            "approved_version": approved.number if approved else None,
            "approved_value": approved.value if approved else None, "allowed_actions": result.allowed_actions,
            "city": city.ref() if city else None}
    if versions:
        data["versions"] = [{**_fields(v), "version": v.number} for v in result.versions]
    else:
        del data["versions"]
    return _result_out.dump(data)


def result_summary_view(summary: dict[str, Any], city: domain.City) -> dict[str, Any]:
    """A result of a list (repositories' summary of a row, without versions)."""
    return _result_out.dump({**summary, "city": city.ref()})


def totals_view(programme: domain.Programme, children: list[str], totals: list[dict[str, Any]]) -> dict[str, Any]:
    return _totals_out.dump({"programme_id": programme.id, "children": children, "indicators": totals})
