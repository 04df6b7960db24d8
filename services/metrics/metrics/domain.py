"""Progress towards a plan's objective. Pure: no framework, no database.

Three layers:

1. Facts: what the events say, normalised (`ResultFact`, `ProgrammeDim`, `MoneyTxn`,
   `Application`), and which version of a fact wins (`newer`).
2. Counting rules: `Plan.counts(fact)` and `cell_deltas(old, new, plans)`: the change a new
   version of a result makes to the aggregate cells of every plan. Aggregates are keyed by
   (plan, indicator, reach, programme, city, country, period end); totals and city
   reference counts are projections of the cells (`totals_key`, `city_key`).
3. Assembly: the API bodies (progress, breakdowns, history, pipeline) from a `Snapshot` of the
   aggregates, whether the snapshot comes from the database (the incremental projection) or from
   `metrics.recompute` (the full recomputation from source records).

Numbers: result values are kept exactly as integers scaled by VALUE_SCALE (4 decimal places),
money as integers of cents (MONEY_SCALE); rounding of inputs beyond that is half-even, the
same in the projection and the recomputation.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from fractions import Fraction

VALUE_SCALE = 10_000
MONEY_SCALE = 100
AT_RISK_SHARE = Fraction(8, 10)   # projected >= 80% of the target at the deadline: at_risk
STATUS_ORDER = ("achieved", "on_track", "at_risk", "off_track")
DIMENSIONS = ("theme", "window", "country", "city", "sdg_goal", "programme", "fund")
NONE = ""   # stored in key columns for "not known" (key columns are NOT NULL)


# --- numbers ------------------------------------------------------------------------------

def scale_value(value) -> int:
    q = Decimal(str(value)).quantize(Decimal(1) / VALUE_SCALE, rounding=ROUND_HALF_EVEN)
    return int(q * VALUE_SCALE)


def scale_money(value) -> int:
    q = Decimal(str(value)).quantize(Decimal(1) / MONEY_SCALE, rounding=ROUND_HALF_EVEN)
    return int(q * MONEY_SCALE)


def value_out(scaled: int):
    """A scaled value for the API: an integer when whole (people are), else a Decimal string."""
    if scaled % VALUE_SCALE == 0:
        return scaled // VALUE_SCALE
    return str((Decimal(scaled) / VALUE_SCALE).normalize())


def money_out(cents: int) -> str:
    return str((Decimal(cents) / MONEY_SCALE).quantize(Decimal("0.01")))


def _round_int(x: Fraction) -> int:
    """Nearest whole number, ties to even (exact: Fraction's own rounding)."""
    return round(x)


def _d(x) -> date:
    if isinstance(x, datetime):
        return x.date()
    if isinstance(x, date):
        return x
    return date.fromisoformat(str(x)[:10])


# --- facts -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResultFact:
    """One version of a result's approved value, with what counting needs."""
    result_id: str
    version: int
    programme_id: str
    parent_id: str | None
    indicator: str
    corporate: bool
    measure: str          # IATI measure word: unit | percentage
    reach: str            # direct | indirect
    city_id: str
    city_name: str
    country: str
    period_start: date
    period_end: date
    value: int            # scaled by VALUE_SCALE

    def as_row(self) -> dict:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


def result_from_event(event_type: str, p: dict) -> ResultFact | None:
    if event_type == "result.recorded":   # deprecated: an approved version 1 of a corporate indicator
        day = _d(p["recorded_at"])
        city = p["city"]
        return ResultFact(p["result_id"], 1, p["programme_id"], None, p["indicator"], True, "unit", "direct",
                          f"{city['country']}:{city['name']}", city["name"], city["country"], day, day,
                          scale_value(p["value"]))
    if event_type in ("result.approved", "result.revised"):
        ind, city, period = p["indicator"], p["city"], p["period"]
        return ResultFact(p["result_id"], p["version"], p["programme_id"], p.get("parent_id"), ind["code"],
                          bool(ind["corporate"]), ind["measure"], ind["reach"], city["id"], city["name"],
                          city["country"], _d(period["start"]), _d(period["end"]), scale_value(p["value"]))
    return None


@dataclass(frozen=True)
class ProgrammeDim:
    programme_id: str
    version: int          # 0: not known yet (a placeholder from one of its results)
    parent_id: str | None
    title: str | None
    window: str | None
    themes: tuple = ()
    sdg_goals: tuple = ()
    countries: tuple = ()
    status: str | None = None


def programme_from_event(event_type: str, p: dict) -> ProgrammeDim:
    return ProgrammeDim(p["programme_id"], p.get("version", 1), p.get("parent_id"), p.get("title"),
                        p["funding_window"], tuple(p.get("themes", ())), tuple(p.get("sdg_goals", ())),
                        tuple(p.get("countries", ())), p.get("status"))


@dataclass(frozen=True)
class MoneyTxn:
    """One money transaction; (kind, txn_id) identifies it, so a repeat adds nothing."""
    kind: str             # received | committed | returned | disbursed
    txn_id: str
    currency: str
    amount: int           # cents, >= 0
    day: date
    fund_id: str = NONE
    window: str = NONE
    theme: str = NONE
    country: str = NONE
    programme_id: str = NONE

    @property
    def cell(self) -> tuple:
        return (self.kind, self.currency, self.fund_id, self.window, self.theme, self.country,
                self.programme_id, self.day)


def money_from_event(event_type: str, p: dict) -> MoneyTxn | None:
    ctx = {"fund_id": p.get("fund_id") or NONE, "window": p.get("window") or NONE,
           "theme": p.get("theme") or NONE, "country": p.get("country") or NONE,
           "programme_id": p.get("programme_id") or NONE}
    if event_type == "contribution.received":
        return MoneyTxn("received", p["receipt_id"], p["currency"], scale_money(p["amount"]),
                        _d(p["received_at"]), **ctx)
    if event_type == "grant.committed":
        return MoneyTxn("committed", p["grant_id"], p["currency"], scale_money(p["amount"]),
                        _d(p["committed_at"]), **ctx)
    if event_type == "grant.awarded":   # deprecated direct award: a commitment without fund or theme
        return MoneyTxn("committed", p["grant_id"], p["currency"], scale_money(p["amount"]),
                        _d(p["awarded_at"]), programme_id=p["programme_id"])
    if event_type == "tranche.disbursed":
        return MoneyTxn("disbursed", p["disbursement_id"], p["currency"], scale_money(p["amount"]),
                        _d(p["value_date"]), **ctx)
    if event_type in ("grant.closed", "grant.cancelled"):
        at = p.get("closed_at") or p.get("cancelled_at")
        return MoneyTxn("returned", p["grant_id"], p["currency"], scale_money(p["returned"]), _d(at), **ctx)
    return None


APPLICATION_RANK = {"application.submitted": 1, "application.screened": 2, "application.awarded": 3,
                    "application.rejected": 3, "application.withdrawn": 3}


@dataclass(frozen=True)
class Application:
    application_id: str
    rank: int             # lifecycle step: a lower rank arriving late never undoes a later one
    status: str
    fund_id: str
    window: str
    theme: str
    country: str
    city: str
    programme_id: str
    currency: str
    amount_requested: int   # cents
    targets: tuple          # ((indicator, value), ...)


def application_from_event(event_type: str, p: dict) -> Application:
    status = p.get("status") or ("submitted" if event_type == "application.submitted" else "")
    return Application(p["application_id"], APPLICATION_RANK[event_type], status, p["fund_id"], p["window"],
                       p["theme"], p["country"], p["city"], p["programme_id"], p["currency"],
                       scale_money(p["amount_requested"]),
                       tuple((t["indicator"], int(t["value"])) for t in p["targets"]))


def newer(incoming_version: int, held_version: int | None) -> bool:
    """A version replaces what is held only if it is higher: duplicates, redeliveries and late
    older versions (including an original arriving after its revision) change nothing."""
    return held_version is None or incoming_version > held_version


# --- the plan ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    code: str
    title: str
    indicator: str        # an indicator code, or "*" for every indicator of the plan
    measure: str          # sum | distinct_cities | distinct_countries
    target: dict | None = None

    @property
    def needed(self) -> int | None:
        """The smallest value that meets the target (more than 60: 61)."""
        if self.target is None:
            return None
        return self.target["value"] + (1 if self.target["comparison"] == "more_than" else 0)


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    statement: str
    start: date
    end: date
    deadline: date
    indicators: tuple
    figures: tuple
    themes: dict
    windows: dict
    raw: dict = field(compare=False, hash=False, repr=False)

    @classmethod
    def from_dict(cls, plan: dict) -> "Plan":
        indicators = tuple(i["code"] for i in plan["indicators"])
        titles = {i["code"]: i["title"] for i in plan["indicators"]}
        figures = [Figure(t["code"], t["title"], t["indicator"], t["measure"],
                          {"value": t["value"], "comparison": t["comparison"]})
                   for t in plan["objective"]["targets"]]
        have = {(f.indicator, f.measure) for f in figures} | {(f.code, None) for f in figures}
        for code in indicators:
            if (code, "sum") not in have and (code, None) not in have:
                figures.append(Figure(code, titles[code], code, "sum"))
        if ("*", "distinct_cities") not in have and ("cities_reached", None) not in have:
            figures.append(Figure("cities_reached", "Cities reached", "*", "distinct_cities"))
        if ("*", "distinct_countries") not in have and ("countries_reached", None) not in have:
            figures.append(Figure("countries_reached", "Countries reached", "*", "distinct_countries"))
        return cls(plan["id"], plan["title"], plan["objective"]["statement"], _d(plan["period"]["start"]),
                   _d(plan["period"]["end"]), _d(plan["objective"]["deadline"]), indicators, tuple(figures),
                   {t["code"]: t["title"] for t in plan["themes"]},
                   {w["code"]: w["title"] for w in plan["windows"]}, plan)

    @property
    def definition_hash(self) -> str:
        """What the aggregates of this plan depend on; a change means they must be rebuilt."""
        basis = {"indicators": sorted(self.indicators), "start": self.start.isoformat(),
                 "end": self.end.isoformat(), "rules": 1}
        return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()[:32]

    def counts(self, fact: ResultFact | None) -> bool:
        """Only approved values of the plan's corporate indicators (unit measure), for periods
        ending within the plan's period, count."""
        return (fact is not None and fact.version >= 1 and fact.corporate and fact.measure == "unit"
                and fact.indicator in self.indicators and self.start <= fact.period_end <= self.end)

    def matches(self, figure: Figure, indicator: str) -> bool:
        return indicator in self.indicators if figure.indicator == "*" else indicator == figure.indicator

    def in_period(self, day: date) -> bool:
        return self.start <= day <= self.end


def load_plans(plans: dict) -> dict[str, Plan]:
    return {pid: Plan.from_dict(p) for pid, p in sorted(plans.items())}


# --- aggregate cells -----------------------------------------------------------------------

def cell_key(fact: ResultFact) -> tuple:
    """(indicator, reach, programme_id, city_id, country, period_end)"""
    return (fact.indicator, fact.reach, fact.programme_id, fact.city_id, fact.country, fact.period_end)


def totals_key(cell: tuple) -> tuple:
    indicator, reach, _programme, _city, _country, period_end = cell
    return (indicator, reach, period_end)


def city_key(cell: tuple) -> tuple:
    indicator, _reach, _programme, city, country, period_end = cell
    return (indicator, city, country, period_end)


def cell_deltas(old: ResultFact | None, new: ResultFact | None, plans) -> dict:
    """{(plan_id, *cell): (value delta, count delta)} for replacing `old` by `new`, zeros dropped.
    The count is of results with a positive value: a city or country counts while it is > 0."""
    out: dict = {}
    for plan in plans:
        for fact, sign in ((old, -1), (new, 1)):
            if plan.counts(fact):
                key = (plan.id,) + cell_key(fact)
                dv, dn = out.get(key, (0, 0))
                out[key] = (dv + sign * fact.value, dn + sign * (1 if fact.value > 0 else 0))
    return {k: v for k, v in out.items() if v != (0, 0)}


def roll_up(cells: dict) -> tuple[dict, dict]:
    """Totals {(plan, indicator, reach, period_end): (value, n)} and city references
    {(plan, indicator, city, country, period_end): n} from cells (or cell deltas)."""
    totals, cities = {}, {}
    for (plan_id, *cell), (value, n) in cells.items():
        tk = (plan_id,) + totals_key(tuple(cell))
        v, c = totals.get(tk, (0, 0))
        totals[tk] = (v + value, c + n)
        ck = (plan_id,) + city_key(tuple(cell))
        cities[ck] = cities.get(ck, 0) + n
    return totals, cities


# --- a snapshot of one plan's aggregates -------------------------------------------------

@dataclass
class Snapshot:
    """What assembly reads, for one plan. Row lists hold only non-zero rows."""
    totals: list = field(default_factory=list)       # (indicator, reach, period_end, value, n)
    cities: list = field(default_factory=list)       # (indicator, city_id, country, period_end, n)
    money: list = field(default_factory=list)        # (kind, currency, fund, window, theme, country, programme, day, cents)
    applications: list = field(default_factory=list)  # Application under review
    cells: list = field(default_factory=list)        # (indicator, reach, programme, city, country, period_end, value, n)
    programmes: dict = field(default_factory=dict)   # programme_id -> ProgrammeDim
    city_names: dict = field(default_factory=dict)   # city_id -> (name, country)
    funds: dict = field(default_factory=dict)        # fund_id -> {"name", "window", "currency"}
    updated_at: datetime | None = None

    def canonical(self) -> dict:
        """A comparable form (for reconcile and the equivalence tests)."""
        return {"totals": sorted(self.totals), "cities": sorted(self.cities), "money": sorted(self.money),
                "cells": sorted(self.cells),
                "applications": sorted((a.application_id, a.theme, a.country, a.city, a.currency,
                                        a.amount_requested, a.targets) for a in self.applications)}

    def as_of(self, day: date | None) -> "Snapshot":
        if day is None:
            return self
        return Snapshot([t for t in self.totals if t[2] <= day], [c for c in self.cities if c[3] <= day],
                        [m for m in self.money if m[7] <= day], self.applications,
                        [c for c in self.cells if c[5] <= day], self.programmes, self.city_names, self.funds,
                        self.updated_at)


def figure_value(plan: Plan, figure: Figure, snap: Snapshot) -> dict:
    """{"value": scaled or count, and for sums "direct"/"indirect"}."""
    if figure.measure == "sum":
        direct = sum(v for ind, reach, _d, v, _n in snap.totals if reach == "direct" and plan.matches(figure, ind))
        indirect = sum(v for ind, reach, _d, v, _n in snap.totals
                       if reach != "direct" and plan.matches(figure, ind))
        return {"value": direct + indirect, "direct": direct, "indirect": indirect}
    refs: dict = {}
    for ind, city, country, _day, n in snap.cities:
        if plan.matches(figure, ind):
            key = city if figure.measure == "distinct_cities" else country
            refs[key] = refs.get(key, 0) + n
    return {"value": sum(1 for n in refs.values() if n > 0)}


def series(plan: Plan, figure: Figure, snap: Snapshot) -> list[tuple[date, int]]:
    """Cumulative value of a figure after each result period end: [(period_end, value)]."""
    if figure.measure == "sum":
        by_day: dict = {}
        for ind, _reach, day, v, _n in snap.totals:
            if plan.matches(figure, ind):
                by_day[day] = by_day.get(day, 0) + v
        out, running = [], 0
        for day in sorted(by_day):
            running += by_day[day]
            out.append((day, running))
        return out
    # distinct: a city/country counts from the first period end where it has a counted result
    per_key: dict = {}
    for ind, city, country, day, n in snap.cities:
        if plan.matches(figure, ind) and n > 0:
            key = city if figure.measure == "distinct_cities" else country
            if key not in per_key or day < per_key[key]:
                per_key[key] = day
    days = sorted(set(per_key.values()))
    return [(day, sum(1 for d in per_key.values() if d <= day)) for day in days]


def met(figure: Figure, value: Fraction | int) -> bool:
    return figure.needed is not None and value >= figure.needed


def _unit(figure: Figure) -> int:
    return VALUE_SCALE if figure.measure == "sum" else 1


def share(figure: Figure, value: int) -> str | None:
    """Share of the target achieved, 0..1+, to six places (banker's rounding); more than 60
    counts against 61, the first value that meets it."""
    if figure.needed is None:
        return None
    ratio = Decimal(value) / Decimal(_unit(figure)) / Decimal(figure.needed)
    return str(ratio.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN))


