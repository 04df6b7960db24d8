"""Donor attribution: each contributor to a pooled fund is credited with the share of a plan's
results that its money financed, exactly, with the path of every figure. Pure.

The rule (docs/metrics.md, "Donor attribution"), as of a date:
- a programme's results (the plan's summed figures) are attributed to the grants that financed
  it in proportion to the money each grant **disbursed** to it; a programme with no disbursement
  takes its parent's grants; results of a programme financed by funds of several currencies, or by
  none, are unattributed (with the reason);
- a grant's part goes to the contributors of its fund in proportion to what each contributed
  (receipts, in the fund's currency at the grants service's declared rate);
- the exact shares are fractions; each programme's value is split into whole units of 10^-4
  by the largest remainder (ties to the first path in (fund, grant, contributor) order), so the
  credited parts of a programme add up to its value and the contributors' totals plus the
  unattributed add up to the plan's figure exactly."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from metrics.domain.facts import MoneyTxn
from metrics.domain.links import figure_link
from metrics.domain.numbers import NONE, iso, money_out, timestamp, value_out
from metrics.domain.plan import Plan
from metrics.domain.snapshot import Snapshot
from shared.apportion import apportion

Amounts = dict[str, int]   # key -> cents


@dataclass(frozen=True)
class Leaf:
    contributor: str | None   # None: a fund without receipts (its part stays unattributed)
    fund_id: str
    grant_id: str
    funded: str               # the programme the grant finances (the reporting one or its parent)
    share: Fraction           # of the reporting programme's results
    grant_share: Fraction
    contributor_share: Fraction


def _money(txns: Iterable[MoneyTxn], as_of: date | None) -> tuple[dict[str, Amounts], dict[str, Amounts],
                                                                    dict[str, str]]:
    """(disbursed per programme per (fund, grant), received per fund per contributor, fund currencies)."""
    disbursed: dict[str, Amounts] = {}
    received: dict[str, Amounts] = {}
    currency: dict[str, str] = {}
    for t in txns:
        if (as_of is not None and t.day > as_of) or t.amount == 0:
            continue
        if t.kind == "disbursed" and t.programme_id != NONE:
            per = disbursed.setdefault(t.programme_id, {})
            per[f"{t.fund_id}\n{t.grant_id}"] = per.get(f"{t.fund_id}\n{t.grant_id}", 0) + t.amount
        elif t.kind == "received":
            per = received.setdefault(t.fund_id, {})
            per[t.contributor] = per.get(t.contributor, 0) + t.amount
        else:
            continue
        currency[t.fund_id] = t.currency
    return disbursed, received, currency


def _leaves(funded: str, grants: Amounts, received: dict[str, Amounts]) -> list[Leaf]:
    total = sum(grants.values())
    leaves = []
    for key in sorted(grants):
        fund, grant = key.split("\n")
        grant_share = Fraction(grants[key], total)
        contributions = received.get(fund, {})
        fund_total = sum(contributions.values())
        if not fund_total:
            leaves.append(Leaf(None, fund, grant, funded, grant_share, grant_share, Fraction(0)))
        for contributor in sorted(contributions):
            share = Fraction(contributions[contributor], fund_total)
            leaves.append(Leaf(contributor, fund, grant, funded, grant_share * share, grant_share, share))
    return leaves


def _results(plan: Plan, snap: Snapshot) -> dict[str, dict[str, int]]:
    """{programme: {figure: scaled value}} of the plan's summed figures."""
    figures = [f for f in plan.figures if f.measure == "sum"]
    out: dict[str, dict[str, int]] = {}
    for ind, _reach, programme, _city, _country, _day, v, _n in snap.cells:
        for f in figures:
            if plan.matches(f, ind):
                per = out.setdefault(programme, {g.code: 0 for g in figures})
                per[f.code] += v
    return {p: v for p, v in out.items() if any(v.values())}


