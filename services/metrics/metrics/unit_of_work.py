"""The metrics projection in SQL: facts kept at their winning version, aggregates updated by
deltas (INSERT ... ON CONFLICT DO UPDATE SET value = value + delta) in the same transaction
as the inbox record, and the snapshot queries that assembly reads.

Concurrency (two or more replicas consuming the same queues): every event transaction
first takes a shared lock on the plans' bookkeeping rows (a rebuild takes them exclusively),
then claims the fact's row (insert if absent, then SELECT ... FOR UPDATE on PostgreSQL;
SQLite's BEGIN IMMEDIATE serialises writers) and compares versions under that lock. Counter
rows are updated in one global order (cells, totals, city references, each sorted by key), so
two transactions never wait on each other in a cycle."""
from __future__ import annotations

import sqlalchemy as sa

from metrics import domain
from metrics import models as m
from metrics.domain import NONE, Application, MoneyTxn, ProgrammeDim, ResultFact, Snapshot
from shared.events.fields import utcnow
from shared.uow import UnitOfWork

CELL_KEYS = ("plan_id", "indicator", "reach", "programme_id", "city_id", "country", "period_end")
TOTAL_KEYS = ("plan_id", "indicator", "reach", "period_end")
CITY_KEYS = ("plan_id", "indicator", "city_id", "country", "period_end")
MONEY_KEYS = ("kind", "currency", "fund_id", "window", "theme", "country", "programme_id", "day")


class PlansNotReady(Exception):
    """The aggregates were not built for the loaded plan definitions: run ensure_plans first."""


def _insert(session, table):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _upsert_sql(table, keys, counters=()):
    """`INSERT ... ON CONFLICT (keys) DO NOTHING`, or `DO UPDATE SET c = c + excluded.c` for the
    counters: the same SQL on SQLite (3.24+) and PostgreSQL, as a text statement with typed
    parameters, because SQLAlchemy does not cache the dialects' own on-conflict inserts (each
    would be compiled again for every event)."""
    q = '"{}"'.format
    cols = [c.name for c in table.c]
    sql = (f"INSERT INTO {q(table.name)} ({', '.join(q(c) for c in cols)}) "
           f"VALUES ({', '.join(':' + c for c in cols)}) ON CONFLICT ({', '.join(q(k) for k in keys)}) ")
    if counters:
        sql += "DO UPDATE SET " + ", ".join(f"{q(c)} = {q(table.name)}.{q(c)} + excluded.{q(c)}" for c in counters)
    else:
        sql += "DO NOTHING"
    return sa.text(sql).bindparams(*[sa.bindparam(c.name, type_=c.type) for c in table.c])


_STATEMENTS: dict = {}


def _cached(session, key, build):
    """Statements built once per dialect and executed with parameters, so SQLAlchemy compiles
    each once (statements with inline values, e.g. JSON lists, are not cacheable)."""
    full = (session.get_bind().dialect.name,) + key
    stmt = _STATEMENTS.get(full)
    if stmt is None:
        stmt = _STATEMENTS[full] = build()
    return stmt