def trend(points: list[tuple[int, Fraction]]) -> tuple[Fraction, Fraction] | None:
    """Least-squares line y = a + b x through the points (exact rationals); None for < 2 x values."""
    xs = {x for x, _ in points}
    if len(xs) < 2:
        return None
    n = len(points)
    mx = Fraction(sum(x for x, _ in points), n)
    my = Fraction(sum(y for _, y in points), n)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    b = sxy / sxx
    return my - b * mx, b


def projection(plan: Plan, figure: Figure, points: list[tuple[date, int]], today: date) -> dict:
    """Status of a target at `today` from the series of its figure:

    - the trend is the least-squares line through (plan start, 0), each (period end, cumulative
      value) up to today, and (today, current value): a figure that stops growing flattens its trend;
    - projected_at_deadline: the trend at the deadline, never below the current value (after the
      deadline: the value at the deadline);
    - achieved when the value meets the target; after the deadline otherwise off_track; else on_track
      when the projection meets the target, at_risk when it reaches AT_RISK_SHARE of it, off_track;
    - reached_on: the period end at which the target was met; projected_reached_on: when the trend
      meets it (null if the trend does not grow)."""
    unit = _unit(figure)
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
    out = {"projected_at_deadline": _round_int(projected),
           "slope_per_year": str((Decimal((line[1] * 365).numerator) / Decimal((line[1] * 365).denominator))
                                 .quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)) if line else None,
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
        days_up = int((Decimal(days.numerator) / Decimal(days.denominator)).to_integral_value(ROUND_CEILING))
        days_up = max(days_up, x_today)
        if days_up <= x_deadline + 36_525:   # beyond a century after the deadline: never, in effect
            out["projected_reached_on"] = plan.start + timedelta(days=days_up)
    return out