def attribution(plan: Plan, snap: Snapshot, txns: Iterable[MoneyTxn], *, today: date,
                as_of: date | None) -> dict[str, Any]:
    """The plan's summed figures by contributor, each with its paths, and what is unattributed."""
    snap = snap.as_of(as_of)
    disbursed, received, currency = _money(txns, as_of)
    codes = [f.code for f in plan.figures if f.measure == "sum"]
    zero = {c: 0 for c in codes}
    totals = {"total": dict(zero), "attributed": dict(zero), "unattributed": dict(zero)}
    items: dict[str, dict[str, Any]] = {}
    unattributed: list[dict[str, Any]] = []
    for programme, values in sorted(_results(plan, snap).items()):
        parent = (dim.parent_id if (dim := snap.programmes.get(programme)) else None) or NONE
        funded = programme if programme in disbursed else parent if parent in disbursed else None
        grants = disbursed.get(funded or NONE, {})
        currencies = {currency[k.split("\n")[0]] for k in grants}
        reason = ("no grant disbursed to the programme or its parent" if not grants else
                  "financed in several currencies: " + ", ".join(sorted(currencies)) if len(currencies) > 1 else None)
        for c in codes:
            totals["total"][c] += values[c]
        if reason:
            unattributed.append(_unattributed(snap, programme, reason, values, codes))
            continue
        assert funded is not None
        leaves = _leaves(funded, grants, received)
        credited = {c: apportion(values[c], [leaf.share for leaf in leaves]) for c in codes}
        for i, leaf in enumerate(leaves):
            part = {c: credited[c][i] for c in codes}
            if leaf.contributor is None:
                unattributed.append(_unattributed(snap, programme, f"fund {leaf.fund_id} has no receipts",
                                                  part, codes, leaf.grant_id))
                continue
            item = items.setdefault(leaf.contributor, {"contributor": leaf.contributor, "figures": dict(zero),
                                                       "paths": []})
            for c in codes:
                item["figures"][c] += part[c]
                totals["attributed"][c] += part[c]
            item["paths"].append(_path(snap, leaf, programme, values, part, codes,
                                       received[leaf.fund_id], grants, currency[leaf.fund_id]))
    for entry in unattributed:
        for c in codes:
            totals["unattributed"][c] += entry["scaled"].pop(c)
        del entry["scaled"]
    for name, item in items.items():   # each credit links to the results of the programmes it is a share of
        item["figures"] = {c: value_out(v) for c, v in item["figures"].items()}
        item["links"] = {c: figure_link(plan.id, c, as_of, contributor=name) for c in codes}
    return {"plan_id": plan.id, "as_of": iso(as_of), "today": today.isoformat(), "money": "disbursed",
            "figures": codes, **{k: {c: value_out(v) for c, v in t.items()} for k, t in totals.items()},
            "items": [items[c] for c in sorted(items)], "unattributed_programmes": unattributed,
            "updated_at": timestamp(snap.updated_at)}


def _unattributed(snap: Snapshot, programme: str, reason: str, part: dict[str, int], codes: list[str],
                  grant_id: str | None = None) -> dict[str, Any]:
    dim = snap.programmes.get(programme)
    return {"programme_id": programme, "programme_title": dim.title if dim else None, "grant_id": grant_id,
            "reason": reason, "figures": {c: value_out(part[c]) for c in codes}, "scaled": dict(part)}


def _path(snap: Snapshot, leaf: Leaf, programme: str, values: dict[str, int], part: dict[str, int],
          codes: list[str], contributions: Amounts, grants: Amounts, cur: str) -> dict[str, Any]:
    """contributor -> its share of the fund -> the grant's share of the programme -> results."""
    dim = snap.programmes.get(programme)
    return {
        "fund_id": leaf.fund_id, "fund_name": (snap.funds.get(leaf.fund_id) or {}).get("name"),
        "contributed": {"amount": money_out(contributions[leaf.contributor or ""]), "currency": cur},
        "fund_received": {"amount": money_out(sum(contributions.values())), "currency": cur},
        "contributor_share": str(leaf.contributor_share),
        "grant_id": leaf.grant_id, "funded_programme_id": leaf.funded,
        "disbursed": {"amount": money_out(grants[f"{leaf.fund_id}\n{leaf.grant_id}"]), "currency": cur},
        "programme_disbursed": {"amount": money_out(sum(grants.values())), "currency": cur},
        "grant_share": str(leaf.grant_share), "share": str(leaf.share),
        "programme_id": programme, "programme_title": dim.title if dim else None,
        "results": {c: value_out(values[c]) for c in codes}, "credited": {c: value_out(part[c]) for c in codes}}
