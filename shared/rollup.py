"""Roll-up rules of indicators: how approved values of one indicator add up over periods, cities
and the programme hierarchy. One rule, used by programmes' totals, metrics and the IATI export.

An indicator has a kind (unit: a count or amount; percentage: numerator over denominator;
qualitative: a score), a reporting mode (per_period: what happened in that period alone;
cumulative: everything so far) and a roll-up rule (sum, latest, max). A series is what reports
one running figure (a programme in a city): within a series, per-period values of a `sum`
indicator add up and a cumulative one counts its latest value only (never added across
periods); series then combine by the rule. Percentages add numerators and denominators and
divide at the end: never an average of percentages.

Years: a period within one calendar year counts in it. An irregular period (across years, e.g.
18 months) counts by the rule the plan states (YEAR_RULES): in the year it ends (`period_end`,
the default), in the year it starts (`period_start`), or `pro_rata`: a summed value split
across its years by days, exact to the platform's four places (shared.apportion); a `latest`
or `max` figure is a level, not a quantity, so pro rata it counts whole in each year covered."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shared.apportion import split

KINDS = ("unit", "percentage", "qualitative")
REPORTING = ("per_period", "cumulative")
RULES = ("sum", "latest", "max")
DEFAULT_RULE = {"unit": "sum", "percentage": "sum", "qualitative": "latest"}
YEAR_RULES = ("period_end", "period_start", "pro_rata")
ALLOWED_RULES = {"unit": RULES, "percentage": ("sum", "latest"), "qualitative": ("latest", "max")}
HUNDRED = Decimal(100)
Parts = dict[tuple[str, str], Decimal]   # (dimension, category) -> value


def rule_errors(kind: str, reporting: str, rollup: str | None, prefix: str = "") -> dict[str, list[str]]:
    """What is wrong with this combination, by field ({} if nothing)."""
    if rollup is not None and rollup not in ALLOWED_RULES[kind]:
        return {f"{prefix}rollup": [f"a {kind} indicator rolls up by {' or '.join(ALLOWED_RULES[kind])}, "
                                    f"not {rollup}" + (" (a score is never added)" if kind == "qualitative"
                                                       else "")]}
    if kind == "qualitative" and reporting == "cumulative":
        return {f"{prefix}reporting": ["a score is per period: it cannot be cumulative"]}
    return {}


@dataclass(frozen=True)
class Semantics:
    kind: str = "unit"
    reporting: str = "per_period"
    rollup: str = "sum"

    @classmethod
    def of(cls, kind: str, reporting: str | None = None, rollup: str | None = None) -> Semantics:
        """Defaults: per_period, and the kind's default rule."""
        return cls(kind, reporting or "per_period", rollup or DEFAULT_RULE[kind])


@dataclass(frozen=True)
class Observation:
    series: tuple[str, ...]        # e.g. (programme id, city id)
    end: date                      # end of the reported period
    value: Decimal
    numerator: Decimal | None = None    # percentages; without them a value weighs as value/100
    denominator: Decimal | None = None
    parts: Parts = field(default_factory=dict)
    start: date | None = None      # start of the period (None: counts in the year of `end`)
    year_rule: str = "period_end"  # YEAR_RULES: how the period counts if it spans years

    def irregular(self) -> bool:
        return self.start is not None and self.start.year != self.end.year


@dataclass(frozen=True)
class Figure:
    """A rolled-up figure: for `sum`, the sum of values (percentage: of numerators and
    denominators); for `latest`/`max`, the chosen value. `end`: latest period end counted."""
    amount: Decimal = Decimal(0)
    denominator: Decimal = Decimal(0)
    parts: Parts = field(default_factory=dict)
    end: date | None = None          # None: nothing reported

    def value(self, sem: Semantics) -> Decimal | None:
        if self.end is None:
            return None
        if sem.kind == "percentage" and sem.rollup == "sum":
            return self.amount * HUNDRED / self.denominator if self.denominator else None
        return self.amount


def _from(o: Observation, sem: Semantics) -> Figure:
    if sem.kind == "percentage" and sem.rollup == "sum":
        if o.denominator:
            return Figure(o.numerator or Decimal(0), o.denominator, {}, o.end)
        return Figure(o.value, HUNDRED, {}, o.end)
    return Figure(o.value, Decimal(0), dict(o.parts) if sem.kind == "unit" else {}, o.end)


def _add(a: Figure, b: Figure, sign: int = 1) -> Figure:
    parts = dict(a.parts)
    for k, v in b.parts.items():
        parts[k] = parts.get(k, Decimal(0)) + sign * v
    ends = [e for e in (a.end, b.end) if e is not None]
    return Figure(a.amount + sign * b.amount, a.denominator + sign * b.denominator,
                  {k: v for k, v in parts.items() if v}, max(ends) if ends else None)