def overall_status(statuses: list[str | None]) -> str:
    known = [s for s in statuses if s]
    if not known:
        return "achieved"
    return max(known, key=STATUS_ORDER.index)


# --- money -----------------------------------------------------------------------------------

def money_rows(plan: Plan, snap: Snapshot) -> list:
    """Money is the funds' (pooled money has no period of its own, and available = pooled -
    committed is a balance): every transaction counts, for every plan; `as_of` keeps those dated
    on or before it."""
    return list(snap.money)


def money_figures(rows, key_fn=lambda m: ()) -> dict:
    """{(group..., currency): {"pooled", "committed", "disbursed"}} in cents; committed is net of
    returns."""
    out: dict = {}
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


def _money_entry(currency, acc, *, available=True, people: int | None = None) -> dict:
    entry = {"currency": currency, "pooled": money_out(acc["pooled"]) if available else None,
             "committed": money_out(acc["committed"]), "disbursed": money_out(acc["disbursed"]),
             "available": money_out(acc["pooled"] - acc["committed"]) if available else None}
    if people is not None:
        entry["cost_per_person_committed"] = _per(acc["committed"], people)
        entry["cost_per_person_disbursed"] = _per(acc["disbursed"], people)
    return entry


def _per(cents: int, people_scaled: int) -> str | None:
    if people_scaled <= 0:
        return None
    ratio = Decimal(cents) * VALUE_SCALE / MONEY_SCALE / Decimal(people_scaled)
    return str(ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))


