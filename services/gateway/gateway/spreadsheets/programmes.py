"""The programmes sheet, defined once for export and import: one row per programme, lists
joined with ';' (sectors as code:percentage, policy markers as code:significance), nested
fields as dotted columns, money as amount + currency, decimals as plain strings, dates ISO
8601. Rows are validated by the JSON API's schemas (shared.api.programmes), so a cell gets
the message the same value gets in JSON; the programmes service's import applies them."""
from typing import Any

from gateway.spreadsheets import sheet
from shared.api import programmes as api
from shared.errors import InvalidInput, validate

LISTS = ("themes", "countries", "sdg_goals", "sdg_targets")
PAIRS = {"sectors": ("code", "percentage"), "policy_markers": ("code", "significance")}
COLUMNS = ("iati_identifier", "reporting_org.ref", "reporting_org.name", "reporting_org.type", "title",
           "description", "status", "funding_window", "instrument", *LISTS, *PAIRS, "budget.amount",
           "budget.currency", "dates.planned_start", "dates.planned_end", "dates.actual_start", "dates.actual_end",
           "parent")
REQUIRED = ("iati_identifier", "reporting_org.ref")
# not in the sheet: an update keeps what the platform has (the IATI import's `defaulted`)
KEPT = ("participating_orgs", "reported_transactions")
KEY = "iati_identifier"   # what a row is; a sheet names each once
SEPARATOR = ";"
_create, _status = api.ProgrammeCreate(), api.StatusChange()


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _pair(item: dict[str, Any], names: tuple[str, str]) -> str:
    code, extra = (item.get(name) for name in names)
    return f"{code}:{extra}" if extra is not None else str(code)


def to_row(programme: dict[str, Any], parent_ref: str | None) -> dict[str, str]:
    """A programme as the API returns it (ProgrammeOut) -> its row."""
    row = {column: _text(programme.get(column)) for column in COLUMNS if "." not in column}
    for column in COLUMNS:
        if "." in column:
            outer, inner = column.split(".")
            row[column] = _text((programme.get(outer) or {}).get(inner))
    row.update({name: SEPARATOR.join(programme.get(name) or []) for name in LISTS})
    row.update({name: SEPARATOR.join(_pair(item, names) for item in programme.get(name) or [])
                for name, names in PAIRS.items()})
    row["parent"] = _text(parent_ref)
    return row


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(SEPARATOR) if part.strip()]


def _pairs(cell: str, names: tuple[str, str]) -> list[dict[str, Any]]:
    items = []
    for part in _split(cell):
        code, _, extra = (piece.strip() for piece in part.partition(":"))
        value: Any = int(extra) if names[1] == "significance" and extra.isdigit() else extra or None
        items.append({names[0]: code, names[1]: value})
    return items


def to_entry(cells: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A row -> the programmes service's import shape (programmes.handlers.imports) and the
    errors by field path, as the JSON API would give them."""
    data: dict[str, Any] = {}
    for column, cell in cells.items():
        cell = cell.strip()
        if column in LISTS:
            data[column] = _split(cell)
        elif column in PAIRS:
            data[column] = _pairs(cell, PAIRS[column])
        elif "." in column:
            outer, inner = column.split(".")
            data.setdefault(outer, {})
            if cell:
                data[outer][inner] = cell
        elif cell and column not in ("status", "parent"):
            data[column] = cell
    if "budget" in data and not data["budget"]:
        data["budget"] = None
    status = cells.get("status", "").strip()
    errors: dict[str, list[str]] = {}
    for schema, value in ((_create, data), (_status, {"status": status} if status else {})):
        try:
            validate(schema, value)
        except InvalidInput as exc:
            errors.update(exc.errors)
    parent = cells.get("parent", "").strip()
    entry = {"programme": data, "status": status, "parent": parent or None,
             "defaulted": [*KEPT, *([] if parent else ["parent_id"])], "warnings": []}
    return entry, errors


def column_of(path: str) -> str | None:
    return sheet.column_of(COLUMNS, {"parent_id": "parent"}.get(path, path))
