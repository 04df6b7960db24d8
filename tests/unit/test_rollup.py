"""Roll-up rules (shared.rollup, and programmes' totals built on it) against a naive oracle
(tests/unit/rollup_oracle.py) on generated hierarchies: every kind, reporting mode and rule rolls
up through the hierarchy, children into parents, with the disaggregations carried into the
parents' totals, per calendar year as over the whole span; plus the issue's worked examples."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.domain import Approved, Indicator, roll_up
from shared import rollup
from shared.rollup import Observation, Semantics
from tests.unit.rollup_oracle import (
    SEMANTICS,
    distinct_periods,
    expected,
    expected_in_year,
    family,
    hierarchies,
    nested,
    observation,
)

semantics = st.sampled_from(SEMANTICS)


def through_hierarchy(programme, parent, obs, sem):
    """The library's figure of a programme: its own total and its children's figures combined."""
    own = rollup.total([o for o in obs if o.series[0] == programme], sem)
    children = [through_hierarchy(c, parent, obs, sem) for c, up in parent.items() if up == programme]
    return rollup.combine([own, *children], sem)


def assert_as_oracle(figure, oracle, sem):
    assert figure.value(sem) == oracle.value
    assert figure.parts in oracle.parts


@settings(max_examples=100, deadline=None)
@given(hierarchies(), semantics)
def test_every_rule_rolls_up_through_the_hierarchy_with_its_parts(hierarchy, sem):
    parent, obs = hierarchy
    for programme in parent:
        mine = [o for o in obs if o.series[0] in family(programme, parent)]
        oracle = expected(mine, sem)
        assert_as_oracle(through_hierarchy(programme, parent, obs, sem), oracle, sem)
        assert_as_oracle(rollup.total(mine, sem), oracle, sem)


@settings(max_examples=100, deadline=None)
@given(hierarchies(), semantics)
def test_every_rule_per_calendar_year_with_its_parts(hierarchy, sem):
    _, obs = hierarchy
    for year in range(2019, 2025):
        assert_as_oracle(rollup.in_year(obs, sem, year), expected_in_year(obs, sem, year), sem)


def shown(value, sem):
    return value.quantize(Decimal("0.01")) if value is not None and sem.kind == "percentage" else value


@settings(max_examples=100, deadline=None)
@given(st.lists(observation(("jwp", "a", "b")), min_size=1, max_size=20).map(distinct_periods), semantics)
def test_programme_totals_roll_the_children_into_the_parent_with_their_parts(obs, sem):
    """programmes' GET .../totals (a programme and its children: one level, as the platform has)."""
    approved = [Approved(o.series[0], "x", o.series[1], o.end, o.value, o.numerator, o.denominator,
                         nested(o.parts)) for o in obs]
    defs = {("jwp", "x"): Indicator("jwp", "x", "X", False, measure=sem.kind, reporting=sem.reporting,
                                    rollup=sem.rollup)}
    [total] = roll_up("jwp", ["a", "b"], approved, defs)
    whole, own = expected(obs, sem), expected([o for o in obs if o.series[0] == "jwp"], sem)
    children = expected([o for o in obs if o.series[0] != "jwp"], sem)
    assert total["total"] == shown(whole.value, sem)
    assert (total["own"], total["children"]) == (shown(own.value, sem) or 0, shown(children.value, sem) or 0)
    assert (total["numerator"], total["denominator"]) == (whole.numerator, whole.denominator)
    assert {(d, c): v for d, cats in total["disaggregations"].items() for c, v in cats.items()} in whole.parts
    assert [(y["year"], y["value"]) for y in total["years"]] == [
        (y, shown(expected_in_year(obs, sem, y).value, sem)) for y in sorted({o.end.year for o in obs})]


@settings(max_examples=60, deadline=None)
@given(hierarchies(), st.sampled_from(rollup.REPORTING), st.sampled_from(("unit", "percentage")))
def test_the_years_of_a_summed_indicator_add_up_to_its_total(hierarchy, reporting, kind):
    _, obs = hierarchy
    sem = Semantics(kind, reporting, "sum")
    years = [rollup.in_year(obs, sem, y) for y in rollup.years(obs)]
    added = rollup.combine(years, sem) if years else rollup.Figure()
    whole = rollup.total(obs, sem)
    assert (added.amount, added.denominator, added.parts) == (whole.amount, whole.denominator, whole.parts)


def test_the_issues_example_cumulative_over_two_years_and_171_percent():
    sem = Semantics("unit", "cumulative", "sum")
    obs = [Observation(("p", "kampala"), date(2022, 12, 31), Decimal(555_950)),
           Observation(("p", "kampala"), date(2023, 12, 31), Decimal(589_534))]
    assert rollup.total(obs, sem).value(sem) == Decimal(589_534)          # not 1,145,484
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


@pytest.mark.parametrize("reporting, rule", [("per_period", "latest"), ("per_period", "max"),
                                             ("cumulative", "sum"), ("cumulative", "latest")])
def test_a_tie_keeps_the_same_parts_whatever_the_order(reporting, rule):
    """Two cities' reports equal in end and value but not in parts: the figure's parts must not
    depend on which came first (latest/max pick one report whole)."""
    sem = Semantics("unit", reporting, rule)
    a = Observation(("p", "kampala"), date(2023, 12, 31), Decimal(10), parts={("sex", "female"): Decimal(10)})
    b = Observation(("p", "kampala"), date(2023, 12, 31), Decimal(10), parts={("sex", "male"): Decimal(10)})
    assert rollup.total([a, b], sem) == rollup.total([b, a], sem)
    assert rollup.in_year([a, b], sem, 2023) == rollup.in_year([b, a], sem, 2023)
