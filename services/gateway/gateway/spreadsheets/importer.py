"""A sheet imported back: every row read and validated, the valid ones handed to the
programmes service (programmes: the IATI import's import_activities, chunks staged; results:
import_results), applied in ONE transaction; every problem reported as {row, column,
reason} (header = row 1) and nothing written if there is any."""
from collections.abc import Callable
from types import ModuleType
from typing import Any

import eventlet

from gateway.iati_import.importer import _Batches, chunk_size
from gateway.spreadsheets import programmes, results, sheet
from shared.actors import Actor
from shared.errors import InvalidInput

YIELD_EVERY = 100   # rows validated between two yields to the gateway's other requests


def _problems(kind: ModuleType, row: int | None, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    found = []
    for path, messages in sorted(errors.items()):
        column = kind.column_of(path)
        for message in messages:
            found.append(sheet.problem(row, column, message if path == column or path.startswith("_")
                                       else f"{path}: {message}"))
    return found


def _service_problems(kind: ModuleType, errors: dict[str, list[str]], prefix: str,
                      rows: list[int]) -> list[dict[str, Any]]:
    """The service's `<prefix>.<i>.<field>` errors, on the sheet's rows."""
    found = []
    for key, messages in errors.items():
        _, index, path = (key.split(".", 2) + ["", ""])[:3] if key.startswith(prefix + ".") else ("", "", key)
        row = rows[int(index)] if index.isdigit() and int(index) < len(rows) else None
        found += _problems(kind, row, {path or "_row": messages})
    return found


def _import(kind: ModuleType, body: bytes, dry_run: bool, apply: Callable[[list[dict[str, Any]], bool], Any],
            prefix: str) -> tuple[list[int], Any]:
    """Read and check every row, then `apply(entries, dry_run)`; the sheet's row of each entry."""
    rows = sheet.read(body, kind.COLUMNS, kind.REQUIRED)
    if not rows:
        raise InvalidInput({"_body": ["the sheet has no rows under its header"]}, "The sheet cannot be read.")
    problems: list[dict[str, Any]] = []
    sent: list[int] = []
    entries = []
    first: dict[str, int] = {}   # a key's first row: twice in one sheet is a mistake, not an update
    for number, cells in rows:
        if number % YIELD_EVERY == 0:
            eventlet.sleep(0)   # a large sheet: let the gateway's other requests run between rows
        entry, errors = kind.to_entry(cells)
        key = cells.get(kind.KEY, "").strip()
        if key and first.setdefault(key, number) != number:
            errors = {**errors, kind.KEY: [f"{key!r} is also in row {first[key]}"]}
        problems += _problems(kind, number, errors)
        if not errors:
            entries.append(entry)
            sent.append(number)
    outcome = None
    if entries:   # the valid rows are checked by the service too (a dry run once refused): every error at once
        try:
            outcome = apply(entries, dry_run or bool(problems))
        except InvalidInput as exc:
            problems += _service_problems(kind, exc.errors, prefix, sent)
    if problems:
        raise sheet.refuse(problems)
    return sent, outcome


def import_programmes(body: bytes, *, actor: Actor, dry_run: bool, service: Any) -> dict[str, Any]:
    batches = _Batches(service, actor, chunk_size())

    def apply(entries: list[dict[str, Any]], dry: bool) -> dict[str, Any]:
        for entry in entries:
            batches.add(entry)
        return batches.finish(dry)

    try:
        sent, outcome = _import(programmes, body, dry_run, apply, "activities")
    except BaseException:
        batches.discard()
        raise
    if dry_run:
        batches.discard()
    return {"dry_run": dry_run, "rows": [{"row": sent[e.pop("index")], **e} for e in outcome["activities"]]}


def import_results(body: bytes, *, actor: Actor, dry_run: bool, service: Any) -> dict[str, Any]:
    sent, outcome = _import(results, body, dry_run, lambda entries, dry: service.import_results(
        entries, dry_run=dry, actor=actor.to_wire()), "rows")
    return {"dry_run": dry_run, "rows": [{"row": sent[e.pop("index")], **e} for e in outcome["rows"]]}
