"""Per-event cost of the metrics projection with 1k, 100k and 1M results already stored, and the
time to rebuild the projections from 1M results.

For each size N: a fresh, migrated database is bulk-loaded (bench/_bulk.py) with N result facts
(and their N versions, the valid-time history),
N inbox rows, their programmes and cities, and the aggregates are built from them (the rebuild:
timed). Then 2,000 events per size (half new approved results, half revisions of stored results)
go through the real handler and unit of work, one transaction each, the sizes taking turns of 50
events (all databases loaded first), so that a machine shared with other work loads every size
alike; the median per event is reported, and the ratio of the largest size to the smallest (the
aim: within 1.1x), in wall time and in the CPU time of the applying thread: on SQLite all the work
is in this process, and its CPU time leaves out the waits for cores other work holds (at load
average 10 on the 2 cores a wall median was 5x the CPU one); on PostgreSQL the server's work is
not in it, the wall time is the figure there.

    .venv/bin/python bench/metrics_events.py                      (SQLite, in a temp dir)
    BENCH_METRICS_BACKENDS=sqlite,postgres .venv/bin/python bench/metrics_events.py
    BENCH_METRICS_SIZES=1000,100000 ...                           (fewer sizes)
PostgreSQL uses TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres) to
create and drop a scratch database."""
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench import _bulk as bulk  # noqa: E402
from shared.db import create_engine, session_factory  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

