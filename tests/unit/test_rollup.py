"""Roll-up rules (shared.rollup) against naive oracles, on generated hierarchies: every rule rolls
up through the hierarchy, disaggregations reach the parent's total, cumulative values are never
added across periods, percentages come from numerators and denominators, and a parent's
achievement per city and part (programmes' totals) is its family's actuals of that scope
against its children's targets of that scope, by the same rule."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.domain import Approved, Indicator, roll_up
from shared import rollup
from shared.rollup import Observation, Semantics

SEMANTICS = [Semantics(k, r, rule) for k in rollup.KINDS for r in rollup.REPORTING for rule in rollup.RULES
             if not rollup.rule_errors(k, r, rule)]
amounts = st.integers(min_value=0, max_value=10_000).map(Decimal)
ends = st.dates(min_value=date(2020, 1, 1), max_value=date(2024, 12, 31))


@st.composite
def observation(draw, programmes=("jwp", "a", "b")):
    value = draw(amounts)
    female = draw(st.integers(min_value=0, max_value=int(value)))
    denominator = draw(st.integers(min_value=1, max_value=10_000))
    return Observation((draw(st.sampled_from(programmes)), draw(st.sampled_from(("kampala", "kisumu")))),
                       draw(ends), value, Decimal(min(int(value), denominator)), Decimal(denominator),
                       {("sex", "female"): Decimal(female)} if female else {})


def distinct_periods(observations):
    """One value per series and period end, as results are (one per programme, city and period)."""
    return list({(o.series, o.end): o for o in observations}.values())


observations = st.lists(observation(), max_size=25).map(distinct_periods)


def value(observations, sem):
    return rollup.total(observations, sem).value(sem)


@settings(max_examples=60, deadline=None)
@given(observations, st.sampled_from(SEMANTICS))
def test_a_parent_total_is_its_own_and_its_childrens_totals_rolled_up(obs, sem):
    by_programme = {p: [o for o in obs if o.series[0] == p] for p in ("jwp", "a", "b")}
    through_hierarchy = rollup.combine((rollup.total(own, sem) for own in by_programme.values()), sem)
    assert through_hierarchy.value(sem) == value(obs, sem)
    assert through_hierarchy.parts == rollup.total(obs, sem).parts


@settings(max_examples=60, deadline=None)
@given(observations, st.sampled_from([s for s in SEMANTICS if s.kind != "percentage"]))
def test_every_rule_against_a_naive_oracle(obs, sem):
    latest = {}
    for o in sorted(obs, key=lambda o: o.end):
        latest[o.series] = o.value
    expected = {
        ("per_period", "sum"): sum((o.value for o in obs), Decimal(0)),
        ("cumulative", "sum"): sum(latest.values(), Decimal(0)),   # never the periods added up
        ("per_period", "max"): max((o.value for o in obs), default=None),
        ("cumulative", "max"): max((o.value for o in obs), default=None),
    }
    if sem.rollup == "latest":
        last = max((o.end for o in obs), default=None)
        expected[(sem.reporting, "latest")] = max((o.value for o in obs if o.end == last), default=None)
    assert value(obs, sem) == (expected[(sem.reporting, sem.rollup)] if obs else None)


@settings(max_examples=60, deadline=None)
@given(observations, st.sampled_from(rollup.REPORTING))
def test_disaggregations_are_carried_into_the_parent_total(obs, reporting):
    sem = Semantics("unit", reporting, "sum")
    whole = rollup.total(obs, sem)
    children = [rollup.total([o for o in obs if o.series[0] == p], sem) for p in ("a", "b")]
    own = rollup.total([o for o in obs if o.series[0] == "jwp"], sem)
    female = sum((f.parts.get(("sex", "female"), Decimal(0)) for f in children + [own]), Decimal(0))
    assert whole.parts.get(("sex", "female"), Decimal(0)) == female
    assert female <= whole.amount


@settings(max_examples=60, deadline=None)
@given(observations, st.sampled_from(rollup.REPORTING))
def test_a_percentage_is_numerators_over_denominators_never_a_mean(obs, reporting):
    sem = Semantics("percentage", reporting, "sum")
    if reporting == "per_period":
        kept = obs
    else:
        kept = [max((o for o in obs if o.series == s), key=lambda o: o.end) for s in {o.series for o in obs}]
    num = sum((o.numerator for o in kept), Decimal(0))
    den = sum((o.denominator for o in kept), Decimal(0))
    assert value(obs, sem) == (num * 100 / den if kept else None)


@settings(max_examples=60, deadline=None)
@given(observations, st.sampled_from(rollup.REPORTING), st.sampled_from(("unit", "percentage")))
def test_the_years_of_a_summed_indicator_add_up_to_its_total(obs, reporting, kind):
    sem = Semantics(kind, reporting, "sum")
    years = [rollup.in_year(obs, sem, y) for y in rollup.years(obs)]
    added = rollup.combine(years, sem) if years else rollup.Figure()
    whole = rollup.total(obs, sem)
    assert (added.amount, added.denominator, added.parts) == (whole.amount, whole.denominator, whole.parts)


def test_the_issues_example_cumulative_over_two_years_and_171_percent():
    sem = Semantics("unit", "cumulative", "sum")
    obs = [Observation(("p", "kampala"), date(2022, 12, 31), Decimal(555_950)),
           Observation(("p", "kampala"), date(2023, 12, 31), Decimal(589_534))]
    assert value(obs, sem) == Decimal(589_534)          # not 1,145,484
    assert rollup.in_year(obs, sem, 2023).amount == Decimal(33_584)
    assert rollup.achievement(Decimal(589_534), Decimal(344_757)) == Decimal("171.0")


def test_an_eighteen_month_period_counts_in_the_year_it_ends():
    sem = Semantics.of("unit")
    obs = [Observation(("p", "c"), date(2023, 6, 30), Decimal(90))]   # 2022-01-01 .. 2023-06-30
    assert [rollup.in_year(obs, sem, y).value(sem) for y in (2022, 2023)] == [None, Decimal(90)]


@pytest.mark.parametrize("kind, reporting, rule, field", [
    ("qualitative", "per_period", "sum", "rollup"), ("qualitative", "cumulative", "latest", "reporting"),
    ("percentage", "per_period", "max", "rollup")])
def test_rules_that_make_no_sense_are_refused_naming_the_field(kind, reporting, rule, field):
    assert list(rollup.rule_errors(kind, reporting, rule)) == [field]


def test_defaults_by_kind():
    assert [Semantics.of(k).rollup for k in rollup.KINDS] == ["sum", "sum", "latest"]


CITIES, FEMALE = ("kampala", "kisumu"), ("sex", "female")


@st.composite
def scoped_target(draw):
    """A child's target of one city, one part, or a part in one city."""
    city, part = draw(st.sampled_from([(c, None) for c in CITIES] + [(None, FEMALE)] + [(c, FEMALE) for c in CITIES]))
    return draw(st.sampled_from(("a", "b"))), {
        "period": {"start": date(2020, 1, 1), "end": draw(ends)}, "value": draw(amounts), "city_id": city,
        "disaggregation": part and {"dimension": part[0], "category": part[1]}}


