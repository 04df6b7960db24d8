"""Runs scenarios: a platform per backend (scenarios asking for the same kind of platform share
one, one after the other), the load, the faults, then the wait for quiescence and the check.
Each run gives a Record; `chaos/report.py` turns them into docs/reliability.md's tables."""
import importlib
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from chaos import readback
from chaos.checker import Verdict, check
from chaos.load import Load
from chaos.platform import ADMIN_KEY, Platform

WARMUP = {True: 3.0, False: 8.0}       # load before the faults
AFTER = {True: 4.0, False: 10.0}       # load after the faults were lifted
CLIENTS = 4


@dataclass
class Record:
    scenario: str
    backend: str
    requests: int
    events: int
    faults: str
    fault_count: int
    statuses: Counter
    verdict: Verdict
    recover: float | None
    settle: float
    seconds: float
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # 5xx beyond 503/504, a scenario's own finding

    @property
    def ok(self) -> bool:
        return self.verdict.ok and not self.problems


def scenario(name: str):
    return importlib.import_module(f"chaos.scenarios.{name}")


def run_one(name: str, p: Platform, quick: bool, log=print) -> Record:
    module = scenario(name)
    events_before = readback.published(p.database_urls)
    began = time.monotonic()
    load = Load(p.bases, ADMIN_KEY, CLIENTS).start()
    try:
        time.sleep(WARMUP[quick])
        log(f"  {name}: injecting faults")
        faults = module.inject(p, load, quick)
        time.sleep(AFTER[quick])
    finally:
        load.stop()
    settle = readback.settle(p.database_urls, load.programmes)
    problems = module.verify(p, faults) if hasattr(module, "verify") else []
    verdict = check(load.acknowledged, readback.sources(p.database_urls, load.programmes),
                    readback.counted(p.database_urls, load.programmes), load.indeterminate)
    after = [t for t in load.successes if faults.ended_at is not None and t >= faults.ended_at]
    bad = {s: n for s, n in load.statuses.items() if isinstance(s, int) and s >= 500 and s not in (503, 504)}
    if bad:
        problems.append(f"answers {bad} beyond the documented 503/504")
    problems += sorted(set(f for f in load.failures if not f.split(": ")[1].startswith(("503", "504"))))[:5]
    record = Record(name, p.backend, load.requests, readback.published(p.database_urls) - events_before,
                    faults.described, faults.count, load.statuses, verdict,
                    (min(after) - faults.ended_at) if after else None, settle, time.monotonic() - began,
                    faults.notes, problems)
    log(f"  {name} on {p.backend}: {verdict.summary()}, statuses {dict(load.statuses)}"
        f"{', problems: ' + '; '.join(problems) if problems else ''}")
    return record


def run(names: list[str], backends: list[str], quick: bool, log=print) -> list[Record]:
    records = []
    for backend in backends:
        groups: dict[tuple, list[str]] = {}
        for name in names:
            if backend in scenario(name).BACKENDS:
                kwargs = scenario(name).platform(quick)
                groups.setdefault(tuple(sorted(kwargs.items())), []).append(name)
        for kwargs, group in groups.items():
            tmp = tempfile.mkdtemp(prefix=f"chaos-{backend}-")
            log(f"platform on {backend} {dict(kwargs) or ''} for {', '.join(group)} (logs in {tmp})")
            p, done = Platform(backend, Path(tmp), **dict(kwargs)), len(records)
            try:
                p.start()
                for name in group:
                    records.append(run_one(name, p, quick, log))
            finally:
                p.stop()
            if all(r.ok for r in records[done:]) and len(records) - done == len(group) and not os.environ.get(
                    "CHAOS_KEEP"):
                shutil.rmtree(tmp, ignore_errors=True)   # kept when something failed: the services' logs
    return records
