"""Reads of the metrics store: one plan's aggregates as a `Snapshot` (or its result rows as of a
date), the programmes and the applications under review, and the publishing bookkeeping (the
last progress published)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from metrics import models as m
from metrics.domain import NONE, Application, Plan, ProgrammeDim, Snapshot, roll_up
from metrics.store.rebuild import Rebuilder
from metrics.store.sql import Store
from metrics.store.versions import VersionStore
from shared.events.fields import utcnow
from shared.persistence import from_row


class Reader(Store):
    def snapshot(self, plan: Plan, *, cells: bool = False, dims: bool = False,
                 applications: bool = True) -> Snapshot:
        t, cr, mm = m.metric_totals.c, m.metric_city_refs.c, m.metric_money.c
        snap = Snapshot()
        snap.totals = [tuple(r) for r in self.run(
            sa.select(t.indicator, t.reach, t.period_end, t.value, t.n)
            .where(t.plan_id == plan.id, sa.or_(t.value != 0, t.n != 0)))]
        snap.cities = [tuple(r) for r in self.run(
            sa.select(cr.indicator, cr.city_id, cr.country, cr.period_end, cr.n)
            .where(cr.plan_id == plan.id, cr.n != 0))]
        snap.money = [tuple(r) for r in self.run(
            sa.select(mm.kind, mm.currency, mm.fund_id, mm.window, mm.theme, mm.country, mm.programme_id, mm.day,
                      mm.amount).where(mm.amount != 0))]
        if applications:
            snap.applications = self.applications_under_review()
        if cells:
            c = m.metric_cells.c
            snap.cells = [tuple(r) for r in self.run(
                sa.select(c.indicator, c.reach, c.programme_id, c.city_id, c.country, c.period_end, c.value, c.n)
                .where(c.plan_id == plan.id, sa.or_(c.value != 0, c.n != 0)))]
        if dims:
            snap.programmes = self.programmes()
            snap.city_names = {cid: (name, country) for cid, name, country in self.run(
                sa.select(m.metric_cities.c.city_id, m.metric_cities.c.name, m.metric_cities.c.country))}
            snap.funds = {f.fund_id: {"name": f.name, "window": f.window, "currency": f.currency}
                          for f in self.run(sa.select(m.metric_funds))}
        snap.updated_at = self.run(sa.select(sa.func.max(m.inbox.c.processed_at))).scalar_one()
        return snap

    def result_rows_on(self, plan: Plan, day: date, *, cells: bool = False) -> tuple[list, list, list]:
        """The plan's (totals, city references, cells) from the facts as they stood at the end of
        `day` (each result at the version current then): one scan grouped in SQL as `rebuild_plan`
        groups the current facts, by cell (by city only, when cells are not asked for), rolled up
        to totals and city references as the projection rolls up its deltas."""
        facts = VersionStore.facts_on(day)
        counted = Rebuilder.counted(plan, facts)
        p = Rebuilder._reach_parts(sa.and_(counted, facts.c.reporting != "cumulative"), facts).c
        programme = p.programme_id if cells else sa.literal(NONE, sa.String).label("programme_id")
        keys = (p.indicator, p.reach, programme, p.city_id, p.country, p.period_end)
        rows = self.run(sa.select(*keys, sa.func.sum(p.part), sa.func.sum(sa.case((p.part > 0, 1), else_=0)))
                        .where(p.part != 0).group_by(*(k for k in keys if k is not programme or cells)))
        grouped = {(plan.id, *r[:6]): (int(r[6]), int(r[7])) for r in rows}
        # cumulative series: their growth per period end as it stood then, as rebuild_plan adds it
        for (indicator, reach, programme_id, *rest), (value, n) in Rebuilder.cumulative_cells(self, plan,
                                                                                            facts).items():
            key = (plan.id, indicator, reach, programme_id if cells else NONE, *rest)
            was = grouped.get(key, (0, 0))
            grouped[key] = (was[0] + value, was[1] + n)
        totals, cities = roll_up(grouped)
        return ([k[1:] + v for k, v in totals.items() if v != (0, 0)],
                [k[1:] + (n,) for k, n in cities.items() if n != 0],
                [k[1:] + v for k, v in grouped.items()] if cells else [])

    def programmes(self) -> dict[str, ProgrammeDim]:
        return {p.programme_id: from_row(ProgrammeDim, p, themes=tuple(p.themes or ()),
                                         sdg_goals=tuple(p.sdg_goals or ()), countries=tuple(p.countries or ()))
                for p in self.run(sa.select(m.metric_programmes))}

    def applications_under_review(self) -> list[Application]:
        t = m.metric_applications
        return [from_row(Application, a, targets=tuple(tuple(x) for x in a.targets))
                for a in self.run(sa.select(t).where(t.c.status == "under_review"))]

    def lock_published(self, plan_id: str) -> sa.Row:
        """The plan's publishing row, locked (step 4 of the lock order, in its own transaction)."""
        t = m.metric_published
        self.claim(t, ("plan_id",), {"plan_id": plan_id, "revision": 0, "body_hash": "", "published_at": None})
        return self.held(t, plan_id)

    def published_revision(self, plan_id: str) -> int:
        t = m.metric_published
        return int(self.run(sa.select(t.c.revision).where(t.c.plan_id == plan_id)).scalar() or 0)

    def set_published(self, plan_id: str, revision: int, body_hash: str) -> None:
        t = m.metric_published
        self.run(t.update().where(t.c.plan_id == plan_id)
                 .values(revision=revision, body_hash=body_hash, published_at=utcnow()))
