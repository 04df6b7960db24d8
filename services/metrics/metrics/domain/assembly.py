"""Assembly: the API bodies of the headline progress, the history and the pipeline (what-if)
from a `Snapshot` of one plan's aggregates. Breakdowns are in `metrics.domain.breakdown`."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from typing import Any

from metrics.domain.links import figure_link
from metrics.domain.money import money_entry, money_figures, money_rows
from metrics.domain.numbers import VALUE_SCALE, iso, money_out, timestamp, value_out
from metrics.domain.plan import Figure, Plan
from metrics.domain.projection import met, overall_status, projection, share, unit_of
from metrics.domain.snapshot import CityRow, Snapshot, TotalRow, figure_value, series

Body = dict[str, Any]


def people_figure(plan: Plan) -> Figure | None:
    return next((f for f in plan.figures if f.measure == "sum" and f.target is not None),
                next((f for f in plan.figures if f.measure == "sum"), None))


def _figure_body(plan: Plan, figure: Figure, snap: Snapshot, today: date) -> Body:
    value = figure_value(plan, figure, snap)
    body: Body = {"code": figure.code, "title": figure.title, "indicator": figure.indicator,
                  "measure": figure.measure,
                  "value": value_out(value["value"]) if figure.measure == "sum" else value["value"]}
    if figure.measure == "sum":
        body["direct"], body["indirect"] = value_out(value["direct"]), value_out(value["indirect"])
    if figure.target is not None:
        proj = projection(plan, figure, series(plan, figure, snap), today)
        body.update({
            "comparison": figure.target["comparison"], "target": figure.target["value"],
            "share": share(figure, value["value"]),
            "achieved": met(figure, Fraction(value["value"], unit_of(figure))),
            "status": proj["status"], "projected_at_deadline": proj["projected_at_deadline"],
            "reached_on": iso(proj["reached_on"]), "projected_reached_on": iso(proj["projected_reached_on"]),
        })
    return body


def progress(plan: Plan, snap: Snapshot, *, today: date, as_of: date | None, revision: int = 0) -> Body:
    """The body of GET /v1/objective/progress (and of objective.progress_changed)."""
    snap = snap.as_of(as_of)
    figures = [_figure_body(plan, f, snap, today) for f in plan.figures]
    targets = [f for f in figures if "target" in f]
    money = money_rows(plan, snap)
    people = people_figure(plan)
    people_value = figure_value(plan, people, snap)["value"] if people else 0
    by_currency = money_figures(money)
    return {
        "plan_id": plan.id, "plan_title": plan.title, "objective": plan.statement,
        "period": {"start": plan.start.isoformat(), "end": plan.end.isoformat()},
        "deadline": plan.deadline.isoformat(), "as_of": iso(as_of), "today": today.isoformat(),
        "days_to_deadline": (plan.deadline - today).days,
        "status": overall_status([t["status"] for t in targets]),
        "achieved": all(t["achieved"] for t in targets),
        "targets": targets,
        "figures": {f["code"]: {k: f[k] for k in ("value", "direct", "indirect") if k in f} for f in figures},
        "money": {"committed": [{"currency": c, "amount": money_out(acc["committed"])}
                                for (c,), acc in sorted(by_currency.items()) if acc["committed"]]},
        "funds": [money_entry(c, acc, people=people_value) for (c,), acc in sorted(by_currency.items())],
        "updated_at": timestamp(snap.updated_at), "revision": revision,
        # the drill-down: the approved results behind each figure (docs/metrics.md, "Drill-down")
        "links": {f.code: figure_link(plan.id, f.code, as_of) for f in plan.figures},
    }


def history(plan: Plan, snap: Snapshot, *, today: date, as_of: date | None) -> Body:
    """The series of every figure by result period end, and each target's projection."""
    snap = snap.as_of(as_of)
    out = []
    for figure in plan.figures:
        points = series(plan, figure, snap)
        fmt: Callable[[int], int | str] = value_out if figure.measure == "sum" else int
        entry: Body = {"code": figure.code, "title": figure.title, "measure": figure.measure,
                       "target": figure.target["value"] if figure.target else None,
                       # each point links to the results behind it: periods ended by its date
                       "series": [{"period_end": d.isoformat(), "value": fmt(v), "added": fmt(v - prev),
                                   "link": figure_link(plan.id, figure.code, as_of, through=d)}
                                  for (d, v), prev in zip(points, [0] + [p[1] for p in points], strict=False)]}
        proj = projection(plan, figure, points, today)
        entry["projection"] = {"method": "least_squares_linear", "deadline": plan.deadline.isoformat(),
                               "projected_at_deadline": proj["projected_at_deadline"],
                               "slope_per_year": proj["slope_per_year"], "status": proj["status"],
                               "reached_on": iso(proj["reached_on"]),
                               "projected_reached_on": iso(proj["projected_reached_on"])}
        out.append(entry)
    return {"plan_id": plan.id, "as_of": iso(as_of), "today": today.isoformat(), "figures": out,
            "updated_at": timestamp(snap.updated_at)}


def _city_ref(snap: Snapshot, name: str, country: str) -> str:
    wanted = (name.strip().casefold(), country)
    for city_id, (city_name, city_country) in snap.city_names.items():
        if (city_name.strip().casefold(), city_country) == wanted:
            return city_id
    return f"{country}:{name.strip()}"


def pipeline(plan: Plan, snap: Snapshot, *, today: date, as_of: date | None) -> Body:
    """What-if: the figures if every application now under review were awarded and its programme
    delivered the targets it claims (added as direct reach, in the application's city and country)."""
    snap = snap.as_of(as_of)
    apps = sorted(snap.applications, key=lambda a: a.application_id)
    extra_totals: list[TotalRow] = []
    extra_cities: list[CityRow] = []
    for a in apps:
        for indicator, value in a.targets:
            if indicator in plan.indicators:
                extra_totals.append((indicator, "direct", today, value * VALUE_SCALE, 1 if value > 0 else 0))
                if value > 0:
                    extra_cities.append((indicator, _city_ref(snap, a.city, a.country), a.country, today, 1))
    what_if = Snapshot(snap.totals + extra_totals, snap.cities + extra_cities)
    figures = []
    for figure in plan.figures:
        now = figure_value(plan, figure, snap)["value"]
        then = figure_value(plan, figure, what_if)["value"]
        fmt: Callable[[int], int | str] = value_out if figure.measure == "sum" else int
        entry: Body = {"code": figure.code, "title": figure.title, "current": fmt(now), "pipeline": fmt(then - now),
                       "with_pipeline": fmt(then)}
        if figure.target is not None:
            entry.update({"target": figure.target["value"], "share": share(figure, now),
                          "share_with_pipeline": share(figure, then),
                          "achieved_with_pipeline": met(figure, Fraction(then, unit_of(figure)))})
        figures.append(entry)
    requested: dict[str, int] = {}
    for a in apps:
        requested[a.currency] = requested.get(a.currency, 0) + a.amount_requested
    return {"plan_id": plan.id, "as_of": iso(as_of), "today": today.isoformat(),
            "applications_under_review": len(apps),
            "requested": [{"currency": c, "amount": money_out(v)} for c, v in sorted(requested.items())],
            "figures": figures, "updated_at": timestamp(snap.updated_at)}


def body_hash(body: Body) -> str:
    """Hash of a progress body without its revision: equal hashes, same state."""
    stripped = {k: v for k, v in body.items() if k != "revision"}
    return hashlib.sha256(json.dumps(stripped, sort_keys=True, default=str).encode()).hexdigest()
