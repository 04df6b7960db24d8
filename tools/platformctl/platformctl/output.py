"""How a report is printed: JSON for scripts (--json), else a table for people."""
import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def emit_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, title: str | None = None) -> None:
    if not rows:
        console.print(f"{title + ': ' if title else ''}nothing")
        return
    out = Table(*columns, title=title, title_justify="left", expand=False)
    for row in rows:
        out.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    console.print(out)


def report(data: Any, as_json: bool, rows: Sequence[dict[str, Any]] = (), columns: Sequence[str] = (),
           title: str | None = None) -> None:
    if as_json:
        emit_json(data)
    else:
        table(rows, columns, title=title)
