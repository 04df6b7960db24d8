"""As of a date, on SQLite and PostgreSQL: each result at the version approved and current at the
end of that day (results approved later absent, a revision counting from its approval), through
the real handlers and unit of work; the drill-down, the progress and the attribution agree; a
rebuild from the sources' events restores the history; migration 0007 backfills existing facts."""
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from metrics import attribution, drilldown, handlers
from metrics import models as m
from shared.actors import Actor
from tests.metrics import builders as b
from tests.metrics.builders import MetricsDb, wire

ADMIN = Actor.key(key_id="k-admin", organisation="XM-SECRETARIAT", role="admin")
TODAY = datetime(2021, 12, 31, 12, 0, tzinfo=timezone.utc)


def at(day, hour=9):
    return datetime(*day, hour, tzinfo=timezone.utc)


HISTORY = [   # in the producers' commit order
    b.programme("p-1"), b.fund(), b.received("k-1", "1000.00", at=at((2019, 1, 1))),
    b.committed("g-1", "500.00", at=at((2019, 2, 1))), b.disbursed("d-1", "g-1", "500.00", day=date(2019, 3, 1)),
    # r-1: approved after its period, revised the next year
    b.result("r-1", 100, approved_at=at((2020, 7, 10))),
    b.result("r-1", 120, version=2, approved_at=at((2021, 3, 1))),
    b.result("r-2", 30, approved_at=at((2020, 6, 30), 12)),
    b.result("r-3", 5, period_end=date(2019, 12, 31), approved_at=at((2021, 6, 1))),   # approved late
    # r-4: Kisumu counts while its value is positive
    b.result("r-4", 8, indicator="women_empowered", city="c-kisumu", approved_at=at((2020, 8, 1))),
    b.result("r-4", 0, version=2, indicator="women_empowered", city="c-kisumu", approved_at=at((2020, 9, 1))),
]
# as of each date: the (result, version, value) behind people_reached, and the cities with women empowered
EXPECTED = {
    "2020-06-29": ([], 0),
    "2020-06-30": ([("r-2", 1, 30)], 0),
    "2020-07-10": ([("r-1", 1, 100), ("r-2", 1, 30)], 0),
    "2020-08-15": ([("r-1", 1, 100), ("r-2", 1, 30)], 1),
    "2021-02-28": ([("r-1", 1, 100), ("r-2", 1, 30)], 0),
    "2021-03-01": ([("r-1", 2, 120), ("r-2", 1, 30)], 0),
    "2021-06-01": ([("r-1", 2, 120), ("r-2", 1, 30), ("r-3", 1, 5)], 0),
    None: ([("r-1", 2, 120), ("r-2", 1, 30), ("r-3", 1, 5)], 0),
}


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path, monkeypatch):
    from metrics import clock
    monkeypatch.delenv("PLAN_FILES", raising=False)
    monkeypatch.setattr(clock, "now", lambda: TODAY)
    if request.param == "sqlite":
        return MetricsDb(tmp_path)
    return MetricsDb(url=request.getfixturevalue("postgres_database_factory")())


def check_as_of(db):
    for day, (behind, cities) in EXPECTED.items():
        listed = drilldown.list_results(db.uow(), "people_reached", as_of=day, actor=ADMIN)
        assert [(i["result_id"], i["version"], i["value"]) for i in listed["items"]] == behind, day
        progress = handlers.get_progress(db.uow(), as_of=day)["figures"]
        assert listed["summary"]["value"] == progress["people_reached"]["value"] == sum(v for *_, v in behind)
        assert progress["cities_women_empowered"]["value"] == cities, day
        credited = attribution.get_attribution(db.uow(), as_of=day)   # one fund, one grant: all of it credited
        assert credited["total"]["people_reached"] == credited["attributed"]["people_reached"] == \
            progress["people_reached"]["value"]
        by_programme = handlers.get_breakdown(db.uow(), "programme", as_of=day)["items"]
        assert sum(i["figures"]["people_reached"]["value"] for i in by_programme) == \
            progress["people_reached"]["value"]
    first = drilldown.list_results(db.uow(), "people_reached", as_of="2020-12-31", actor=ADMIN)["items"][0]
    assert first["approved_at"] == "2020-07-10T09:00:00Z"


def test_as_of_counts_the_version_that_counted_then_and_a_rebuild_keeps_it(db):
    db.empty()
    envelopes = [wire(t, p) for t, p in HISTORY]
    for envelope in reversed(envelopes + envelopes[5:7]):   # revisions first, some redelivered
        handlers.apply_event(db.uow(), envelope)
    check_as_of(db)
    assert handlers.reconcile(db.uow(), HISTORY)["drift"] is False
    with db.engine.begin() as conn:   # a history that drifted (say, backfilled by migration 0007)
        conn.execute(m.result_versions.update().where(m.result_versions.c.result_id == "r-3")
                     .values(approved_at=datetime(2019, 12, 31, tzinfo=timezone.utc)))
    report = handlers.reconcile(db.uow(), HISTORY)
    assert report["drift"] is True and [len(report["versions"][k]) for k in ("unexpected", "missing")] == [1, 1]
    handlers.rebuild(db.uow(), HISTORY)   # the versions and their approval times, from the sources' events
    check_as_of(db)
    assert handlers.reconcile(db.uow(), HISTORY)["drift"] is False


def test_migration_0007_backfills_each_fact_as_approved_at_its_period_end(request, tmp_path):
    from shared.migrations import upgrade
    for url in (f"sqlite:///{tmp_path / 'm.sqlite3'}", request.getfixturevalue("postgres_database_factory")()):
        upgrade("metrics", url, "0006")
        engine = sa.create_engine(url)
        fact = {"result_id": "r-old", "version": 2, "programme_id": "p-1", "parent_id": None,
                "indicator": "people_reached", "corporate": True, "measure": "unit", "reach": "direct",
                "city_id": "c-jinja", "city_name": "Jinja", "country": "UG", "period_start": date(2020, 1, 1),
                "period_end": date(2020, 6, 30), "value": 70_0000, "split_direct": 0, "split_indirect": 0}
        with engine.begin() as conn:
            conn.execute(sa.table("result_facts", *(sa.column(k) for k in fact)).insert(), fact)
        upgrade("metrics", url)
        with engine.connect() as conn:
            rows = conn.execute(sa.select(m.result_versions)).mappings().all()
            approved = conn.execute(sa.select(m.result_facts.c.approved_at)).scalar_one()
        engine.dispose()
        midnight = datetime(2020, 6, 30, tzinfo=timezone.utc)
        assert [(r["result_id"], r["version"], r["value"], r["approved_at"], r["superseded_at"]) for r in rows] == [
            ("r-old", 2, 70_0000, midnight, None)]
        assert approved == midnight
