"""Benchmark: filtered, paginated lists of the programmes service at scale.

Loads 100,000 programmes (with their facets, ~2,000 cities, 2 indicators each) and
1,000,000 results (each with its version) into a fresh SQLite file and a fresh PostgreSQL
database migrated to head (bulk inserts with SQLAlchemy Core), then times list queries
through the handler layer (programmes.handlers.list_programmes / list_results on a real
unit of work: validation, query, marshmallow dump, cursor), not over HTTP.

    .venv/bin/python bench/programmes_list.py            (or `make bench`)
    BENCH_PROGRAMMES=20000 BENCH_RESULTS=200000 ...       a smaller run
    BENCH_BACKENDS=sqlite ...                             one backend
    BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres (admin URL; a database
    is created for the run and dropped after)

Prints the median and 95th percentile per query and over all queries, per backend, with
the machine and the command. Not part of `make test`: speed is measured, not asserted."""
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "services" / "programmes")]

import sqlalchemy as sa  # noqa: E402

from bench import _bulk as bulk  # noqa: E402
from programmes import domain, handlers, models  # noqa: E402
from programmes.unit_of_work import ProgrammesUnitOfWork  # noqa: E402
from shared.actors import SYSTEM  # noqa: E402
from shared.db import create_engine, session_factory  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

N_PROGRAMMES = int(os.environ.get("BENCH_PROGRAMMES", 100_000))
N_RESULTS = int(os.environ.get("BENCH_RESULTS", 1_000_000))
BACKENDS = os.environ.get("BENCH_BACKENDS", "sqlite,postgres").split(",")
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RUNS = int(os.environ.get("BENCH_RUNS", 30))
CHUNK = 10_000
SEED = 2021

WINDOW_INSTRUMENTS = {"country_city": ["country_programme", "technical_assistance", "innovation_fund_project"],
                      "global": ["regional_programme", "joint_work_programme"]}
THEMES = ["equitable_economic_growth", "resilience_climate", "gender_equality", "cities_migration"]
COUNTRIES = ["UG", "KE", "TZ", "RW", "ET", "GH", "NG", "SN", "CI", "MZ", "MW", "ZM", "ZA", "TN", "MA", "EG",
             "JO", "LB", "BD", "IN", "NP", "PK", "LK", "VN", "KH", "PH", "ID", "MM", "BO", "PE", "CO", "EC",
             "GT", "HN", "SV", "HT", "BR", "MX", "LR", "SL"]
STATUSES = ["pipeline"] * 2 + ["implementation"] * 5 + ["finalisation", "closed", "closed", "cancelled", "suspended"]
WORDS = ("urban upgrading resilience secondary cities water sanitation housing informal settlements women youth "
         "migration climate adaptation planning finance municipal governance mobility slum markets land "
         "energy waste drainage flood livelihoods jobs inclusion").split()
RESULT_STATUSES = ["approved"] * 6 + ["submitted", "draft", "returned", "approved"]
T0 = datetime(2018, 1, 1, tzinfo=timezone.utc)


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} CPUs (nproc), {model}, Python {platform.python_version()}, SQLAlchemy {sa.__version__}"


# --- data ------------------------------------------------------------------------------------------

