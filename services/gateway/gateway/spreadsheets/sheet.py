"""CSV bytes <-> rows of cells. One form both ways: UTF-8 (a BOM is written, for spreadsheet
programs, and accepted), comma separated, CRLF, a header row; cells that a spreadsheet would
run as a formula (= + - @, tab, CR first) are written behind a ' and read back without it."""
import csv
import io
import os
from collections import Counter
from collections.abc import Iterable
from itertools import islice
from typing import Any

from gateway.iati_import.importer import MAX_LISTED
from gateway.problems import DocumentRefused
from gateway.representation import defuse, restore
from gateway.uploads import read_upload
from shared.errors import InvalidInput

BOM = "\ufeff"
CSV_TYPES = ("text/csv", "application/csv")
MAX_ROWS = 5000   # rows under the header a sheet may have (the results service takes as many per call)


def problem(row: int | None, column: str | None, reason: str) -> dict[str, Any]:
    """One problem of a sheet (DocumentRefused): `field` names the column (`_row`: the row as a
    whole), `path` the cell."""
    cell = ", ".join(part for part in (row and f"row {row}", column and f"column {column}") if part)
    return {"row": row, "column": column, "field": column or "_row", "path": cell or "the sheet", "reason": reason}


def column_of(columns: tuple[str, ...], path: str) -> str | None:
    """The column a field path falls in: "sectors.1.percentage" -> "sectors"; a nested
    object's own error ("period", "budget") -> its first column ("period.start")."""
    return next((c for c in columns if path == c or path.startswith(c + ".")), None) \
        or next((c for c in columns if c.startswith(path.split(".")[0] + ".")), None)


def max_bytes() -> int:
    return int(os.environ.get("SPREADSHEET_MAX_BYTES", 10 * 1024 * 1024))


def write(columns: Iterable[str], rows: Iterable[dict[str, str]]) -> str:
    columns = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([defuse(row.get(column, "")) for column in columns])
    return BOM + buffer.getvalue()


def read_body(request) -> bytes:
    """The request's CSV body, at most max_bytes() (413 before reading more)."""
    return read_upload(request, limit=max_bytes(), setting="SPREADSHEET_MAX_BYTES", media_types=CSV_TYPES,
                       expected="the sheet as CSV")


def refuse(problems: list[dict[str, Any]]) -> DocumentRefused:
    """Every problem counted, the first MAX_LISTED listed, in the sheet's order."""
    problems.sort(key=lambda p: (p["row"] or 0, p["column"] or ""))
    return DocumentRefused(problems[:MAX_LISTED], total=len(problems))


def read(body: bytes, columns: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet shows it, header = 1; cells by column) of every non-empty
    row. The header must name known columns, each once, `required` among them; at most
    MAX_ROWS rows, so a small hostile file cannot cost the gateway minutes of validation."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput({"_body": [f"not UTF-8 text (byte {exc.start})"]}, "The sheet cannot be read.") from None
    try:
        lines = list(islice(csv.reader(io.StringIO(text, newline=""), strict=True), MAX_ROWS + 2))
    except csv.Error as exc:
        raise InvalidInput({"_body": [f"not CSV: {exc}"]}, "The sheet cannot be read.") from None
    if not lines:
        raise InvalidInput({"_body": ["the sheet is empty: it needs a header row"]}, "The sheet cannot be read.")
    if len(lines) > MAX_ROWS + 1:
        raise InvalidInput({"_body": [f"at most {MAX_ROWS} rows under the header"]}, "The sheet is too long.")
    header = [name.strip() for name in lines[0]]
    if len(header) > 2 * len(columns):
        raise refuse([problem(1, None, f"{len(header)} columns; this sheet has {len(columns)}")])
    counts = Counter(header)
    problems = [problem(1, name, "not a column of this sheet") for name in counts if name not in columns]
    problems += [problem(1, name, "named more than once") for name, n in counts.items() if n > 1]
    problems += [problem(1, name, "missing column") for name in required if name not in counts]
    width = len(header)
    for number, line in enumerate(lines[1:], start=2):
        if len(line) > width and any(cell.strip() for cell in line[width:]):
            problems.append(problem(number, None, f"{len(line)} cells for {width} columns"))
    if problems:
        raise refuse(problems)
    # a short row (trailing cells left out by the editor) is padded with empty cells
    return [(number, {name: restore(cell) for name, cell in zip(header, (line + [""] * width)[:width], strict=True)})
            for number, line in enumerate(lines[1:], start=2) if any(cell.strip() for cell in line)]