def combine(figures: Iterable[Figure], sem: Semantics) -> Figure:
    """Figures of separate series (or of child programmes) into one, by the rule."""
    out = Figure()
    for f in figures:
        if f.end is None:
            continue
        if sem.rollup == "sum":
            out = _add(out, f)
        elif out.end is None or _key(f, sem) > _key(out, sem):
            out = f
    return out


def _latest(f: Figure) -> tuple[object, ...]:
    # the latest period end, equal ends the higher value; a tie left after that is decided by
    # the parts, so a figure's parts never depend on the order its reports came in
    return (f.end, f.amount, sorted(f.parts.items()))


def _key(f: Figure, sem: Semantics) -> tuple[object, ...]:
    # latest: see _latest; max: the higher value, then as latest
    return _latest(f) if sem.rollup == "latest" else (f.amount, f.end, sorted(f.parts.items()))


def _series_figure(observations: list[Observation], sem: Semantics) -> Figure:
    figures = [_from(o, sem) for o in observations]
    if sem.rollup == "sum" and sem.reporting == "cumulative":   # the latest value to date, only
        return max(figures, key=_latest, default=Figure())
    out = Figure()
    for f in figures:
        out = combine([out, f], sem)
    return out


def _by_series(observations: Iterable[Observation]) -> dict[tuple[str, ...], list[Observation]]:
    out: dict[tuple[str, ...], list[Observation]] = {}
    for o in observations:
        out.setdefault(o.series, []).append(o)
    return out


def total(observations: Iterable[Observation], sem: Semantics, *, upto: date | None = None) -> Figure:
    """The figure over the whole span (periods ending on or before `upto`, if given)."""
    kept = [o for o in observations if upto is None or o.end <= upto]
    return combine((_series_figure(obs, sem) for obs in _by_series(kept).values()), sem)


def in_year(observations: Iterable[Observation], sem: Semantics, year: int) -> Figure:
    """The figure of one calendar year: what each value adds to the year by its period's rule; for a
    cumulative `sum` indicator, each series' growth over the year (each value less the series'
    previous one counts where its period counts), so the years add up to the total."""
    return combine((f for y, f in _counted(observations, sem) if y == year), sem)


def _counted(observations: Iterable[Observation], sem: Semantics) -> Iterator[tuple[int, Figure]]:
    """(year, figure) pieces: what each value (a cumulative sum: each growth) adds to which year."""
    if not (sem.rollup == "sum" and sem.reporting == "cumulative"):
        for o in observations:
            yield from _pieces(o, _from(o, sem), sem)
        return
    for obs in _by_series(observations).values():
        previous = Figure()
        for o, figure in sorted(((o, _from(o, sem)) for o in obs), key=lambda pair: _latest(pair[1])):
            yield from _pieces(o, _add(figure, previous, -1), sem)
            previous = figure


def _pieces(o: Observation, figure: Figure, sem: Semantics) -> Iterator[tuple[int, Figure]]:
    spans = _spans(o)
    if len(spans) == 1:
        yield spans[0][0], figure
    elif sem.rollup != "sum":
        yield from ((y, figure) for y, _ in spans)
    else:
        weights = [days for _, days in spans]
        amounts, denominators = split(figure.amount, weights), split(figure.denominator, weights)
        parts = {k: split(v, weights) for k, v in figure.parts.items()}
        for i, (y, _) in enumerate(spans):
            yield y, Figure(amounts[i], denominators[i], {k: v[i] for k, v in parts.items() if v[i]},
                            min(date(y, 12, 31), o.end))


def _spans(o: Observation) -> list[tuple[int, int]]:
    """(year, days) the period counts in, by its rule: one year, or pro rata each year it covers."""
    if o.start is None or not o.irregular() or o.year_rule == "period_end":
        return [(o.end.year, 1)]
    if o.year_rule == "period_start":
        return [(o.start.year, 1)]
    return [(y, (min(date(y, 12, 31), o.end) - max(date(y, 1, 1), o.start)).days + 1)
            for y in range(o.start.year, o.end.year + 1)]


def years(observations: Iterable[Observation]) -> list[int]:
    """The years values count in (by each period's rule)."""
    return sorted({y for o in observations for y, _ in _spans(o)})


def achievement(actual: Decimal | None, target: Decimal | None) -> Decimal | None:
    """Actual as a percentage of the target, above 100 when over-achieved (one decimal)."""
    if actual is None or not target:
        return None
    return (actual * HUNDRED / target).quantize(Decimal("0.1"))
