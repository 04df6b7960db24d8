"""Rows <-> domain objects. Columns and dataclass fields share names and map by name
(shared.persistence.to_row / from_row); only what is stored differently is spelled out here:
nested values kept in several columns (reporting organisation, budget, dates), Decimals and
dates inside JSON columns (as strings), and a result's current and approved versions.

Decimal columns (ExactDecimal) come back at their column's scale ("1200.0000"); values are
given back normalized ("1200", "12.5"), as the API and the events have always shown them."""
import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast, overload

import sqlalchemy as sa

from programmes import domain, models
from shared.persistence import from_row, to_row


def _table(model: type[models.Base]) -> sa.Table:
    return cast(sa.Table, model.__table__)


P, F, C, PC = (_table(models.Programme), _table(models.ProgrammeFacet), _table(models.City),
               _table(models.ProgrammeCity))
IND, R, RV = _table(models.Indicator), _table(models.Result), _table(models.ResultVersion)
IMP = _table(models.ImportChunk)
CENTS = Decimal("0.01")


@overload
def normal(value: Decimal) -> Decimal: ...
@overload
def normal(value: None) -> None: ...
def normal(value: Decimal | None) -> Decimal | None:
    """Trailing zeros dropped, never an exponent: "1200", "12.5"."""
    return None if value is None else Decimal(format(value.normalize(), "f"))


def decimal_parts(d: dict[str, Any] | None, convert) -> dict[str, Any]:
    return {dim: {k: convert(v) for k, v in parts.items()} for dim, parts in (d or {}).items()}


def _period_to_json(p: dict[str, date]) -> dict[str, str]:
    return {"start": p["start"].isoformat(), "end": p["end"].isoformat()}


def _period_from_json(p: dict[str, str]) -> dict[str, date]:
    return {"start": date.fromisoformat(p["start"]), "end": date.fromisoformat(p["end"])}


def _at_to_json(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


# --- programmes ------------------------------------------------------------------------------

def programme_row(p: domain.Programme) -> dict[str, Any]:
    return to_row(P, p, reporting_org_ref=p.reporting_org["ref"], reporting_org_name=p.reporting_org["name"],
                  reporting_org_type=p.reporting_org.get("type"),
                  budget_amount=p.budget["amount"] if p.budget else None,
                  budget_currency=p.budget["currency"] if p.budget else None,
                  sectors=[{"code": s["code"], "percentage": None if s.get("percentage") is None
                            else str(s["percentage"])} for s in p.sectors],
                  **{k: p.dates.get(k) for k in domain.programmes.DATES})


def _programme_spelled_out(row: Any) -> dict[str, Any]:
    return dict(
        reporting_org={"ref": row.reporting_org_ref, "name": row.reporting_org_name, "type": row.reporting_org_type},
        sectors=[{"code": s["code"], "percentage": None if s.get("percentage") is None else Decimal(s["percentage"])}
                 for s in row.sectors],
        budget={"amount": row.budget_amount.quantize(CENTS), "currency": row.budget_currency}
        if row.budget_currency else None,
        dates={k: getattr(row, k) for k in domain.programmes.DATES})


def programme_from_row(row: Any, cities: list[domain.City]) -> domain.Programme:
    return from_row(domain.Programme, row, cities=cities, **_programme_spelled_out(row))


_PROGRAMME_FIELDS = tuple(f.name for f in dataclasses.fields(domain.Programme))
_CITY_FIELDS = tuple(f.name for f in dataclasses.fields(domain.City))


def programme_values(row: Any, cities: list[dict[str, Any]]) -> dict[str, Any]:
    """A programme's fields as programme_from_row gives them, in a dict and not copied: for a
    list's page, which only shows them (a read needs no domain object: bench, fourth round)."""
    mapping = row._mapping
    values = {name: mapping[name] for name in _PROGRAMME_FIELDS if name in mapping}
    values.update(cities=cities, **_programme_spelled_out(row))
    return values


# --- cities and indicators --------------------------------------------------------------------

def city_row(city: domain.City) -> dict[str, Any]:
    return to_row(C, city, name_key=domain.city_key(city.name))


def city_from_row(row: Any) -> domain.City:
    return from_row(domain.City, row, latitude=normal(row.latitude), longitude=normal(row.longitude))


def city_values(row: Any) -> dict[str, Any]:
    """A city's fields as city_from_row gives them, in a dict (see programme_values)."""
    mapping = row._mapping
    return {**{name: mapping[name] for name in _CITY_FIELDS}, "latitude": normal(row.latitude),
            "longitude": normal(row.longitude)}


def indicator_row(i: domain.Indicator) -> dict[str, Any]:
    return to_row(IND, i, baseline={"value": str(i.baseline["value"]), "year": i.baseline["year"]}
                  if i.baseline else None,
                  targets=[{**t, "period": _period_to_json(t["period"]), "value": str(t["value"])}
                           for t in i.targets])


def indicator_from_row(row: Any) -> domain.Indicator:
    return from_row(domain.Indicator, row, baseline={"value": Decimal(row.baseline["value"]),
                                                     "year": row.baseline["year"]} if row.baseline else None,
                    targets=[{"city_id": None, "disaggregation": None, **t,
                              "period": _period_from_json(t["period"]), "value": Decimal(t["value"])}
                             for t in row.targets])


# --- results ------------------------------------------------------------------------------------

def result_row(result: domain.Result) -> dict[str, Any]:
    current, approved = result.current, result.approved
    return to_row(R, result, indicator_code=result.indicator, status=current.status, version=current.number,
                  value=current.value, disaggregations=decimal_parts(current.disaggregations, str),
                  numerator=current.numerator, denominator=current.denominator,
                  approved_version=approved.number if approved else None,
                  approved_value=approved.value if approved else None)


def version_row(result_id: str, v: domain.ResultVersion) -> dict[str, Any]:
    return to_row(RV, v, result_id=result_id, disaggregations=decimal_parts(v.disaggregations, str),
                  log=[{**entry, "at": _at_to_json(entry["at"])} for entry in v.log])


def version_from_row(row: Any) -> domain.ResultVersion:
    return from_row(domain.ResultVersion, row, value=normal(row.value), numerator=normal(row.numerator),
                    denominator=normal(row.denominator),
                    disaggregations=decimal_parts(row.disaggregations, Decimal),
                    log=[{**entry, "at": datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))}
                         for entry in row.log])


def result_from_row(row: Any, versions: list[Any]) -> domain.Result:
    return from_row(domain.Result, row, indicator=row.indicator_code,
                    versions=[version_from_row(v) for v in versions])


def result_summary_from_row(row: Any) -> dict[str, Any]:
    """What a list shows of a result (no versions), from a `results` row."""
    return {"id": row.id, "programme_id": row.programme_id, "reporting_org_ref": row.reporting_org_ref,
            "indicator": row.indicator_code, "city_id": row.city_id,
            "period": {"start": row.period_start, "end": row.period_end}, "status": row.status,
            "version": row.version, "value": normal(row.value), "numerator": normal(row.numerator),
            "denominator": normal(row.denominator),
            "disaggregations": decimal_parts(row.disaggregations, Decimal),
            "approved_version": row.approved_version, "approved_value": normal(row.approved_value),
            "allowed_actions": list(domain.RESULT_ACTIONS.get(row.status, ())),
            "created_at": row.created_at, "updated_at": row.updated_at}


