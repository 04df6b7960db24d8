"""The results sheet, defined once for export and import: one row per result (its latest
version), the period as dotted columns, the value as a plain decimal string, disaggregations
as `dimension.category=value` joined with ';', a percentage's `numerator` and `denominator`
(empty for other kinds; a sheet without these columns keeps what a result has). `id` names
the result a row edits (empty: a new draft); `city.name` and `status` are for the reader and
not imported. Rows are
validated by the JSON API's schema (ResultCreate); programmes.import_results applies them."""
from typing import Any

from gateway.spreadsheets import sheet
from shared.api import programmes as api
from shared.errors import InvalidInput, validate

COLUMNS = ("id", "programme_id", "indicator", "city_id", "city.name", "period.start", "period.end", "value",
           "numerator", "denominator", "disaggregations", "status")
RATIO = ("numerator", "denominator")
REQUIRED = ("id", "programme_id", "indicator", "city_id", "period.start", "period.end", "value")
KEY = "id"   # what a row is; a sheet names each once
SEPARATOR = ";"
_result_in = api.ResultCreate()


def to_row(result: dict[str, Any]) -> dict[str, str]:
    """A result as the API returns it (ResultOut) -> its row."""
    given = result.get("disaggregations") or {}
    parts = [f"{dimension}.{category}={value}" for dimension, categories in given.items()
             for category, value in (categories or {}).items() if value is not None]
    return {"id": result["id"], "programme_id": result["programme_id"], "indicator": result["indicator"],
            "city_id": result["city_id"], "city.name": (result.get("city") or {}).get("name") or "",
            "period.start": result["period"]["start"], "period.end": result["period"]["end"],
            "value": str(result["value"]), **{name: _text(result.get(name)) for name in RATIO},
            "disaggregations": SEPARATOR.join(parts), "status": result["status"]}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _disaggregations(cell: str, errors: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for part in (p.strip() for p in cell.split(SEPARATOR) if p.strip()):
        key, equals, value = part.partition("=")
        dimension, dot, category = key.strip().partition(".")
        if not (equals and dot and dimension and category):
            errors.setdefault("disaggregations", []).append(f"{part!r} is not dimension.category=value")
            continue
        found.setdefault(dimension, {})[category] = value.strip()
    return found


def to_entry(cells: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A row -> what programmes.import_results takes, and the errors by field path as the
    JSON API would give them."""
    get = {column: cell.strip() for column, cell in cells.items()}.get
    errors: dict[str, list[str]] = {}
    data: dict[str, Any] = {name: get(name) for name in ("indicator", "city_id", "value") if get(name)}
    data["period"] = {name: get(f"period.{name}") for name in ("start", "end") if get(f"period.{name}")}
    data["disaggregations"] = _disaggregations(get("disaggregations") or "", errors)
    data.update({name: get(name) or None for name in RATIO if name in cells})   # a column left out: kept
    try:
        validate(_result_in, data)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if not get("id") and not get("programme_id"):   # a new draft names its programme
        errors["programme_id"] = ["Missing data for required field."]
    return {**data, "id": get("id") or None, "programme_id": get("programme_id") or None}, errors


def column_of(path: str) -> str | None:
    return sheet.column_of(COLUMNS, path)
