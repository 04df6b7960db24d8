"""Two sweeps of report schedules at once on PostgreSQL (two replicas' timers): each reads the
item as not yet escalated; the item's row lock (programmes.unit_of_work) makes the second wait
and see the first's mark, so the escalation is written to the outbox once."""
from datetime import datetime, timezone

import eventlet
import pytest
import sqlalchemy as sa

from programmes import domain, handlers, models
from programmes.unit_of_work import ProgrammesUnitOfWork
from shared.actors import SYSTEM
from shared.db import create_engine, session_factory
from tests.programmes_flow import programme_body

pytestmark = pytest.mark.postgres


@pytest.fixture
def programmes_uow(database_urls):
    engine = create_engine(database_urls["programmes"])
    sessions = session_factory(engine)
    yield lambda: ProgrammesUnitOfWork(sessions, models.outbox, models.inbox, producer="programmes"), engine
    engine.dispose()


@pytest.mark.parametrize("db_backend", ["postgres"])   # SQLite has one writer at a time
def test_concurrent_sweeps_escalate_once(programmes_uow, db_backend, monkeypatch):
    uow, engine = programmes_uow
    programme = handlers.create_programme(uow(), programme_body("Scheduled"), actor=SYSTEM)
    handlers.schedule_reports(uow(), programme["id"], {"items": [{"title": "Annual", "due_date": "2021-03-31"}]},
                              actor=SYSTEM)
    sweep = domain.ScheduleItem.sweep

    def slow_sweep(self, *args, **kwargs):
        eventlet.sleep(0.3)   # the other sweep has listed the item too and is now in flight
        return sweep(self, *args, **kwargs)

    monkeypatch.setattr(domain.ScheduleItem, "sweep", slow_sweep)
    now = datetime(2021, 4, 5, 8, tzinfo=timezone.utc)
    outcomes = list(eventlet.GreenPool().imap(lambda _: handlers.sweep_schedules(uow, now), range(2)))

    assert sorted(o["escalations"] for o in outcomes) == [0, 1], outcomes
    with engine.connect() as conn:
        sent = conn.execute(sa.select(sa.func.count()).select_from(models.outbox)
                            .where(models.outbox.c.event_type == "programme_report.overdue")).scalar()
    assert sent == 1