def generate(rng: random.Random):
    """Rows per table, in chunks (lists of dicts), lazily."""
    cities = []
    for country in COUNTRIES:
        for n in range(50):
            name = f"{rng.choice(WORDS).title()} {country}-{n}"
            cities.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "name": name,
                           "name_key": domain.city_key(name), "country": country,
                           "population": rng.randint(50_000, 2_000_000), "secondary_city": rng.random() < 0.8,
                           "latitude": None, "longitude": None, "created_at": T0, "updated_at": T0})
    by_country = {}
    for city in cities:
        by_country.setdefault(city["country"], []).append(city["id"])
    orgs = [f"XM-BENCH-{i}" for i in range(200)]
    yield "cities", cities

    programmes_chunk, facets_chunk, links_chunk, indicators_chunk = [], [], [], []
    programme_cities = []   # (programme id, [city ids], reporting org), kept for the results
    span = 4 * 365 * 24 * 3600
    for i in range(N_PROGRAMMES):
        pid = str(uuid.UUID(int=rng.getrandbits(128)))
        window = "country_city" if rng.random() < 0.7 else "global"
        countries = rng.sample(COUNTRIES, rng.choice((1, 1, 1, 2, 3)))
        city_ids = [rng.choice(by_country[c]) for c in countries]
        city_ids = list(dict.fromkeys(city_ids + ([rng.choice(by_country[countries[0]])] if rng.random() < .5 else [])))
        themes = rng.sample(THEMES, rng.choice((1, 1, 2, 2, 3)))
        goals = rng.sample([str(g) for g in range(1, 18)], rng.choice((1, 2, 3)))
        org = rng.choice(orgs)
        updated = T0 + timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(10 ** 6))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize() + f" {i}"
        programmes_chunk.append({
            "id": pid, "iati_identifier": f"{org}-{i}", "title": title, "description": None,
            "reporting_org_ref": org, "reporting_org_name": f"Bench org {org}", "reporting_org_type": "21",
            "funding_window": window, "instrument": rng.choice(WINDOW_INSTRUMENTS[window]),
            "status": rng.choice(STATUSES), "parent_id": None, "themes": themes, "countries": countries,
            "sdg_goals": goals, "sdg_targets": [], "sectors": [], "policy_markers": [], "participating_orgs": [],
            "budget_amount": None, "budget_currency": None, "planned_start": None, "planned_end": None,
            "actual_start": None, "actual_end": None, "version": 1, "created_at": updated, "updated_at": updated})
        facets = ([("theme", t) for t in themes] + [("country", c) for c in countries]
                  + [("city", c) for c in city_ids] + [("sdg_goal", g) for g in goals] + [("org", org)])
        facets_chunk += [{"programme_id": pid, "kind": k, "code": c, "updated_at": updated} for k, c in facets]
        links_chunk += [{"programme_id": pid, "city_id": c, "position": n, "added_at": updated}
                        for n, c in enumerate(city_ids)]
        indicators_chunk += [{"programme_id": pid, "code": code, "position": n + 1, "title": code, "corporate": True,
                              "measure": "unit", "reach": "direct", "ascending": True, "sdg_indicator": None,
                              "baseline": None, "targets": [], "created_at": updated, "updated_at": updated}
                             for n, code in enumerate(("people_reached", "women_empowered"))]
        programme_cities.append((pid, city_ids, org))
        if len(programmes_chunk) == CHUNK or i == N_PROGRAMMES - 1:
            yield "programmes", programmes_chunk
            yield "programme_facets", facets_chunk
            yield "programme_cities", links_chunk
            yield "indicators", indicators_chunk
            programmes_chunk, facets_chunk, links_chunk, indicators_chunk = [], [], [], []

    results_chunk, versions_chunk = [], []
    semesters = [(date(y, m, 1), date(y, m + 5, 30 if m == 1 else 31)) for y in range(2018, 2022) for m in (1, 7)]
    per_programme = max(1, N_RESULTS // N_PROGRAMMES)
    made = 0
    for pid, city_ids, org in programme_cities:
        slots = [(code, c, s) for code in ("people_reached", "women_empowered") for c in city_ids for s in semesters]
        for code, cid, (start, end) in rng.sample(slots, min(per_programme, len(slots))):
            if made >= N_RESULTS:
                break
            rid = str(uuid.UUID(int=rng.getrandbits(128)))
            status = rng.choice(RESULT_STATUSES)
            value = rng.randint(0, 50_000)
            at = T0 + timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(10 ** 6))
            results_chunk.append({
                "id": rid, "programme_id": pid, "reporting_org_ref": org, "indicator_code": code, "city_id": cid,
                "period_start": start, "period_end": end, "status": status, "version": 1, "value": value,
                "disaggregations": {"sex": {"female": str(value // 2)}},
                "approved_version": 1 if status == "approved" else None,
                "approved_value": value if status == "approved" else None, "created_at": at, "updated_at": at})
            versions_chunk.append({
                "result_id": rid, "number": 1, "status": status, "value": value,
                "disaggregations": {"sex": {"female": str(value // 2)}}, "comment": None,
                "log": [{"action": "drafted", "at": at.isoformat(), "by": org, "comment": None}],
                "created_at": at, "submitted_at": None, "approved_at": at if status == "approved" else None})
            made += 1
            if len(results_chunk) == CHUNK:
                yield "results", results_chunk
                yield "result_versions", versions_chunk
                results_chunk, versions_chunk = [], []
    if results_chunk:
        yield "results", results_chunk
        yield "result_versions", versions_chunk


def load(url: str) -> dict:
    engine = bulk.engine(url)
    tables = {t.name: t for t in models.metadata.sorted_tables}
    counts = {}
    started = time.monotonic()
    with engine.begin() as conn:
        for name, rows in generate(random.Random(SEED)):
            bulk.insert(conn, tables[name], rows)
            counts[name] = counts.get(name, 0) + len(rows)
    loaded = time.monotonic() - started
    with engine.connect() as conn:  # fresh statistics for the planner, as autovacuum/optimize would keep
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    engine.dispose()
    return {"rows": counts, "seconds": loaded}


# --- queries ---------------------------------------------------------------------------------------

def sample_values(engine) -> dict:
    P, PC = models.Programme.__table__, models.ProgrammeCity.__table__
    with engine.connect() as conn:
        p = conn.execute(sa.select(P.c.id, P.c.reporting_org_ref).order_by(P.c.updated_at)
                         .offset(N_PROGRAMMES // 3).limit(1)).one()
        city = conn.execute(sa.select(PC.c.city_id).where(PC.c.programme_id == p.id)).scalar()
        recent = conn.execute(sa.select(P.c.updated_at).order_by(P.c.updated_at)
                              .offset(N_PROGRAMMES - N_PROGRAMMES // 100).limit(1)).scalar()
    recent = recent if recent.tzinfo else recent.replace(tzinfo=timezone.utc)
    return {"programme": p.id, "org": p.reporting_org_ref, "city": city,
            "since": recent.isoformat().replace("+00:00", "Z")}


def queries(v: dict) -> list[tuple[str, str, dict]]:
    return [
        ("programmes", "no filter", {}),
        ("programmes", "funding_window", {"funding_window": "global"}),
        ("programmes", "instrument", {"instrument": "innovation_fund_project"}),
        ("programmes", "theme", {"theme": "gender_equality"}),
        ("programmes", "country", {"country": "UG"}),
        ("programmes", "city", {"city": v["city"]}),
        ("programmes", "sdg_goal", {"sdg_goal": "11"}),
        ("programmes", "status", {"status": "finalisation"}),
        ("programmes", "organisation", {"organisation": v["org"]}),
        ("programmes", "q (title text)", {"q": "drainage"}),
        ("programmes", "q (rare text)", {"q": "no such words"}),
        ("programmes", "theme+country+window", {"theme": "cities_migration", "country": "KE",
                                                "funding_window": "country_city"}),
        ("programmes", "modified_since (1%)", {"modified_since": v["since"]}),
        ("programmes", "page 2 (cursor), theme", {"theme": "resilience_climate", "_page": 2}),
        ("results", "programme", {"programme_id": v["programme"]}),
        ("results", "indicator", {"indicator": "women_empowered"}),
        ("results", "city", {"city": v["city"]}),
        ("results", "status", {"status": "submitted"}),
        ("results", "period", {"period_start": "2021-01-01", "period_end": "2021-06-30"}),
        ("results", "indicator+status", {"indicator": "people_reached", "status": "approved"}),
        ("results", "page 2 (cursor)", {"_page": 2}),
    ]


def run(uow, kind: str, query: dict) -> dict:
    query = dict(query)
    pages = query.pop("_page", 1)
    call = handlers.list_programmes if kind == "programmes" else handlers.list_results
    page = call(uow, query, actor=SYSTEM)
    for _ in range(pages - 1):
        page = call(uow, {**query, "cursor": page["next_cursor"]}, actor=SYSTEM)
    return page


def time_queries(engine) -> list[tuple[str, list[float], int]]:
    uow = ProgrammesUnitOfWork(session_factory(engine), models.outbox, models.inbox, producer="programmes")
    timings = []
    for kind, name, query in queries(sample_values(engine)):
        run(uow, kind, query)  # warm the caches once
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            page = run(uow, kind, query)
            samples.append((time.perf_counter() - started) * 1000)
        if query.get("_page") == 2:   # a page 2 costs two calls: report one
            samples = [s / 2 for s in samples]
        timings.append((f"{kind}: {name}", samples, len(page["items"])))
    return timings


def p95(samples):
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def report(backend: str, loaded: dict, timings) -> None:
    rows = ", ".join(f"{n} {c:,}" for n, c in loaded["rows"].items())
    print(f"\n[{backend}] loaded in {loaded['seconds']:.0f}s: {rows}")
    print(f"{'query (limit 50)':44} {'items':>5} {'median ms':>10} {'p95 ms':>8}")
    everything = []
    for name, samples, items in timings:
        everything += samples
        print(f"{name:44} {items:>5} {statistics.median(samples):>10.1f} {p95(samples):>8.1f}")
    print(f"{'ALL ' + str(len(timings)) + ' queries x ' + str(RUNS) + ' runs':44} {'':>5} "
          f"{statistics.median(everything):>10.1f} {p95(everything):>8.1f}", flush=True)


def main() -> int:
    print(f"machine: {machine()}")
    print(f"command: {' '.join([os.path.relpath(sys.executable, ROOT)] + sys.argv)} "
          f"(BENCH_PROGRAMMES={N_PROGRAMMES} BENCH_RESULTS={N_RESULTS} BENCH_RUNS={RUNS})", flush=True)
    for backend in BACKENDS:
        if backend == "sqlite":
            workdir = tempfile.mkdtemp(prefix="bench-programmes-")
            url, cleanup = f"sqlite:///{workdir}/programmes.sqlite3", partial(shutil.rmtree, workdir, True)
        else:
            import psycopg2
            name = f"bench_programmes_{uuid.uuid4().hex[:8]}"
            admin = psycopg2.connect(POSTGRES_ADMIN_URL)
            admin.autocommit = True
            admin.cursor().execute(f'CREATE DATABASE "{name}"')
            url = sa.engine.make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

            def cleanup(name=name, admin=admin):
                admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.close()
        try:
            upgrade("programmes", url)
            loaded = load(url)
            engine = create_engine(url)
            report(backend, loaded, time_queries(engine))
            engine.dispose()
        finally:
            if cleanup:
                cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