class Projection:
    def __init__(self, session, plans: dict):
        self.session = session
        self.plans = plans   # plan_id -> domain.Plan

    @property
    def postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def _run(self, stmt, params=None):
        return self.session.execute(stmt, params) if params is not None else self.session.execute(stmt)

    def _claim(self, table, keys: tuple, row: dict):
        """INSERT the row unless its key exists (then nothing); returns the result."""
        return self._run(_cached(self.session, ("claim", table.name, keys), lambda: _upsert_sql(table, keys)), row)

    def _update(self, table, key: str, key_value, values: dict):
        names = tuple(sorted(values))
        stmt = _cached(self.session, ("update", table.name, key, names),
                       lambda: table.update().where(table.c[key] == sa.bindparam("_key"))
                       .values({n: sa.bindparam(n) for n in names}))
        self._run(stmt, {**values, "_key": key_value})

    def _locked(self, table, key: str, key_value, columns):
        cols = tuple(columns)
        stmt = _cached(self.session, ("locked", table.name, key, cols), lambda: (
            sa.select(*[table.c[c] for c in cols]).where(table.c[key] == sa.bindparam("_key"))
            .with_for_update() if self.postgres else
            sa.select(*[table.c[c] for c in cols]).where(table.c[key] == sa.bindparam("_key"))))
        return self._run(stmt, {"_key": key_value})

    # --- plans bookkeeping -------------------------------------------------------------------

    def lock_plans(self, *, exclusive=False) -> None:
        """Shared lock on the plans' rows (exclusive for a rebuild); PlansNotReady if the
        aggregates were built for other plan definitions."""
        def build():
            q = sa.select(m.metric_plans.c.plan_id, m.metric_plans.c.definition_hash) \
                .where(m.metric_plans.c.plan_id.in_(sa.bindparam("ids", expanding=True))) \
                .order_by(m.metric_plans.c.plan_id)
            return q.with_for_update(read=not exclusive) if self.postgres else q
        held = dict(self._run(_cached(self.session, ("lock_plans", exclusive), build),
                              {"ids": sorted(self.plans)}).all())
        stale = [pid for pid, plan in self.plans.items() if held.get(pid) != plan.definition_hash]
        if stale:
            raise PlansNotReady(stale)

    def ensure_plans(self) -> list[str]:
        """Build the aggregates of every plan whose definition changed (or is new) from the stored
        facts; returns the ids rebuilt."""
        rebuilt = []
        for plan_id in sorted(self.plans):
            plan = self.plans[plan_id]
            self._run(_insert(self.session, m.metric_plans).values(plan_id=plan_id, definition_hash="")
                      .on_conflict_do_nothing(index_elements=["plan_id"]))
            q = sa.select(m.metric_plans.c.definition_hash).where(m.metric_plans.c.plan_id == plan_id)
            if self.postgres:
                q = q.with_for_update()
            if self._run(q).scalar_one() != plan.definition_hash:
                self.rebuild_plan(plan)
                rebuilt.append(plan_id)
        return rebuilt

    def rebuild_plan(self, plan) -> None:
        """Replace one plan's aggregates with a recomputation from the stored result facts (SQL)."""
        r, c = m.result_facts.c, m.metric_cells.c
        for table in m.AGGREGATES:
            self._run(table.delete().where(table.c.plan_id == plan.id))
        counted = sa.and_(r.version > 0, r.corporate.is_(True), r.measure == "unit",
                          r.indicator.in_(plan.indicators), r.period_end >= plan.start, r.period_end <= plan.end)
        positive = sa.func.sum(sa.case((r.value > 0, 1), else_=0))
        groups = (r.indicator, r.reach, r.programme_id, r.city_id, r.country, r.period_end)
        self._run(m.metric_cells.insert().from_select(
            list(CELL_KEYS) + ["value", "n"],
            sa.select(sa.literal(plan.id, sa.String), *groups, sa.func.sum(r.value), positive)
            .where(counted).group_by(*groups)))
        of_plan = c.plan_id == plan.id
        self._run(m.metric_totals.insert().from_select(
            list(TOTAL_KEYS) + ["value", "n"],
            sa.select(c.plan_id, c.indicator, c.reach, c.period_end, sa.func.sum(c.value), sa.func.sum(c.n))
            .where(of_plan).group_by(c.plan_id, c.indicator, c.reach, c.period_end)))
        self._run(m.metric_city_refs.insert().from_select(
            list(CITY_KEYS) + ["n"],
            sa.select(c.plan_id, c.indicator, c.city_id, c.country, c.period_end, sa.func.sum(c.n))
            .where(of_plan).group_by(c.plan_id, c.indicator, c.city_id, c.country, c.period_end)))
        self._run(_insert(self.session, m.metric_plans).values(
            plan_id=plan.id, definition_hash=plan.definition_hash, built_at=utcnow())
            .on_conflict_do_update(index_elements=["plan_id"],
                                   set_={"definition_hash": plan.definition_hash, "built_at": utcnow()}))

    def rebuild_money(self) -> None:
        t, mc = m.metric_money_txns.c, m.metric_money
        self._run(mc.delete())
        groups = [t.kind, t.currency, t.fund_id, t.window, t.theme, t.country, t.programme_id, t.day]
        self._run(mc.insert().from_select(list(MONEY_KEYS) + ["amount"],
                                          sa.select(*groups, sa.func.sum(t.amount)).group_by(*groups)))

    # --- results -------------------------------------------------------------------------------

    def apply_result(self, fact: ResultFact) -> bool:
        """Keep the highest version of a result; move its contribution from the version held to
        this one. Returns whether anything changed."""
        row = fact.as_row()
        self._claim(m.metric_programmes, ("programme_id",), {
            "programme_id": fact.programme_id, "version": 0, "parent_id": fact.parent_id, "title": None,
            "window": None, "themes": [], "sdg_goals": [], "countries": [], "status": None})
        self._claim(m.metric_cities, ("city_id",), {"city_id": fact.city_id, "name": fact.city_name,
                                                    "country": fact.country})
        self._claim(m.result_facts, ("result_id",), {**row, "version": 0})
        held_row = self._locked(m.result_facts, "result_id", fact.result_id,
                                [c.name for c in m.result_facts.c]).mappings().one()
        held = ResultFact(**held_row) if held_row["version"] > 0 else None
        if not domain.newer(fact.version, held.version if held else None):
            return False
        self._update(m.result_facts, "result_id", fact.result_id,
                     {k: v for k, v in row.items() if k != "result_id"})
        self.add_cells(domain.cell_deltas(held, fact, self.plans.values()))
        return True

    def add_cells(self, deltas: dict) -> None:
        """Add {(plan, *cell): (value, n)} to the cells, totals and city references."""
        if not deltas:
            return
        totals, cities = domain.roll_up(deltas)
        self._add(m.metric_cells, CELL_KEYS, [dict(zip(CELL_KEYS, k), value=v, n=n)
                                              for k, (v, n) in sorted(deltas.items())], ("value", "n"))
        self._add(m.metric_totals, TOTAL_KEYS, [dict(zip(TOTAL_KEYS, k), value=v, n=n)
                                                for k, (v, n) in sorted(totals.items()) if (v, n) != (0, 0)],
                  ("value", "n"))
        self._add(m.metric_city_refs, CITY_KEYS, [dict(zip(CITY_KEYS, k), n=n)
                                                  for k, n in sorted(cities.items()) if n != 0], ("n",))

    def _add(self, table, keys, rows, counters):
        if not rows:
            return
        self._run(_cached(self.session, ("add", table.name, tuple(keys), tuple(counters)),
                          lambda: _upsert_sql(table, keys, counters)), rows)

    # --- programmes, cities, funds -------------------------------------------------------------

    def apply_programme(self, dim: ProgrammeDim) -> bool:
        t = m.metric_programmes
        values = {"version": dim.version, "parent_id": dim.parent_id, "title": dim.title, "window": dim.window,
                  "themes": list(dim.themes), "sdg_goals": list(dim.sdg_goals), "countries": list(dim.countries),
                  "status": dim.status}
        self._claim(t, ("programme_id",), {"programme_id": dim.programme_id, **values, "version": 0})
        held = self._locked(t, "programme_id", dim.programme_id, ["version"]).scalar_one()
        if not domain.newer(dim.version, held):
            return False
        self._update(t, "programme_id", dim.programme_id, values)
        return True

    def apply_fund(self, p: dict) -> bool:
        self._claim(m.metric_funds, ("fund_id",), {"fund_id": p["fund_id"], "name": p["name"], "window": p["window"],
                                                   "currency": p["currency"]})
        return True

    # --- money and applications --------------------------------------------------------------

    def apply_money(self, txn: MoneyTxn) -> bool:
        """A transaction counts once, whichever copy of its event arrives first."""
        claimed = self._claim(m.metric_money_txns, ("kind", "txn_id"), {
            "kind": txn.kind, "txn_id": txn.txn_id, "currency": txn.currency, "amount": txn.amount, "day": txn.day,
            "fund_id": txn.fund_id, "window": txn.window, "theme": txn.theme, "country": txn.country,
            "programme_id": txn.programme_id}).rowcount
        if claimed != 1 or txn.amount == 0:
            return claimed == 1
        self._add(m.metric_money, MONEY_KEYS, [dict(zip(MONEY_KEYS, txn.cell), amount=txn.amount)], ("amount",))
        return True

    def apply_application(self, app: Application) -> bool:
        t = m.metric_applications
        values = {"rank": app.rank, "status": app.status, "fund_id": app.fund_id, "window": app.window,
                  "theme": app.theme, "country": app.country, "city": app.city, "programme_id": app.programme_id,
                  "currency": app.currency, "amount_requested": app.amount_requested,
                  "targets": [list(x) for x in app.targets]}
        self._claim(t, ("application_id",), {"application_id": app.application_id, **values, "rank": 0})
        if not domain.newer(app.rank, self._locked(t, "application_id", app.application_id, ["rank"]).scalar_one()):
            return False
        self._update(t, "application_id", app.application_id, values)
        return True

    # --- reads --------------------------------------------------------------------------------

    def snapshot(self, plan, *, cells=False, dims=False, applications=True) -> Snapshot:
        t, cr, mm = m.metric_totals.c, m.metric_city_refs.c, m.metric_money.c
        snap = Snapshot()
        snap.totals = [tuple(r) for r in self._run(
            sa.select(t.indicator, t.reach, t.period_end, t.value, t.n)
            .where(t.plan_id == plan.id, sa.or_(t.value != 0, t.n != 0)))]
        snap.cities = [tuple(r) for r in self._run(
            sa.select(cr.indicator, cr.city_id, cr.country, cr.period_end, cr.n)
            .where(cr.plan_id == plan.id, cr.n != 0))]
        snap.money = [tuple(r) for r in self._run(
            sa.select(mm.kind, mm.currency, mm.fund_id, mm.window, mm.theme, mm.country, mm.programme_id, mm.day,
                      mm.amount).where(mm.amount != 0))]
        if applications:
            snap.applications = self.applications_under_review()
        if cells:
            c = m.metric_cells.c
            snap.cells = [tuple(r) for r in self._run(
                sa.select(c.indicator, c.reach, c.programme_id, c.city_id, c.country, c.period_end, c.value, c.n)
                .where(c.plan_id == plan.id, sa.or_(c.value != 0, c.n != 0)))]
        if dims:
            snap.programmes = self.programmes()
            snap.city_names = {cid: (name, country) for cid, name, country in self._run(
                sa.select(m.metric_cities.c.city_id, m.metric_cities.c.name, m.metric_cities.c.country))}
            snap.funds = {f.fund_id: {"name": f.name, "window": f.window, "currency": f.currency}
                          for f in self._run(sa.select(m.metric_funds))}
        snap.updated_at = self._run(sa.select(sa.func.max(m.inbox.c.processed_at))).scalar_one()
        return snap

    def programmes(self) -> dict:
        return {p.programme_id: ProgrammeDim(p.programme_id, p.version, p.parent_id, p.title, p.window,
                                             tuple(p.themes or ()), tuple(p.sdg_goals or ()),
                                             tuple(p.countries or ()), p.status)
                for p in self._run(sa.select(m.metric_programmes))}

    def applications_under_review(self) -> list:
        t = m.metric_applications
        return [Application(a.application_id, a.rank, a.status, a.fund_id, a.window, a.theme, a.country, a.city,
                            a.programme_id, a.currency, a.amount_requested, tuple(tuple(x) for x in a.targets))
                for a in self._run(sa.select(t).where(t.c.status == "under_review"))]

    # --- publishing bookkeeping ----------------------------------------------------------------

    def lock_published(self, plan_id: str):
        t = m.metric_published
        self._run(_insert(self.session, t).values(plan_id=plan_id, revision=0, body_hash="", published_at=None)
                  .on_conflict_do_nothing(index_elements=["plan_id"]))
        q = sa.select(t.c.revision, t.c.body_hash).where(t.c.plan_id == plan_id)
        if self.postgres:
            q = q.with_for_update()
        return self._run(q).one()

    def published_revision(self, plan_id: str) -> int:
        t = m.metric_published
        return self._run(sa.select(t.c.revision).where(t.c.plan_id == plan_id)).scalar() or 0

    def set_published(self, plan_id: str, revision: int, body_hash: str) -> None:
        t = m.metric_published
        self._run(t.update().where(t.c.plan_id == plan_id)
                  .values(revision=revision, body_hash=body_hash, published_at=utcnow()))

    # --- replacing the facts (rebuild from the sources) ---------------------------------------

    def replace_facts(self, state) -> None:
        """Replace every fact with the sources' state (recompute.SourceState), then rebuild the
        aggregates. Run under lock_plans(exclusive=True)."""
        for table in m.FACTS + m.AGGREGATES:
            self._run(table.delete())
        programmes = dict(state.programmes)
        for fact in state.results.values():
            programmes.setdefault(fact.programme_id, ProgrammeDim(fact.programme_id, 0, fact.parent_id, None, None))
        self._bulk(m.result_facts, [f.as_row() for f in state.results.values()])
        self._bulk(m.metric_programmes, [{
            "programme_id": p.programme_id, "version": p.version, "parent_id": p.parent_id, "title": p.title,
            "window": p.window, "themes": list(p.themes), "sdg_goals": list(p.sdg_goals),
            "countries": list(p.countries), "status": p.status} for p in programmes.values()])
        self._bulk(m.metric_cities, [{"city_id": cid, "name": name, "country": country}
                                     for cid, (name, country) in state.cities.items()])
        self._bulk(m.metric_funds, [{"fund_id": fid, **f} for fid, f in state.funds.items()])
        self._bulk(m.metric_money_txns, [{
            "kind": t.kind, "txn_id": t.txn_id, "currency": t.currency, "amount": t.amount, "day": t.day,
            "fund_id": t.fund_id, "window": t.window, "theme": t.theme, "country": t.country,
            "programme_id": t.programme_id} for t in state.money.values()])
        self._bulk(m.metric_applications, [{
            "application_id": a.application_id, "rank": a.rank, "status": a.status, "fund_id": a.fund_id,
            "window": a.window, "theme": a.theme, "country": a.country, "city": a.city,
            "programme_id": a.programme_id, "currency": a.currency, "amount_requested": a.amount_requested,
            "targets": [list(x) for x in a.targets]} for a in state.applications.values()])
        self.rebuild_money()
        for plan in self.plans.values():
            self.rebuild_plan(plan)

    def _bulk(self, table, rows, chunk=10_000):
        for i in range(0, len(rows), chunk):
            self._run(table.insert(), rows[i:i + chunk])


class MetricsUnitOfWork(UnitOfWork):
    def _open(self, session):
        from metrics import plans as loaded
        self.projection = Projection(session, loaded.current())


__all__ = ["MetricsUnitOfWork", "Projection", "PlansNotReady", "NONE"]
