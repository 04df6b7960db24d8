"""A sheet imported back: every row read and validated, the valid ones handed to the
programmes service's import (the IATI import's: chunks staged, ONE transaction), every
problem reported as {row, column, reason} (header = row 1) and nothing written if any."""
from typing import Any

from gateway.iati_import.importer import _Batches, chunk_size
from gateway.problems import DocumentRefused
from gateway.spreadsheets import programmes, sheet
from shared.actors import Actor
from shared.errors import InvalidInput


def _problems(row: int | None, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    found = []
    for path, messages in sorted(errors.items()):
        column = programmes.column_of(path)
        for message in messages:
            found.append({"row": row, "column": column, "field": column,
                          "reason": message if path == column or column is None and path.startswith("_")
                          else f"{path}: {message}"})
    return found


def _service_problems(errors: dict[str, list[str]], rows: list[int]) -> list[dict[str, Any]]:
    """The service's `activities.<i>.<field>` errors, on the sheet's rows."""
    found = []
    for key, messages in errors.items():
        _, index, path = (key.split(".", 2) + ["", ""])[:3] if key.startswith("activities.") else ("", "", key)
        row = rows[int(index)] if index.isdigit() and int(index) < len(rows) else None
        found += _problems(row, {path or "_row": messages})
    return found


def import_programmes(body: bytes, *, actor: Actor, dry_run: bool, service: Any) -> dict[str, Any]:
    rows = sheet.read(body, programmes.COLUMNS, programmes.REQUIRED)
    if not rows:
        raise InvalidInput({"_body": ["the sheet has no rows under its header"]}, "The sheet cannot be read.")
    problems: list[dict[str, Any]] = []
    sent: list[int] = []   # the sheet's row of each entry handed to the service
    batches = _Batches(service, actor, chunk_size())
    outcome: dict[str, Any] = {"activities": []}
    try:
        for number, cells in rows:
            entry, errors = programmes.to_entry(cells)
            problems += _problems(number, errors)
            if not errors:
                batches.add(entry)
                sent.append(number)
        if sent:   # the valid rows are checked by the service too (a dry run once refused): every error at once
            try:
                outcome = batches.finish(dry_run or bool(problems))
            except InvalidInput as exc:
                problems += _service_problems(exc.errors, sent)
        if problems:
            raise DocumentRefused(sorted(problems, key=lambda p: (p["row"] or 0, p["column"] or "")))
    except BaseException:
        batches.discard()
        raise
    if dry_run:
        batches.discard()
    return {"dry_run": dry_run, "rows": [{"row": sent[e.pop("index")], **e} for e in outcome["activities"]]}
