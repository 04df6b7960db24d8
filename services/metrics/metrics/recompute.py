"""Full recomputation from the source services' state. Pure.

`SourceState` is what programmes and grants hold: each result's current approved value (the
version that replaced all earlier ones), each programme as it is now, every money transaction
once, each application in its current status. `fold(events)` builds it from the producers'
event histories in their commit order (their outboxes), where the last word on a key is the
truth; `snapshot(plan, state)` computes, by straightforward grouping, the aggregates the
incremental projection keeps, so that the two can be compared (reconcile, the property-based
test) and rendered by the same assembly functions."""
from __future__ import annotations

from dataclasses import dataclass, field

from metrics import domain
from metrics.domain import NONE, ProgrammeDim, Snapshot


@dataclass
class SourceState:
    results: dict = field(default_factory=dict)        # result_id -> ResultFact (current approved version)
    programmes: dict = field(default_factory=dict)     # programme_id -> ProgrammeDim
    money: dict = field(default_factory=dict)          # (kind, txn_id) -> MoneyTxn
    applications: dict = field(default_factory=dict)   # application_id -> Application (current status)
    funds: dict = field(default_factory=dict)          # fund_id -> {"name", "window", "currency"}
    cities: dict = field(default_factory=dict)         # city_id -> (name, country)

    def add_result(self, fact) -> None:
        self.results[fact.result_id] = fact
        self.cities.setdefault(fact.city_id, (fact.city_name, fact.country))


PROGRAMME_EVENTS = ("programme.created", "programme.updated", "programme.status_changed", "programme.city_added")
RESULT_EVENTS = ("result.approved", "result.revised", "result.recorded")
MONEY_EVENTS = ("contribution.received", "grant.committed", "grant.awarded", "tranche.disbursed", "grant.closed",
                "grant.cancelled")
APPLICATION_EVENTS = tuple(domain.APPLICATION_RANK)


def fold(events) -> SourceState:
    """State from (event_type, payload) pairs in each producer's commit order: the last
    approved value of a result, the last state of a programme and of an application win; a
    money transaction counts once."""
    state = SourceState()
    for event_type, payload in events:
        if event_type in RESULT_EVENTS:
            state.add_result(domain.result_from_event(event_type, payload))
        elif event_type in PROGRAMME_EVENTS:
            state.programmes[payload["programme_id"]] = domain.programme_from_event(event_type, payload)
        elif event_type in MONEY_EVENTS:
            txn = domain.money_from_event(event_type, payload)
            state.money.setdefault((txn.kind, txn.txn_id), txn)
        elif event_type in APPLICATION_EVENTS:
            state.applications[payload["application_id"]] = domain.application_from_event(event_type, payload)
        elif event_type == "fund.created":
            state.funds[payload["fund_id"]] = {"name": payload["name"], "window": payload["window"],
                                               "currency": payload["currency"]}
    return state


def programmes_with_placeholders(state: SourceState) -> dict:
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


def snapshot(plan, state: SourceState) -> Snapshot:
    """The aggregates of one plan, recomputed from scratch."""
    cells: dict = {}
    for fact in state.results.values():
        if plan.counts(fact):
            key = domain.cell_key(fact)
            v, n = cells.get(key, (0, 0))
            cells[key] = (v + fact.value, n + (1 if fact.value > 0 else 0))
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
