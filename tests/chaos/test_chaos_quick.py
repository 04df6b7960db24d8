"""The bounded form of `make chaos` that every change runs: SIGKILLs, the broker restarted,
duplicates and poison, in their --quick form, on one SQLite platform run as processes on a
private RabbitMQ node (which the broker scenario stops and starts; about 2 minutes in all).
The full set, on both backends: `make chaos`."""
import pytest

from chaos import scenarios
from chaos.run import run

pytestmark = [pytest.mark.broker, pytest.mark.e2e]


def test_quick_chaos_loses_nothing_and_counts_nothing_twice(capsys):
    records = run(list(scenarios.QUICK), ["sqlite"], quick=True)
    # scenarios run grouped by the platform they need (the broker's has a private node)
    assert sorted(r.scenario for r in records) == sorted(scenarios.QUICK)
    for r in records:
        assert r.verdict.acknowledged > 0, f"{r.scenario}: the load got nothing done"
        assert r.fault_count > 0, f"{r.scenario}: no fault was injected"
        assert not r.verdict.lost and not r.verdict.duplicated and not r.verdict.unexpected, \
            f"{r.scenario}: {r.verdict.summary()}"
        assert not r.problems, f"{r.scenario}: {r.problems}"
        assert not [s for s in r.statuses if isinstance(s, int) and s >= 500 and s not in (503, 504)]
