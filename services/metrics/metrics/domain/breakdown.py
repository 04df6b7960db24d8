"""Breakdowns: every figure and the money by one dimension (theme, window, country, city, SDG
goal, programme rolled up to its parent, or fund). Programme attributes are applied at read
time from the snapshot's programmes, so they apply to all of a programme's results at once."""
from __future__ import annotations

from datetime import date
from typing import Any

from metrics.domain.links import figure_link
from metrics.domain.money import Group, money_entry, money_figures, money_rows
from metrics.domain.numbers import NONE, iso, timestamp, value_out
from metrics.domain.plan import Plan
from metrics.domain.snapshot import MoneyRow, Snapshot

DIMENSIONS = ("theme", "window", "country", "city", "sdg_goal", "programme", "fund")
Key = str | None


def top_programme(snap: Snapshot, programme_id: str) -> str:
    """The programme a result rolls up to: its parent if it has one, else itself."""
    dim = snap.programmes.get(programme_id)
    return (dim.parent_id or programme_id) if dim is not None else programme_id


def groups_of(dimension: str, snap: Snapshot, programme_id: str, city: str, country: str) -> list[Key]:
    dim = snap.programmes.get(programme_id)
    if dimension == "theme":
        return list(dim.themes) if dim and dim.themes else [None]
    if dimension == "window":
        return [dim.window if dim and dim.window else None]
    if dimension == "sdg_goal":
        return list(dim.sdg_goals) if dim and dim.sdg_goals else [None]
    if dimension == "programme":
        return [top_programme(snap, programme_id)]
    if dimension == "country":
        return [country]
    if dimension == "city":
        return [city]
    return [None]


def _money_group(dimension: str, snap: Snapshot, m: MoneyRow) -> Group:
    _kind, _currency, fund, window, theme, country, programme, _day, _cents = m
    value = {"fund": fund, "window": window, "theme": theme, "country": country,
             "programme": top_programme(snap, programme) if programme else NONE}.get(dimension)
    return (value or None,)


def _figure_groups(plan: Plan, snap: Snapshot, dimension: str) -> dict[Key, dict[str, dict[str, Any]]]:
    """{group: {"sums": {code: [direct, indirect]}, "cities"/"countries": {code: {key: n}}}}."""
    groups: dict[Key, dict[str, dict[str, Any]]] = {}
    for ind, reach, programme, city, country, _day, v, n in snap.cells:
        for g in groups_of(dimension, snap, programme, city, country):
            acc = groups.setdefault(g, {"sums": {}, "cities": {}, "countries": {}})
            for figure in plan.figures:
                if not plan.matches(figure, ind):
                    continue
                if figure.measure == "sum":
                    s = acc["sums"].setdefault(figure.code, [0, 0])
                    s[0 if reach == "direct" else 1] += v
                elif figure.measure == "distinct_cities":
                    c = acc["cities"].setdefault(figure.code, {})
                    c[city] = c.get(city, 0) + n
                else:
                    c = acc["countries"].setdefault(figure.code, {})
                    c[country] = c.get(country, 0) + n
    return groups


def _figures_of(plan: Plan, acc: dict[str, dict[str, Any]]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for figure in plan.figures:
        if figure.measure == "sum":
            direct, indirect = acc["sums"].get(figure.code, [0, 0])
            figures[figure.code] = {"value": value_out(direct + indirect), "direct": value_out(direct),
                                    "indirect": value_out(indirect)}
        else:
            refs = acc["cities" if figure.measure == "distinct_cities" else "countries"].get(figure.code, {})
            figures[figure.code] = {"value": sum(1 for n in refs.values() if n > 0)}
    return figures


def breakdown(plan: Plan, snap: Snapshot, dimension: str, *, today: date, as_of: date | None) -> dict[str, Any]:
    """Every figure by one dimension. A result counts in each theme and SDG goal of its programme
    (so those groups may add up to more than the total); a child programme's results count in its
    parent (roll-up), once. Money by fund, window, theme, country and programme."""
    snap = snap.as_of(as_of)
    groups = _figure_groups(plan, snap, dimension) if dimension != "fund" else {}
    money_groups: dict[Group, dict[str, int]] = {}
    if dimension in ("fund", "window", "theme", "country", "programme"):
        rows = money_rows(plan, snap)
        if dimension not in ("fund", "window"):   # pooled money belongs to a fund, not to a theme or country
            rows = [m for m in rows if m[0] != "received"]
        money_groups = money_figures(rows, lambda m: _money_group(dimension, snap, m))
    keys = set(groups) | {k[0] for k in money_groups}
    items = []
    for key in sorted(keys, key=lambda k: (k is None, k or "")):
        acc: dict[str, dict[str, Any]] = groups.get(key, {"sums": {}, "cities": {}, "countries": {}})
        figures = _figures_of(plan, acc) if dimension != "fund" else {}
        money = [money_entry(cur, m, available=dimension in ("fund", "window"))
                 for (k, cur), m in sorted(money_groups.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
                 if k == key]
        links = {code: figure_link(plan.id, code, as_of, **{dimension: key}) for code in figures}
        items.append({"key": key, "name": _name(plan, snap, dimension, key), "figures": figures, "money": money,
                      "links": links})
    return {"plan_id": plan.id, "dimension": dimension, "as_of": iso(as_of), "today": today.isoformat(),
            "items": items, "updated_at": timestamp(snap.updated_at)}


def _name(plan: Plan, snap: Snapshot, dimension: str, key: Key) -> str | None:
    if key is None:
        return None
    if dimension == "theme":
        return plan.themes.get(key)
    if dimension == "window":
        return plan.windows.get(key)
    if dimension == "programme":
        dim = snap.programmes.get(key)
        return dim.title if dim else None
    if dimension == "city":
        return snap.city_names.get(key, (None, None))[0]
    if dimension == "fund":
        return (snap.funds.get(key) or {}).get("name")
    return key
