"""docs/reliability.md's figures: a table per scenario, written between the two markers (the
rest of the page is kept as it is), as bench/run.py writes docs/benchmarks.md. A run of some
scenarios (`python -m chaos cluster`) replaces their tables and keeps the others'."""
import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

from chaos import scenarios
from chaos.run import Record, scenario

DOC = Path(__file__).resolve().parent.parent / "docs" / "reliability.md"
BEGIN = "<!-- chaos:begin (written by `python -m chaos`; edit chaos/report.py, not this part) -->"
END = "<!-- chaos:end -->"


def _statuses(record: Record) -> str:
    return ", ".join(f"{status}: {n}" for status, n in sorted(record.statuses.items(), key=lambda kv: str(kv[0])))


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def command(record: Record, quick: bool) -> str:
    return f"`python -m chaos{' --quick' if quick else ''} --backend {record.backend} {record.scenario}`"


def section(name: str, records: list[Record], quick: bool) -> str:
    module = scenario(name)
    lines = [f"### {name}: {module.TITLE}", "", f"Proves: {module.PROVES}.", "",
             "| backend | requests | events | faults injected | answers by status | lost | counted twice | "
             "unexpected | indeterminate | time to recover | settled after | verdict | reproduce |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    notes = []
    for r in records:
        v = r.verdict
        lines.append(f"| {r.backend} | {r.requests} | {r.events} | {r.fault_count}: {r.faults} | {_statuses(r)} | "
                     f"{len(v.lost)} | {len(v.duplicated)} | {len(v.unexpected)} | {v.indeterminate} | "
                     f"{_seconds(r.recover)} | {_seconds(r.settle)} | {'pass' if r.ok else 'FAIL'} | "
                     f"{command(r, quick)} |")
        notes += [f"- {r.backend}: {note}" for note in r.notes + [f"problem: {p}" for p in r.problems]]
    return "\n".join(lines + ([""] + notes if notes else [])) + "\n"


def _kept(text: str) -> tuple[str, dict[str, str]]:
    """The block on the page: its head's first sentence and its sections by scenario."""
    found = re.search(re.escape(BEGIN) + "\n(.*?)" + re.escape(END), text, flags=re.S)
    head, *parts = re.split(r"\n(?=### )", found.group(1)) if found else ("", )
    sections = {part.split(":")[0][4:]: part.rstrip("\n") + "\n" for part in parts}
    return head.split(" (")[0].removeprefix("Last run: "), sections


def render(records: list[Record], quick: bool, wall: float, previous: str = "") -> str:
    ran = [n for n in scenarios.ORDER if any(r.scenario == n for r in records)]
    last, kept = _kept(previous)
    kept = {n: text for n, text in kept.items() if n in scenarios.ORDER and n not in ran}
    names = [n for n in scenarios.ORDER if n in ran or n in kept]
    which = "" if not kept else " " + " ".join(ran)
    earlier = f" The tables of {', '.join(kept)} are kept from the run before ({last})." if kept else ""
    head = (f"Last run: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
            f"`python -m chaos{' --quick' if quick else ''}{which}` ({len(records)} runs, wall time "
            f"{wall / 60:.1f} min) on {platform.node()}, {os.cpu_count()} cores "
            f"(shared with other test runs). Requests: every HTTP answer the load got, retries included; events: "
            f"programmes' events committed during the run; time to recover: from the last fault lifted to the "
            f"next approval acknowledged; settled after: the wait, once the load stopped, until every outbox was "
            f"published and metrics counted what programmes holds.{earlier}\n")
    body = "\n".join(section(n, [r for r in records if r.scenario == n], quick) if n in ran else kept[n]
                     for n in names)
    return f"{BEGIN}\n{head}\n{body}{END}"


def write(records: list[Record], quick: bool, wall: float, doc: Path = DOC) -> None:
    text = doc.read_text()
    block = render(records, quick, wall, text)
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Figures\n\n" + block + "\n"
    doc.write_text(text)
