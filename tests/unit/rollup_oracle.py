"""Generated programme hierarchies with approved values, and a naive oracle of the roll-up rules
(docs/programmes.md "Indicators") written from the rules alone: it shares no code with
shared.rollup, so a property test comparing the two fails when the library breaks a rule."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from shared import rollup
from shared.rollup import Observation, Semantics

SEMANTICS = [Semantics(k, r, rule) for k in rollup.KINDS for r in rollup.REPORTING for rule in rollup.RULES
             if not rollup.rule_errors(k, r, rule)]     # every combination the platform accepts

# few values and period ends, so that equal values and equal ends (the tie-breaks) are common
ENDS = [date(2020, 6, 30), date(2020, 12, 31), date(2021, 12, 31), date(2022, 6, 30), date(2023, 12, 31)]
PARTS = [("sex", "female"), ("sex", "male"), ("age", "youth")]
CITIES = ("kampala", "kisumu")
small = st.integers(min_value=0, max_value=40).map(Decimal)


@st.composite
def observation(draw, programmes):
    value = draw(small)
    parts = draw(st.dictionaries(st.sampled_from(PARTS), small.filter(bool), max_size=3))
    denominator = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=60).map(Decimal)))
    numerator = None if denominator is None else draw(st.integers(0, int(denominator)).map(Decimal))
    return Observation((draw(st.sampled_from(programmes)), draw(st.sampled_from(CITIES))), draw(st.sampled_from(ENDS)),
                       value, numerator, denominator, parts)


def distinct_periods(observations):
    """One value per series and period end, as results are (one per programme, city and period)."""
    return list({(o.series, o.end): o for o in observations}.values())


@st.composite
def hierarchies(draw, max_programmes=5):
    """({programme: parent or None}, observations): parents drawn among earlier programmes, so
    any depth."""
    parent: dict[str, str | None] = {}
    for i in range(draw(st.integers(1, max_programmes))):
        parent[f"p{i}"] = draw(st.sampled_from([None] + list(parent)))
    return parent, draw(st.lists(observation(tuple(parent)), max_size=20).map(distinct_periods))


def nested(parts):
    """{(dimension, category): value} as results write it: {dimension: {category: value}}."""
    out: dict[str, dict[str, Decimal]] = {}
    for (dimension, category), value in parts.items():
        out.setdefault(dimension, {})[category] = value
    return out


def family(programme, parent):
    """The programme and all its descendants."""
    out, grown = {programme}, True
    while grown:
        more = {p for p, up in parent.items() if up in out}
        grown, out = bool(more - out), out | more
    return out


@dataclass
class Expected:
    value: Decimal | None
    parts: list[dict]            # the admissible parts: several only when equal candidates tie
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def weights(o):
    """A percentage's (numerator, denominator): as reported, else the value out of 100."""
    return (o.numerator or Decimal(0), o.denominator) if o.denominator else (o.value, Decimal(100))


def added(dicts, signs=None):
    out: dict[tuple[str, str], Decimal] = {}
    for d, sign in zip(dicts, signs or [1] * len(dicts), strict=True):
        for k, v in d.items():
            out[k] = out.get(k, Decimal(0)) + sign * v
    return {k: v for k, v in out.items() if v}


def latest_of_each_series(obs, sem):
    """Each series' value with the latest period end (equal ends: the higher value; a
    percentage's, the higher numerator)."""
    def key(o):
        return o.end, weights(o)[0] if sem.kind == "percentage" else o.value
    best: dict[tuple[str, ...], Observation] = {}
    for o in obs:
        if o.series not in best or key(o) > key(best[o.series]):
            best[o.series] = o
    return best


def expected(obs, sem):
    """The figure of these observations by the rule: sum (a cumulative series counting its
    latest value only; a percentage from numerators and denominators), latest or max."""
    obs = list(obs)
    if not obs:
        return Expected(None, [{}])
    unit = sem.kind == "unit"
    if sem.rollup == "sum":
        kept = list(latest_of_each_series(obs, sem).values()) if sem.reporting == "cumulative" else obs
        if sem.kind == "percentage":
            num, den = (sum(w, Decimal(0)) for w in zip(*map(weights, kept), strict=True))
            return Expected(num * 100 / den, [{}], num, den)
        return Expected(sum(o.value for o in kept), [added([o.parts for o in kept]) if unit else {}])
    key = (lambda o: (o.end, o.value)) if sem.rollup == "latest" else (lambda o: (o.value, o.end))
    chosen = [o for o in obs if key(o) == max(map(key, obs))]
    return Expected(chosen[0].value, [added([o.parts]) if unit else {} for o in chosen])


def expected_in_year(obs, sem, year):
    """Values of periods ending in the year; a cumulative sum: each series' latest value by the
    year's end less its latest by the end of the year before (series not reported in it: none)."""
    if (sem.rollup, sem.reporting) != ("sum", "cumulative"):
        return expected([o for o in obs if o.end.year == year], sem)
    now = latest_of_each_series([o for o in obs if o.end.year <= year], sem)
    before = latest_of_each_series([o for o in obs if o.end.year < year], sem)
    grown = [(o, before.get(s)) for s, o in now.items() if o.end.year == year]
    if not grown:
        return Expected(None, [{}])
    if sem.kind == "percentage":
        num = sum(weights(o)[0] - (weights(b)[0] if b else 0) for o, b in grown)
        den = sum(weights(o)[1] - (weights(b)[1] if b else 0) for o, b in grown)
        return Expected(num * 100 / den if den else None, [{}], num, den)
    parts = added([p for o, b in grown for p in (o.parts, b.parts if b else {})], [1, -1] * len(grown))
    return Expected(sum(o.value - (b.value if b else 0) for o, b in grown), [parts])
