"""The plans' bookkeeping (which plan definitions the aggregates were built for) and the
rebuilds: a plan's aggregates from the stored facts (SQL), every fact from the sources' state."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from metrics import domain
from metrics import models as m
from metrics.domain import Plan, ProgrammeDim, ResultFact, SourceState
from metrics.store.facts import application_row, programme_row
from metrics.store.sql import CELL_KEYS, CITY_KEYS, MONEY_KEYS, TOTAL_KEYS, PlansNotReady, Store
from metrics.store.versions import VersionStore
from shared.events.fields import utcnow
from shared.persistence import from_row, get_many, to_row, upsert

# A rebuild's sums of one plan's cells per indicator, reach, city and period end (`_roll_up`):
# created and dropped inside the rebuild's transaction, not part of the schema.
_SUMS = sa.Table(
    "metric_rebuild_sums", sa.MetaData(),
    *(sa.Column(k, m.metric_cells.c[k].type, nullable=False)
      for k in ("indicator", "reach", "city_id", "country", "period_end", "value", "n")),
    prefixes=["TEMPORARY"])


class Rebuilder(Store):
    def lock_plans(self, *, exclusive: bool = False) -> None:
        """Lock the plans' rows, sorted by plan id: shared by every event transaction, exclusive
        for a rebuild (step 1 of the lock order), with the kit's `get_many`. PlansNotReady if the
        aggregates were built for other plan definitions."""
        rows = get_many(self.session, m.metric_plans, list(self.plans), for_update=exclusive, shared=not exclusive)
        held = {plan_id: row.definition_hash for plan_id, row in rows.items()}
        stale = [pid for pid, plan in self.plans.items() if held.get(pid) != plan.definition_hash]
        if stale:
            raise PlansNotReady(stale)

    def ensure_plans(self) -> list[str]:
        """Build the aggregates of every plan whose definition changed (or is new) from the stored
        facts; returns the ids rebuilt."""
        rebuilt = []
        for plan_id in sorted(self.plans):
            plan = self.plans[plan_id]
            self.claim(m.metric_plans, ("plan_id",), {"plan_id": plan_id, "definition_hash": "", "built_at": None})
            if self.held(m.metric_plans, plan_id).definition_hash != plan.definition_hash:
                self.rebuild_plan(plan)
                rebuilt.append(plan_id)
        return rebuilt

    def rebuild_plan(self, plan: Plan) -> None:
        """Replace one plan's aggregates with a recomputation from the stored result facts (SQL)."""
        for table in m.AGGREGATES:
            self.run(table.delete().where(table.c.plan_id == plan.id))
        r = m.result_facts.c
        counted = self.counted(plan, m.result_facts)
        parts = self._reach_parts(sa.and_(counted, r.reporting != "cumulative"))
        positive = sa.func.sum(sa.case((parts.c.part > 0, 1), else_=0))
        groups = (parts.c.indicator, parts.c.reach, parts.c.programme_id, parts.c.city_id, parts.c.country,
                  parts.c.period_end)
        self.run(m.metric_cells.insert().from_select(
            list(CELL_KEYS) + ["value", "n"],
            sa.select(sa.literal(plan.id, sa.String), *groups, sa.func.sum(parts.c.part), positive)
            .where(parts.c.part != 0).group_by(*groups)))
        cumulative = Rebuilder.cumulative_cells(self, plan, m.result_facts)
        self.add(m.metric_cells, CELL_KEYS, [dict(zip(CELL_KEYS, (plan.id, *k), strict=True), value=v, n=n)
                                             for k, (v, n) in sorted(cumulative.items())], ("value", "n"))
        self._roll_up(plan)
        upsert(self.session, m.metric_plans,
               {"plan_id": plan.id, "definition_hash": plan.definition_hash, "built_at": utcnow()})

    def _roll_up(self, plan: Plan) -> None:
        """The plan's totals and city references from its cells through one sort of the cells:
        their sums per indicator, reach, city and period end (a temporary table, a few rows per
        city) hold both, so neither sorts the cells again (docs/benchmarks.md, figure 6)."""
        c, s = m.metric_cells.c, _SUMS.c
        conn = self.session.connection()
        _SUMS.create(conn)
        keys = (c.indicator, c.reach, c.city_id, c.country, c.period_end)
        self.run(_SUMS.insert().from_select(
            [k.name for k in keys] + ["value", "n"],
            sa.select(*keys, sa.func.sum(c.value), sa.func.sum(c.n)).where(c.plan_id == plan.id).group_by(*keys)))
        plan_id = sa.literal(plan.id, sa.String)
        self.run(m.metric_totals.insert().from_select(
            list(TOTAL_KEYS) + ["value", "n"],
            sa.select(plan_id, s.indicator, s.reach, s.period_end, sa.func.sum(s.value), sa.func.sum(s.n))
            .group_by(s.indicator, s.reach, s.period_end)))
        self.run(m.metric_city_refs.insert().from_select(
            list(CITY_KEYS) + ["n"],
            sa.select(plan_id, s.indicator, s.city_id, s.country, s.period_end, sa.func.sum(s.n))
            .group_by(s.indicator, s.city_id, s.country, s.period_end)))
        _SUMS.drop(conn)

    @staticmethod
    def cumulative_cells(store: Store, plan: Plan, facts: sa.FromClause) -> dict[Any, tuple[int, int]]:
        """What the plan's cumulative series add to their cells: their growth per period end
        (domain.counted_contributions, in Python), from result_facts or the facts as of a date."""
        return domain.counted_contributions(from_row(ResultFact, row) for row in store.run(
            sa.select(facts).where(Rebuilder.counted(plan, facts), facts.c.reporting == "cumulative")))

    @staticmethod
    def counted(plan: Plan, facts: sa.FromClause) -> sa.ColumnElement[bool]:
        """`plan.counts` as SQL, on result_facts or on the facts as of a date (same columns)."""
        r = facts.c
        return sa.and_(r.version > 0, r.corporate.is_(True), r.measure == "unit", r.rollup == "sum",
                       r.indicator.in_(plan.indicators), r.period_end >= plan.start, r.period_end <= plan.end)

    @staticmethod
    def _reach_parts(counted: sa.ColumnElement[bool], facts: sa.FromClause = m.result_facts) -> sa.Subquery:
        """The counted facts' direct and indirect parts, one row each, as `ResultFact.reach_parts`."""
        r = facts.c
        rest = r.value - r.split_direct - r.split_indirect
        keys = (r.indicator, r.programme_id, r.city_id, r.country, r.period_end)
        direct = r.split_direct + sa.case((r.reach == "direct", rest), else_=0)
        indirect = r.split_indirect + sa.case((r.reach != "direct", rest), else_=0)
        return sa.union_all(*(
            sa.select(sa.literal(reach, sa.String).label("reach"), *keys, part.label("part")).where(counted)
            for reach, part in (("direct", direct), ("indirect", indirect)))).subquery()

    def rebuild_money(self) -> None:
        t, mc = m.metric_money_txns.c, m.metric_money
        self.run(mc.delete())
        groups = [t.kind, t.currency, t.fund_id, t.window, t.theme, t.country, t.programme_id, t.day]
        self.run(mc.insert().from_select(list(MONEY_KEYS) + ["amount"],
                                         sa.select(*groups, sa.func.sum(t.amount)).group_by(*groups)))

    def replace_facts(self, state: SourceState) -> None:
        """Replace every fact with the sources' state, then rebuild the aggregates. Run under
        lock_plans(exclusive=True)."""
        for table in m.FACTS + m.AGGREGATES:
            self.run(table.delete())
        programmes = dict(state.programmes)
        for fact in state.results.values():
            programmes.setdefault(fact.programme_id, ProgrammeDim(fact.programme_id, 0, fact.parent_id, None, None))
        self._bulk(m.result_facts, [f.as_row() for f in state.results.values()])
        self._bulk(m.result_versions, VersionStore.version_rows(list(state.versions.values())))
        self._bulk(m.metric_programmes, [programme_row(p) for p in programmes.values()])
        self._bulk(m.metric_cities, [{"city_id": cid, "name": name, "country": country}
                                     for cid, (name, country) in state.cities.items()])
        self._bulk(m.metric_funds, [{"fund_id": fid, **f} for fid, f in state.funds.items()])
        self._bulk(m.metric_money_txns, [to_row(m.metric_money_txns, t) for t in state.money.values()])
        self._bulk(m.metric_applications, [application_row(a) for a in state.applications.values()])
        self.rebuild_money()
        for plan in self.plans.values():
            self.rebuild_plan(plan)

    def _bulk(self, table: sa.Table, rows: list[dict[str, Any]], chunk: int = 10_000) -> None:
        for i in range(0, len(rows), chunk):
            self.run(table.insert(), rows[i:i + chunk])