def _figure_of(obs, sem, city, part):
    """The oracle: each programme's figure of the city, rolled up into the parent by the rule."""
    figure = rollup.combine((rollup.total([o for o in obs if o.series[0] == p and city in (None, o.series[1])], sem)
                             for p in ("jwp", "a", "b")), sem)
    if part is None or figure.end is None:
        return figure.value(sem)
    return figure.parts.get(part, Decimal(0))


@settings(max_examples=60, deadline=None)
@given(observations, st.lists(scoped_target(), min_size=1, max_size=8), st.sampled_from(SEMANTICS))
def test_a_parents_achievement_per_city_and_part_comes_from_its_family_by_the_same_rule(obs, targets, sem):
    defs = {p: Indicator(p, "x", "X", False, measure=sem.kind, reporting=sem.reporting, rollup=sem.rollup,
                         targets=[t for owner, t in targets if owner == p]) for p in ("a", "b")}
    approved = [Approved(o.series[0], "x", o.series[1], o.end, o.value, o.numerator, o.denominator,
                         {d: {c: v} for (d, c), v in o.parts.items()}) for o in obs]
    if not approved:
        return
    [total] = roll_up("jwp", ["a", "b"], approved, {(p, "x"): i for p, i in defs.items()})
    assert len(total["by_scope"]) == len({(t["city_id"], str(t["disaggregation"])) for _, t in targets})
    for scope in total["by_scope"]:
        city, part = scope["city_id"], scope["dimension"] and (scope["dimension"], scope["category"])
        aims = [rollup.total([Observation((p, "*"), t["period"]["end"], t["value"]) for owner, t in targets
                              if owner == p and (t["city_id"], t["disaggregation"] and FEMALE) == (city, part)], sem)
                for p in ("a", "b")]
        target = rollup.combine(aims, sem).value(sem)
        if part is not None and sem.kind != "unit":        # a percentage's or a score's parts: flagged, never added
            assert scope["total"] is None and scope["not_aggregated"]
            continue
        actual = _figure_of(obs, sem, city, part)
        assert scope["total"] == (actual.quantize(Decimal("0.01")) if actual is not None and sem.kind == "percentage"
                                  else actual)
        assert Decimal(scope["target"]) == (target.quantize(Decimal("0.01")) if sem.kind == "percentage" else target)
        assert scope["achievement"] == rollup.achievement(scope["total"], scope["target"])
        if part is not None and city is None:                     # the part the totals show
            assert scope["total"] == total["disaggregations"].get("sex", {}).get("female", Decimal(0))
