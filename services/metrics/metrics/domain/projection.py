"""Projection maths: share of a target, the least-squares trend (exact rationals) and the status
of a target at a date."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from metrics.domain.numbers import VALUE_SCALE
from metrics.domain.plan import Figure, Plan

AT_RISK_SHARE = Fraction(8, 10)   # projected >= 80% of the target at the deadline: at_risk
STATUS_ORDER = ("achieved", "on_track", "at_risk", "off_track")


def round_int(x: Fraction) -> int:
    """Nearest whole number, ties to even (exact: Fraction's own rounding)."""
    return round(x)


def unit_of(figure: Figure) -> int:
    return VALUE_SCALE if figure.measure == "sum" else 1


def met(figure: Figure, value: Fraction | int) -> bool:
    return figure.needed is not None and value >= figure.needed


def share(figure: Figure, value: int) -> str | None:
    """Share of the target achieved, 0..1+, to six places (banker's rounding); more than 60
    counts against 61, the first value that meets it."""
    if figure.needed is None:
        return None
    ratio = Decimal(value) / Decimal(unit_of(figure)) / Decimal(figure.needed)
    return str(ratio.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN))


def trend(points: list[tuple[int, Fraction]]) -> tuple[Fraction, Fraction] | None:
    """Least-squares line y = a + b x through the points (exact rationals); None for < 2 x values."""
    xs = {x for x, _ in points}
    if len(xs) < 2:
        return None
    n = len(points)
    mx = Fraction(sum(x for x, _ in points), n)
    my = Fraction(sum(y for _, y in points), n)
    sxx = sum(((x - mx) ** 2 for x, _ in points), Fraction(0))
    sxy = sum(((x - mx) * (y - my) for x, y in points), Fraction(0))
    b = sxy / sxx
    return my - b * mx, b


def _decimal(x: Fraction) -> Decimal:
    return Decimal(x.numerator) / Decimal(x.denominator)


def projection(plan: Plan, figure: Figure, points: list[tuple[date, int]], today: date) -> dict[str, Any]:
    """Status of a target at `today` from the series of its figure:

    - the trend is the least-squares line through (plan start, 0), each (period end, cumulative
      value) up to today, and (today, current value): a figure that stops growing flattens its trend;
    - projected_at_deadline: the trend at the deadline, never below the current value (after the
      deadline: the value at the deadline);
    - achieved when the value meets the target; after the deadline otherwise off_track; else on_track
      when the projection meets the target, at_risk when it reaches AT_RISK_SHARE of it, off_track;
    - reached_on: the period end at which the target was met; projected_reached_on: when the trend
      meets it (null if the trend does not grow)."""
    unit = unit_of(figure)
    upto = [(d, v) for d, v in points if d <= today]
    current = upto[-1][1] if upto else 0
    at_deadline = [(d, v) for d, v in points if d <= plan.deadline]
    value_at_deadline = at_deadline[-1][1] if at_deadline else 0
    pts = [(0, Fraction(0))] + [((d - plan.start).days, Fraction(v, unit)) for d, v in upto]
    x_today = (today - plan.start).days
    if today > plan.start and (not upto or upto[-1][0] < today):
        pts.append((x_today, Fraction(current, unit)))
    line = trend(pts)
    x_deadline = (plan.deadline - plan.start).days
    if today > plan.deadline:
        projected = Fraction(value_at_deadline, unit)
    elif line is None:
        projected = Fraction(current, unit)
    else:
        projected = max(line[0] + line[1] * x_deadline, Fraction(current, unit))
    out: dict[str, Any] = {
        "projected_at_deadline": round_int(projected),
        "slope_per_year": str(_decimal(line[1] * 365).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))
        if line else None,
        "status": None, "reached_on": None, "projected_reached_on": None}
    if figure.needed is None:
        return out
    needed = figure.needed
    reached = next((d for d, v in points if Fraction(v, unit) >= needed), None)
    if met(figure, Fraction(current, unit)):
        status = "achieved"
        out["reached_on"] = next((d for d, v in upto if Fraction(v, unit) >= needed), None)
    elif today > plan.deadline:
        status = "off_track"
    elif projected >= needed:
        status = "on_track"
    elif projected >= AT_RISK_SHARE * needed:
        status = "at_risk"
    else:
        status = "off_track"
    out["status"] = status
    if status != "achieved" and line is not None and line[1] > 0 and reached is None:
        days = (Fraction(needed) - line[0]) / line[1]
        days_up = max(int(_decimal(days).to_integral_value(ROUND_CEILING)), x_today)
        if days_up <= x_deadline + 36_525:   # beyond a century after the deadline: never, in effect
            out["projected_reached_on"] = plan.start + timedelta(days=days_up)
    return out


def overall_status(statuses: list[str | None]) -> str:
    known = [s for s in statuses if s]
    if not known:
        return "achieved"
    return max(known, key=STATUS_ORDER.index)
