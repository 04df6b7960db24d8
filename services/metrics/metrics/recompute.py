"""Full recomputation from the source services' state. Pure.

`SourceState` (metrics.domain.state) is what programmes and grants hold: each result's current
approved value (the version that replaced all earlier ones), each programme as it is now, every
money transaction once, each application in its current status. `fold(events)` builds it from
the producers' event histories in their commit order (their outboxes), through the registry
(`metrics.registry.fold`), where the last word on a key is the truth; `snapshot(plan, state)`
computes, by straightforward grouping, the aggregates the incremental projection keeps, so that
the two can be compared (reconcile, the property-based test) and rendered by the same assembly
functions."""
from __future__ import annotations

from metrics import domain
from metrics.domain import NONE, Plan, ProgrammeDim, Snapshot, SourceState
from metrics.registry import fold


def programmes_with_placeholders(state: SourceState) -> dict[str, ProgrammeDim]:
    """Programmes as the projection knows them: a programme known only from its results rolls
    up to the parent its results name."""
    out = dict(state.programmes)
    parents: dict = {}
    for fact in state.results.values():
        if fact.programme_id not in out:
            parents.setdefault(fact.programme_id, set()).add(fact.parent_id)
    for pid, candidates in parents.items():
        named = sorted(p for p in candidates if p is not None)
        out[pid] = ProgrammeDim(pid, 0, named[0] if named else None, None, None)
    return out


def snapshot(plan: Plan, state: SourceState) -> Snapshot:
    """The aggregates of one plan, recomputed from scratch."""
    cells: dict = {}
    for fact in state.results.values():
        if plan.counts(fact):
            for key, (part, positive) in domain.contributions(fact).items():
                v, n = cells.get(key, (0, 0))
                cells[key] = (v + part, n + positive)
    totals: dict = {}
    cities: dict = {}
    for cell, (v, n) in cells.items():
        tk = domain.totals_key(cell)
        tv, tn = totals.get(tk, (0, 0))
        totals[tk] = (tv + v, tn + n)
        ck = domain.city_key(cell)
        cities[ck] = cities.get(ck, 0) + n
    money: dict = {}
    for txn in state.money.values():
        if txn.amount:
            money[txn.cell] = money.get(txn.cell, 0) + txn.amount
    return Snapshot(
        totals=[k + v for k, v in totals.items() if v != (0, 0)],
        cities=[k + (n,) for k, n in cities.items() if n != 0],
        money=[k + (a,) for k, a in money.items() if a != 0],
        applications=[a for a in state.applications.values() if a.status == "under_review"],
        cells=[k + v for k, v in cells.items() if v != (0, 0)],
        programmes=programmes_with_placeholders(state),
        city_names=dict(state.cities),
        funds=dict(state.funds),
    )


__all__ = ["SourceState", "fold", "snapshot", "NONE"]