# --- assembly ---------------------------------------------------------------------------------

def people_figure(plan: Plan) -> Figure | None:
    return next((f for f in plan.figures if f.measure == "sum" and f.target is not None),
                next((f for f in plan.figures if f.measure == "sum"), None))


def _figure_body(plan: Plan, figure: Figure, snap: Snapshot, today: date) -> dict:
    value = figure_value(plan, figure, snap)
    body = {"code": figure.code, "title": figure.title, "indicator": figure.indicator, "measure": figure.measure,
            "value": value_out(value["value"]) if figure.measure == "sum" else value["value"]}
    if figure.measure == "sum":
        body["direct"], body["indirect"] = value_out(value["direct"]), value_out(value["indirect"])
    if figure.target is not None:
        proj = projection(plan, figure, series(plan, figure, snap), today)
        body.update({
            "comparison": figure.target["comparison"], "target": figure.target["value"],
            "share": share(figure, value["value"]),
            "achieved": met(figure, Fraction(value["value"], _unit(figure))),
            "status": proj["status"], "projected_at_deadline": proj["projected_at_deadline"],
            "reached_on": _iso(proj["reached_on"]), "projected_reached_on": _iso(proj["projected_reached_on"]),
        })
    return body


def _iso(day):
    return day.isoformat() if day else None


