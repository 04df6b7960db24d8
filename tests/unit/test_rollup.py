"""Roll-up rules (shared.rollup) against naive oracles, on generated hierarchies: every rule rolls
up through the hierarchy, disaggregations reach the parent's total, cumulative values are never
added across periods, percentages come from numerators and denominators."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
