"""Money figures per currency: pooled, committed (net of returns), disbursed, available, and the
cost per person reached. Amounts are integer cents."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from metrics.domain.numbers import MONEY_SCALE, VALUE_SCALE, money_out
from metrics.domain.plan import Plan
from metrics.domain.snapshot import MoneyRow, Snapshot

Group = tuple[Any, ...]


def money_rows(plan: Plan, snap: Snapshot) -> list[MoneyRow]:
    """Money is the funds' (pooled money has no period of its own, and available = pooled -
    committed is a balance): every transaction counts, for every plan; `as_of` keeps those dated
    on or before it."""
    return list(snap.money)


def _no_group(m: MoneyRow) -> Group:
    return ()


def money_figures(rows: Iterable[MoneyRow],
                  key_fn: Callable[[MoneyRow], Group] = _no_group) -> dict[Group, dict[str, int]]:
    """{(group..., currency): {"pooled", "committed", "disbursed"}} in cents; committed is net of
    returns."""
    out: dict[Group, dict[str, int]] = {}
    for m in rows:
        kind, currency, cents = m[0], m[1], m[8]
        key = key_fn(m) + (currency,)
        acc = out.setdefault(key, {"pooled": 0, "committed": 0, "disbursed": 0})
        if kind == "received":
            acc["pooled"] += cents
        elif kind == "committed":
            acc["committed"] += cents
        elif kind == "returned":
            acc["committed"] -= cents
        elif kind == "disbursed":
            acc["disbursed"] += cents
    return out


def money_entry(currency: str, acc: dict[str, int], *, available: bool = True,
                people: int | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "currency": currency, "pooled": money_out(acc["pooled"]) if available else None,
        "committed": money_out(acc["committed"]), "disbursed": money_out(acc["disbursed"]),
        "available": money_out(acc["pooled"] - acc["committed"]) if available else None}
    if people is not None:
        entry["cost_per_person_committed"] = per_person(acc["committed"], people)
        entry["cost_per_person_disbursed"] = per_person(acc["disbursed"], people)
    return entry


def per_person(cents: int, people_scaled: int) -> str | None:
    if people_scaled <= 0:
        return None
    ratio = Decimal(cents) * VALUE_SCALE / MONEY_SCALE / Decimal(people_scaled)
    return str(ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