def _ts(at):
    if at is None:
        return None
    if at.tzinfo is None:
        from datetime import timezone
        at = at.replace(tzinfo=timezone.utc)
    return at.isoformat().replace("+00:00", "Z")


def progress(plan: Plan, snap: Snapshot, *, today: date, as_of: date | None, revision: int = 0) -> dict:
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
        "deadline": plan.deadline.isoformat(), "as_of": _iso(as_of), "today": today.isoformat(),
        "days_to_deadline": (plan.deadline - today).days,
        "status": overall_status([t["status"] for t in targets]),
        "achieved": all(t["achieved"] for t in targets),
        "targets": targets,
        "figures": {f["code"]: {k: f[k] for k in ("value", "direct", "indirect") if k in f} for f in figures},
        "money": {"committed": [{"currency": c, "amount": money_out(acc["committed"])}
                                for (c,), acc in sorted(by_currency.items()) if acc["committed"]]},
        "funds": [_money_entry(c, acc, people=people_value) for (c,), acc in sorted(by_currency.items())],
        "updated_at": _ts(snap.updated_at), "revision": revision,
    }


def top_programme(snap: Snapshot, programme_id: str) -> str:
    """The programme a result rolls up to: its parent if it has one, else itself."""
    dim = snap.programmes.get(programme_id)
    return (dim.parent_id or programme_id) if dim is not None else programme_id


