"""Fixtures of the metrics service's tests: a real, migrated SQLite database for its unit of
work (the projection is SQL: a fake would test nothing), the shipped plan, a fixed clock."""
from datetime import datetime, timezone

import pytest

from tests.metrics.builders import MetricsDb, wire

TODAY = datetime(2020, 12, 31, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def shipped_plans(monkeypatch):
    monkeypatch.delenv("PLAN_FILES", raising=False)   # the plan in shared/reference_data/plans


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    from metrics import clock
    monkeypatch.setattr(clock, "now", lambda: TODAY)
    return TODAY


@pytest.fixture
def db(tmp_path):
    return MetricsDb(tmp_path)


@pytest.fixture
def apply(db):
    """apply((event_type, payload), ...) through the real handler; returns what apply_event returned."""
    from metrics import handlers

    def run(*events):
        return [handlers.apply_event(db.uow(), wire(t, p)) for t, p in events]
    return run
