"""Applying one fact: keep it at its winning version and move its contribution in the
aggregates. Each `apply_*` returns whether anything changed."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from metrics import domain
from metrics import models as m
from metrics.domain import Application, Fund, MoneyTxn, ProgrammeDim, ResultFact
from metrics.store.sql import CELL_KEYS, CITY_KEYS, MONEY_KEYS, TOTAL_KEYS, Store
from shared.persistence import from_row, to_row


def programme_row(dim: ProgrammeDim) -> dict[str, Any]:
    return to_row(m.metric_programmes, dim, themes=list(dim.themes), sdg_goals=list(dim.sdg_goals),
                  countries=list(dim.countries))


def application_row(app: Application) -> dict[str, Any]:
    return to_row(m.metric_applications, app, targets=[list(x) for x in app.targets])


class FactWriter(Store):
    def apply_result(self, fact: ResultFact) -> bool:
        """Keep the highest version of a result; move its contribution from the version held to
        this one."""
        row = fact.as_row()
        self.claim(m.metric_programmes, ("programme_id",),
                   programme_row(ProgrammeDim(fact.programme_id, 0, fact.parent_id, None, None)))
        self.claim(m.metric_cities, ("city_id",), {"city_id": fact.city_id, "name": fact.city_name,
                                                   "country": fact.country})
        if fact.reporting == "cumulative":   # the series' facts hold still while its growth is computed
            self.held(m.metric_programmes, fact.programme_id)
        self.claim(m.result_facts, ("result_id",), {**row, "version": 0})
        held_row = self.held(m.result_facts, fact.result_id)
        held = from_row(ResultFact, held_row) if held_row.version > 0 else None
        if not domain.newer(fact.version, held.version if held else None):
            return False
        self.update(m.result_facts, "result_id", fact.result_id, {k: v for k, v in row.items() if k != "result_id"})
        self.add_cells(domain.cell_deltas(held, fact, self.plans.values(), self.neighbours(fact.result_id, held, fact)))
        return True

    def neighbours(self, result_id: str, *facts: ResultFact | None) -> list[ResultFact]:
        """The other facts of the series of each cumulative fact (its growth depends on them),
        read under the lock of the programme's row (`apply_result`)."""
        keys = {domain.series_key(f) for f in facts if f is not None and f.reporting == "cumulative"}
        r = m.result_facts.c
        return [from_row(ResultFact, row) for key in sorted(keys) for row in self.run(
            sa.select(m.result_facts).where(r.indicator == key[0], r.programme_id == key[1], r.city_id == key[2],
                                            r.result_id != result_id, r.version > 0))]

    def add_cells(self, deltas: dict[Any, tuple[int, int]]) -> None:
        """Add {(plan, *cell): (value, n)} to the cells, totals and city references, in that order,
        each sorted by key (the lock order)."""
        if not deltas:
            return
        totals, cities = domain.roll_up(deltas)
        self.add(m.metric_cells, CELL_KEYS, [dict(zip(CELL_KEYS, k, strict=True), value=v, n=n)
                                             for k, (v, n) in sorted(deltas.items())], ("value", "n"))
        self.add(m.metric_totals, TOTAL_KEYS, [dict(zip(TOTAL_KEYS, k, strict=True), value=v, n=n)
                                               for k, (v, n) in sorted(totals.items()) if (v, n) != (0, 0)],
                 ("value", "n"))
        self.add(m.metric_city_refs, CITY_KEYS, [dict(zip(CITY_KEYS, k, strict=True), n=n)
                                                 for k, n in sorted(cities.items()) if n != 0], ("n",))

    def apply_programme(self, dim: ProgrammeDim) -> bool:
        return self._keep_newer(m.metric_programmes, "programme_id", programme_row(dim), "version")

    def apply_fund(self, fund: Fund) -> bool:
        self.claim(m.metric_funds, ("fund_id",), to_row(m.metric_funds, fund))
        return True

    def apply_money(self, txn: MoneyTxn) -> bool:
        """A transaction counts once, whichever copy of its event arrives first."""
        claimed = self.claim(m.metric_money_txns, ("kind", "txn_id"), to_row(m.metric_money_txns, txn)).rowcount
        if claimed != 1 or txn.amount == 0:
            return bool(claimed == 1)
        self.add(m.metric_money, MONEY_KEYS, [dict(zip(MONEY_KEYS, txn.cell, strict=True), amount=txn.amount)],
                 ("amount",))
        return True

    def apply_application(self, app: Application) -> bool:
        """A lifecycle step replaces a lower one only (`rank`)."""
        return self._keep_newer(m.metric_applications, "application_id", application_row(app), "rank")

    def _keep_newer(self, table: sa.Table, key: str, values: dict[str, Any], order: str) -> bool:
        """Claim the row (at `order` 0), hold it, and replace it when `values[order]` is higher than
        what is held."""
        self.claim(table, (key,), {**values, order: 0})
        if not domain.newer(values[order], getattr(self.held(table, values[key]), order)):
            return False
        self.update(table, key, values[key], {k: v for k, v in values.items() if k != key})
        return True
