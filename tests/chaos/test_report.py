"""docs/reliability.md's figures block: a run of some scenarios replaces their tables and keeps
the others' (so `python -m chaos cluster` adds to the last full run's tables, never a second
table of the same scenario)."""
from collections import Counter

from chaos import report
from chaos.checker import check
from chaos.run import Record


def _record(name: str, backend: str, requests: int) -> Record:
    return Record(name, backend, requests, 3, "faults", 1, Counter({200: requests}), check(["r"], ["r"], {"r": 1}),
                  1.0, 2.0, 3.0)


def test_a_partial_run_replaces_its_tables_and_keeps_the_others(tmp_path):
    doc = tmp_path / "reliability.md"
    doc.write_text("# Reliability\n\nprose kept\n")
    report.write([_record("sigkill", "sqlite", 11), _record("broker", "sqlite", 22)], False, 60, doc)
    report.write([_record("broker", "sqlite", 33), _record("cluster", "postgresql", 44)], False, 60, doc)

    text = doc.read_text()
    assert text.startswith("# Reliability\n\nprose kept\n") and text.count(report.BEGIN) == 1
    assert [line.split(":")[0] for line in text.splitlines() if line.startswith("### ")] == \
        ["### sigkill", "### broker", "### cluster"]   # in ORDER, each once
    assert "| sqlite | 11 |" in text and "| sqlite | 33 |" in text and "| postgresql | 44 |" in text
    assert "| sqlite | 22 |" not in text   # the broker table of the run before is replaced
    assert "`python -m chaos broker cluster`" in text and "tables of sigkill are kept from the run before" in text