SIZES = [int(x) for x in os.environ.get("BENCH_METRICS_SIZES", "1000,100000,1000000").split(",")]
BACKENDS = os.environ.get("BENCH_METRICS_BACKENDS", "sqlite").split(",")
EVENTS = int(os.environ.get("BENCH_METRICS_EVENTS", 2000))
WARMUP = min(50, EVENTS // 2)   # events applied before measuring: connections, statement caches
ROUND = 50                      # events per size per turn (sizes alternate: `measure`)
PERIOD_ENDS = [date(y, m, d) for y in range(2018, 2022) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]
CITIES = [(f"c-{i}", f"City {i}", c) for i, c in enumerate(["UG", "KE", "TZ", "RW", "ET", "GH", "NG", "SN"] * 63)]
AT = datetime(2021, 1, 1, tzinfo=timezone.utc)


def facts(n, rng):
    programmes = max(10, n // 400)
    for i in range(n):
        city_id, city_name, country = CITIES[rng.randrange(len(CITIES))]
        p = rng.randrange(programmes)
        yield {"result_id": f"r-{i}", "version": 1, "programme_id": f"p-{p}",
               "parent_id": f"p-{p - p % 10}" if p % 10 else None,
               "indicator": "people_reached" if i % 3 else "women_empowered", "corporate": True, "measure": "unit",
               "reach": "direct" if i % 4 else "indirect", "city_id": city_id, "city_name": city_name,
               "country": country, "period_start": date(2018, 1, 1), "period_end": PERIOD_ENDS[i % len(PERIOD_ENDS)],
               "value": rng.randint(0, 5000) * 10_000}


def store(conn, batch):
    """Facts and their history (one approved version each, as a migrated or rebuilt store holds)."""
    from metrics import models as m
    bulk.insert(conn, m.result_facts, [{**row, "approved_at": AT} for row in batch])
    bulk.insert(conn, m.result_versions, [{**row, "approved_at": AT, "superseded_at": None} for row in batch])


def load(url, n, rng):
    from metrics import models as m
    engine = bulk.engine(url)
    chunk = 20_000
    with engine.begin() as conn:
        batch = []
        for row in facts(n, rng):
            batch.append(row)
            if len(batch) == chunk:
                store(conn, batch)
                batch = []
        if batch:
            store(conn, batch)
        for i in range(0, n, chunk):
            bulk.insert(conn, m.inbox, [{"event_id": str(uuid.UUID(int=rng.getrandbits(128))),
                                             "event_type": "result.approved", "producer": "programmes",
                                             "processed_at": AT} for _ in range(i, min(n, i + chunk))])
        programmes = max(10, n // 400)
        bulk.insert(conn, m.metric_programmes, [{
            "programme_id": f"p-{p}", "version": 1, "parent_id": f"p-{p - p % 10}" if p % 10 else None,
            "title": f"Programme {p}", "window": "global", "themes": ["gender_equality"], "sdg_goals": ["11"],
            "countries": ["UG"], "status": "implementation"} for p in range(programmes)])
        bulk.insert(conn, m.metric_cities, [{"city_id": c, "name": name, "country": country}
                                                for c, name, country in CITIES])
    engine.dispose()


def events(n, count, rng):
    sys.path.insert(0, str(ROOT))
    from tests.metrics import builders as b
    cities = sorted(b.CITIES)
    out = []
    for i in range(count):
        if i % 2:
            out.append(b.result(f"new-{i}", rng.randint(0, 5000), programme_id=f"p-{rng.randrange(10)}",
                                city=rng.choice(cities), period_end=rng.choice(PERIOD_ENDS)))
        else:   # a revision of a stored result (its version 1 is stored)
            out.append(b.result(f"r-{rng.randrange(n)}", rng.randint(0, 5000), version=2 + i,
                                programme_id=f"p-{rng.randrange(10)}", city=rng.choice(cities),
                                period_end=rng.choice(PERIOD_ENDS)))
    return [b.wire(t, p) for t, p in out]


def database(backend, tmp):
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'bench-{uuid.uuid4().hex[:8]}.sqlite3'}", lambda: None
    import psycopg2
    admin = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    conn.cursor().execute(f'CREATE DATABASE "{name}"')
    conn.close()

    def drop():
        c = psycopg2.connect(admin)
        c.autocommit = True
        c.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.close()
    return urlunparse(urlparse(admin)._replace(path="/" + name)), drop


def prepare(backend, n, tmp, stack):
    """A migrated, loaded and rebuilt database of n results (timed), with its events to apply."""
    from metrics import handlers, models
    from metrics.db import tune
    from metrics.unit_of_work import MetricsUnitOfWork
    rng = random.Random(n)
    url, drop = database(backend, tmp)
    stack.callback(drop)
    upgrade("metrics", url)
    started = time.perf_counter()
    load(url, n, rng)
    loaded = time.perf_counter() - started
    engine = tune(create_engine(url))
    stack.callback(engine.dispose)
    sessions = session_factory(engine)

    def uow():
        return MetricsUnitOfWork(sessions, models.outbox, models.inbox, producer="metrics")
    started = time.perf_counter()
    handlers.rebuild(uow())
    rebuild = time.perf_counter() - started
    if backend == "postgres":   # as after a bulk load in production: no autovacuum mid-measurement
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    batch = events(n, EVENTS, rng)
    for envelope in batch[:WARMUP]:
        handlers.apply_event(uow(), envelope)
    return {"backend": backend, "stored": n, "engine": engine, "uow": uow, "todo": batch[WARMUP:], "costs": [],
            "cpu": [], "load_s": round(loaded, 1), "rebuild_s": round(rebuild, 2)}


def measure(prepared):
    """The sizes' events applied in turns of ROUND events, so that every size meets the same load
    from whatever else shares the machine (their ratio is the figure)."""
    from metrics import handlers
    while any(p["todo"] for p in prepared):
        for p in prepared:
            for envelope in p["todo"][:ROUND]:
                t0, c0 = time.perf_counter(), time.thread_time()
                handlers.apply_event(p["uow"](), envelope)
                p["costs"].append(time.perf_counter() - t0)
                p["cpu"].append(time.thread_time() - c0)
            del p["todo"][:ROUND]


def result(p):
    from metrics import handlers, models
    with p["engine"].connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(models.result_facts)).scalar_one()
        cells = conn.execute(sa.select(sa.func.count()).select_from(models.metric_cells)).scalar_one()
    t0 = time.perf_counter()
    handlers.get_progress(p["uow"]())
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    handlers.get_progress(p["uow"](), as_of="2021-12-31")   # grouped from the versions current then
    read_as_of = time.perf_counter() - t0
    costs = p["costs"]
    return {"backend": p["backend"], "stored": p["stored"], "results_after": stored, "cells": cells,
            "load_s": p["load_s"], "rebuild_s": p["rebuild_s"], "median_us": round(statistics.median(costs) * 1e6),
            "cpu_median_us": round(statistics.median(p["cpu"]) * 1e6),
            "p90_us": round(statistics.quantiles(costs, n=10)[-1] * 1e6), "progress_read_ms": round(read * 1e3, 1),
            "as_of_read_ms": round(read_as_of * 1e3, 1)}


def main():
    os.environ.pop("PLAN_FILES", None)
    print(f"metrics: per-event cost (median of {EVENTS - WARMUP} events: half new results, half revisions) "
          f"with N results stored; rebuild = aggregates from the N stored results (SQL)")
    print("backend    stored N  events median µs  p90 µs  cpu median µs  rebuild s  load s  cells  "
          "progress read ms  as-of read ms")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in BACKENDS:
            with contextlib.ExitStack() as stack:
                prepared = [prepare(backend, n, Path(tmp), stack) for n in SIZES]
                measure(prepared)
                mine = [result(p) for p in prepared]
            for n, row in zip(SIZES, mine, strict=True):
                rows.append(row)
                print(f"{backend:9} {n:9,}  {row['median_us']:16,}  {row['p90_us']:6,}  {row['cpu_median_us']:13,}  "
                      f"{row['rebuild_s']:9}  {row['load_s']:6}  {row['cells']:,}  {row['progress_read_ms']}  "
                      f"{row['as_of_read_ms']}", flush=True)
    for backend in BACKENDS:
        mine = [r for r in rows if r["backend"] == backend]
        if len(mine) > 1:
            ratio = mine[-1]["median_us"] / mine[0]["median_us"]
            cpu = mine[-1]["cpu_median_us"] / mine[0]["cpu_median_us"]
            print(f"{backend}: per-event cost at {mine[-1]['stored']:,} / at {mine[0]['stored']:,} stored = "
                  f"{ratio:.2f}, in CPU {cpu:.2f} (aim <= 1.1)")
    print("json:", json.dumps(rows))


if __name__ == "__main__":
    main()