def _groups_of(dimension: str, snap: Snapshot, programme_id: str, city: str, country: str) -> list:
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


def _money_group(dimension: str, snap: Snapshot, m) -> tuple:
    kind, currency, fund, window, theme, country, programme, day, cents = m
    value = {"fund": fund, "window": window, "theme": theme, "country": country,
             "programme": top_programme(snap, programme) if programme else NONE}.get(dimension)
    return (value or None,)


def breakdown(plan: Plan, snap: Snapshot, dimension: str, *, today: date, as_of: date | None) -> dict:
    """Every figure by one dimension. A result counts in each theme and SDG goal of its programme
    (so those groups may add up to more than the total); a child programme's results count in its
    parent (roll-up), once. Money by fund, window, theme, country and programme."""
    snap = snap.as_of(as_of)
    groups: dict = {}
    if dimension != "fund":
        for ind, reach, programme, city, country, day, v, n in snap.cells:
            for g in _groups_of(dimension, snap, programme, city, country):
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
    money_groups: dict = {}
    if dimension in ("fund", "window", "theme", "country", "programme"):
        rows = money_rows(plan, snap)
        if dimension not in ("fund", "window"):   # pooled money belongs to a fund, not to a theme or country
            rows = [m for m in rows if m[0] != "received"]
        money_groups = money_figures(rows, lambda m: _money_group(dimension, snap, m))
    keys = set(groups) | {k[0] for k in money_groups}
    items = []
    for key in sorted(keys, key=lambda k: (k is None, k or "")):
        acc = groups.get(key, {"sums": {}, "cities": {}, "countries": {}})
        figures = {}
        if dimension != "fund":
            for figure in plan.figures:
                if figure.measure == "sum":
                    direct, indirect = acc["sums"].get(figure.code, [0, 0])
                    figures[figure.code] = {"value": value_out(direct + indirect), "direct": value_out(direct),
                                            "indirect": value_out(indirect)}
                else:
                    refs = acc["cities" if figure.measure == "distinct_cities" else "countries"].get(figure.code, {})
                    figures[figure.code] = {"value": sum(1 for n in refs.values() if n > 0)}
        money = [_money_entry(cur, m, available=dimension in ("fund", "window"))
                 for (k, cur), m in sorted(money_groups.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
                 if k == key]
        items.append({"key": key, "name": _name(plan, snap, dimension, key), "figures": figures, "money": money})
    return {"plan_id": plan.id, "dimension": dimension, "as_of": _iso(as_of), "today": today.isoformat(),
            "items": items, "updated_at": _ts(snap.updated_at)}


def _name(plan: Plan, snap: Snapshot, dimension: str, key):
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


def history(plan: Plan, snap: Snapshot, *, today: date, as_of: date | None) -> dict:
    """The series of every figure by result period end, and each target's projection."""
    snap = snap.as_of(as_of)
    out = []
    for figure in plan.figures:
        points = series(plan, figure, snap)
        entry = {"code": figure.code, "title": figure.title, "measure": figure.measure,
                 "target": figure.target["value"] if figure.target else None,
                 "series": [{"period_end": d.isoformat(),
                             "value": value_out(v) if figure.measure == "sum" else v,
                             "added": (value_out(v - prev) if figure.measure == "sum" else v - prev)}
                            for (d, v), prev in zip(points, [0] + [p[1] for p in points])]}
        proj = projection(plan, figure, points, today)
        entry["projection"] = {"method": "least_squares_linear", "deadline": plan.deadline.isoformat(),
                               "projected_at_deadline": proj["projected_at_deadline"],
                               "slope_per_year": proj["slope_per_year"], "status": proj["status"],
                               "reached_on": _iso(proj["reached_on"]),
                               "projected_reached_on": _iso(proj["projected_reached_on"])}
        out.append(entry)
    return {"plan_id": plan.id, "as_of": _iso(as_of), "today": today.isoformat(), "figures": out,
            "updated_at": _ts(snap.updated_at)}


def _city_ref(snap: Snapshot, name: str, country: str) -> str:
    wanted = (name.strip().casefold(), country)
    for city_id, (city_name, city_country) in snap.city_names.items():
        if (city_name.strip().casefold(), city_country) == wanted:
            return city_id
    return f"{country}:{name.strip()}"


def pipeline(plan: Plan, snap: Snapshot, *, today: date, as_of: date | None) -> dict:
    """What-if: the figures if every application now under review were awarded and its programme
    delivered the targets it claims (added as direct reach, in the application's city and country)."""
    snap = snap.as_of(as_of)
    apps = sorted(snap.applications, key=lambda a: a.application_id)
    extra_totals, extra_cities = [], []
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
        fmt = value_out if figure.measure == "sum" else (lambda x: x)
        entry = {"code": figure.code, "title": figure.title, "current": fmt(now), "pipeline": fmt(then - now),
                 "with_pipeline": fmt(then)}
        if figure.target is not None:
            entry.update({"target": figure.target["value"], "share": share(figure, now),
                          "share_with_pipeline": share(figure, then),
                          "achieved_with_pipeline": met(figure, Fraction(then, _unit(figure)))})
        figures.append(entry)
    requested: dict = {}
    for a in apps:
        requested[a.currency] = requested.get(a.currency, 0) + a.amount_requested
    return {"plan_id": plan.id, "as_of": _iso(as_of), "today": today.isoformat(),
            "applications_under_review": len(apps),
            "requested": [{"currency": c, "amount": money_out(v)} for c, v in sorted(requested.items())],
            "figures": figures, "updated_at": _ts(snap.updated_at)}


def body_hash(body: dict) -> str:
    """Hash of a progress body without its revision: equal hashes, same state."""
    stripped = {k: v for k, v in body.items() if k != "revision"}
    return hashlib.sha256(json.dumps(stripped, sort_keys=True, default=str).encode()).hexdigest()
