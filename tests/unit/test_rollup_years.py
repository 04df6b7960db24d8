"""Irregular periods (across calendar years) count in years by the plan's rule (shared.rollup
YEAR_RULES, shared.plan `reporting.irregular_periods`): pro rata splits a summed value by days,
exact to four places by the largest remainder, so the years always add up to the total."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from shared import rollup
from shared.apportion import split
from shared.plan import PLANS_DIR, PlanError, load_plan
from shared.rollup import Observation, Semantics

EIGHTEEN_MONTHS = (date(2022, 7, 1), date(2023, 12, 31))
values = st.decimals(min_value=0, max_value=10 ** 9, places=4, allow_nan=False, allow_infinity=False)
SUMMED = [Semantics("unit"), Semantics("unit", "cumulative"), Semantics("percentage")]


def years_of(observations, sem):
    return {y: rollup.in_year(observations, sem, y).value(sem) for y in rollup.years(observations)}


@given(values, st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=6).filter(any))
def test_the_parts_add_up_to_the_value_exactly_at_four_places(value, weights):
    parts = split(value, weights)
    assert sum(parts) == value
    assert all(p == p.quantize(Decimal("0.0001")) for p in parts)
    assert all(p == 0 for p, w in zip(parts, weights, strict=True) if w == 0)


def test_an_18_month_period_of_589534_counts_pro_rata_by_days():
    o = Observation(("p", "jinja"), EIGHTEEN_MONTHS[1], Decimal(589534), start=EIGHTEEN_MONTHS[0],
                    year_rule="pro_rata")
    # 184 days of 549 in 2022, 365 in 2023; the remaining 0.0001 goes to the larger remainder (2022's)
    assert years_of([o], Semantics("unit")) == {2022: Decimal("197585.1658"), 2023: Decimal("391948.8342")}
    assert years_of([o], Semantics("unit", "cumulative")) == {2022: Decimal("197585.1658"),
                                                                2023: Decimal("391948.8342")}


@pytest.mark.parametrize("rule, expected", [("period_end", {2023: Decimal(589534)}),
                                            ("period_start", {2022: Decimal(589534)})])
def test_an_18_month_period_counts_whole_in_the_year_the_rule_names(rule, expected):
    o = Observation(("p", "jinja"), EIGHTEEN_MONTHS[1], Decimal(589534), start=EIGHTEEN_MONTHS[0], year_rule=rule)
    assert years_of([o], Semantics("unit")) == expected


def test_a_level_pro_rata_counts_whole_in_each_year_it_covers():
    o = Observation(("p", "jinja"), EIGHTEEN_MONTHS[1], Decimal(3), start=EIGHTEEN_MONTHS[0], year_rule="pro_rata")
    assert years_of([o], Semantics("qualitative", rollup="max")) == {2022: Decimal(3), 2023: Decimal(3)}


def test_a_period_within_one_year_ignores_the_rule():
    o = Observation(("p", "jinja"), date(2023, 6, 30), Decimal(10), start=date(2023, 1, 1), year_rule="pro_rata")
    assert years_of([o], Semantics("unit")) == {2023: Decimal(10)}


@st.composite
def periods(draw):
    start = draw(st.dates(min_value=date(2019, 1, 1), max_value=date(2024, 12, 31)))
    end = start + timedelta(days=draw(st.integers(min_value=0, max_value=900)))
    value = draw(values)
    female = draw(st.decimals(min_value=0, max_value=value, places=4))
    return Observation((draw(st.sampled_from(("jinja", "kisumu"))),), end, value, value, value + 1,
                       {("sex", "female"): female} if female else {}, start,
                       draw(st.sampled_from(rollup.YEAR_RULES)))


@given(st.lists(periods(), max_size=8).map(lambda obs: list({(o.series, o.end): o for o in obs}.values())),
       st.sampled_from(SUMMED))
def test_by_every_rule_the_years_of_a_summed_indicator_add_up_to_its_total(observations, sem):
    total = rollup.total(observations, sem)
    figures = [rollup.in_year(observations, sem, y) for y in rollup.years(observations)]
    assert sum((f.amount for f in figures), Decimal(0)) == total.amount
    assert sum((f.denominator for f in figures), Decimal(0)) == total.denominator
    female = sum((f.parts.get(("sex", "female"), Decimal(0)) for f in figures), Decimal(0))
    assert female == total.parts.get(("sex", "female"), Decimal(0))


def _plan_with(tmp_path, reporting):
    plan = yaml.safe_load((PLANS_DIR / "strategic-plan-2018-2021.yaml").read_text())
    plan["reporting"] = reporting
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan))
    return path


@pytest.mark.parametrize("rule", rollup.YEAR_RULES)
def test_a_plan_states_its_rule_for_irregular_periods(tmp_path, rule):
    assert load_plan(_plan_with(tmp_path, {"irregular_periods": rule}))["reporting"]["irregular_periods"] == rule


def test_a_plan_with_an_unknown_rule_does_not_load(tmp_path):
    with pytest.raises(PlanError, match="irregular_periods must be one of period_end, period_start, pro_rata"):
        load_plan(_plan_with(tmp_path, {"irregular_periods": "by_quarter"}))
