"""Indicator semantics in the programmes domain: kinds, reporting and roll-up rules with their
defaults and refusals, targets per city and per part validated like values, percentages with
numerators and denominators, and programme totals per year beside the whole span."""
from datetime import date
from decimal import Decimal

import pytest
from programmes_builders import NOW, errors_of

from programmes import domain

YEAR = {"start": date(2023, 1, 1), "end": date(2023, 12, 31)}
CITIES = {"c-jinja", "c-kisumu"}


def define(code="drains", **spec):
    return domain.define_indicator("p", {"code": code, "title": "T", **spec}, corporate_titles={"people_reached": "P"},
                                   now=NOW, city_ids=CITIES)


def target(value, **extra):
    return {"period": YEAR, "value": Decimal(value), **extra}


def test_defaults_keep_what_indicators_meant_before():
    assert (define().reporting, define().rollup, define().scale) == ("per_period", "sum", None)
    score = define(measure="qualitative")
    assert (score.rollup, score.scale, score.measure_code) == ("latest", {"min": 1, "max": 5}, "5")
    assert score.summary()["measure"] == "unit" and score.summary()["kind"] == "qualitative"   # v1 events


@pytest.mark.parametrize("spec, field", [
    ({"measure": "qualitative", "rollup": "sum"}, "rollup"),
    ({"measure": "qualitative", "reporting": "cumulative"}, "reporting"),
    ({"measure": "percentage", "rollup": "max"}, "rollup"),
    ({"scale": {"min": 1, "max": 5}}, "scale"),
    ({"measure": "qualitative", "baseline": {"value": Decimal(7), "year": 2020}}, "baseline.value"),
    ({"code": "people_reached", "rollup": "max"}, "rollup"),
])
def test_rules_that_make_no_sense_are_refused_naming_the_field(spec, field):
    assert field in errors_of(define, **spec)


def test_targets_per_city_and_part_are_validated_like_values():
    ok = define(targets=[target(100), target(60, city_id="c-jinja"),
                         target(50, disaggregation={"dimension": "sex", "category": "female"}),
                         target(40, disaggregation={"dimension": "sex", "category": "male"}),
                         target(70, disaggregation={"dimension": "age", "category": "age_15_24"})])
    assert [t["city_id"] for t in ok.targets] == [None, "c-jinja", None, None, None]
    errors = errors_of(define, targets=[
        target(100), target(60, disaggregation={"dimension": "sex", "category": "female"}),
        target(50, disaggregation={"dimension": "sex", "category": "male"}),          # 110 > 100
        target(5, city_id="c-arusha"), target(5, disaggregation={"dimension": "colour", "category": "red"}),
        target(5, disaggregation={"dimension": "reach", "category": "direct"}),       # not counted in people
        target(7, city_id="c-kisumu"), target(8, city_id="c-kisumu")])                # overlaps targets.6
    assert set(errors) == {"targets.2.value", "targets.3.city_id", "targets.4.disaggregation.dimension",
                           "targets.5.disaggregation.dimension", "targets.7.period"}


def test_a_percentage_gives_both_numerator_and_denominator_and_its_value_is_their_ratio():
    share = define(measure="percentage")
    assert domain.results.ratio_errors(Decimal("33.33"), (Decimal(1), Decimal(3)), share) == {}
    assert set(domain.results.ratio_errors(Decimal(40), (Decimal(4), None), share)) == {"denominator"}
    assert set(domain.results.ratio_errors(Decimal(41), (Decimal(4), Decimal(10)), share)) == {"value"}
    assert set(domain.results.ratio_errors(Decimal(100), (Decimal(5), Decimal(0)), share)) == {"denominator"}
    assert set(domain.results.ratio_errors(Decimal(4), (Decimal(4), Decimal(10)), define())) == {"numerator"}


def test_totals_of_a_cumulative_indicator_per_year_beside_the_span_and_over_achievement():
    beneficiaries = define("beneficiaries", reporting="cumulative",
                           targets=[{"period": {"start": date(2022, 1, 1), "end": date(2023, 12, 31)},
                                     "value": Decimal(344_757)}])
    approved = [domain.Approved("p", "beneficiaries", "c-jinja", date(2022, 12, 31), Decimal(555_950)),
                domain.Approved("p", "beneficiaries", "c-jinja", date(2023, 12, 31), Decimal(589_534))]
    [total] = domain.roll_up("p", [], approved, {("p", "beneficiaries"): beneficiaries})
    assert (total["total"], total["target"], total["achievement"]) == (Decimal(589_534), Decimal(344_757),
                                                                       Decimal("171.0"))
    assert [(y["year"], y["value"], y["target"]) for y in total["years"]] == [
        (2022, Decimal(555_950), None), (2023, Decimal(33_584), Decimal(344_757))]


def test_a_parent_without_its_own_targets_takes_its_childrens():
    child = define("beneficiaries", targets=[target(100)])
    child.programme_id = "a"
    approved = [domain.Approved("a", "beneficiaries", "c-jinja", date(2023, 12, 31), Decimal(150))]
    [total] = domain.roll_up("jwp", ["a"], approved, {("a", "beneficiaries"): child})
    assert (total["own"], total["children"], total["target"], total["achievement"]) == (
        Decimal(0), Decimal(150), Decimal(100), Decimal("150.0"))


def _scope(total, city=None, dimension=None):
    return next(s for s in total["by_scope"] if (s["city_id"], s["dimension"]) == (city, dimension))


def test_achievement_per_city_and_per_part_by_the_same_rule_over_the_span_and_per_year():
    previous = {"start": date(2022, 1, 1), "end": date(2022, 12, 31)}
    female = {"dimension": "sex", "category": "female"}
    reached = define("reached", reporting="cumulative", targets=[
        target(1000), target(400, city_id="c-jinja"), target(300, disaggregation=female),
        target(100, city_id="c-kisumu", disaggregation=female), {"period": previous, "value": Decimal(200),
                                                                  "city_id": "c-jinja"}])
    approved = [domain.Approved("p", "reached", "c-jinja", date(2022, 12, 31), Decimal(150), None, None,
                                {"sex": {"female": Decimal(50)}}),
                domain.Approved("p", "reached", "c-jinja", date(2023, 12, 31), Decimal(500), None, None,
                                {"sex": {"female": Decimal(200)}}),          # to date: never added to 2022's
                domain.Approved("p", "reached", "c-kisumu", date(2023, 12, 31), Decimal(300), None, None,
                                {"sex": {"female": Decimal(120)}})]
    [total] = domain.roll_up("p", [], approved, {("p", "reached"): reached})
    assert (total["total"], total["achievement"]) == (Decimal(800), Decimal("80.0"))
    jinja = _scope(total, "c-jinja")
    assert (jinja["total"], jinja["target"], jinja["achievement"]) == (Decimal(500), Decimal(400), Decimal("125.0"))
    assert [(y["year"], y["value"], y["target"], y["achievement"]) for y in jinja["years"]] == [
        (2022, Decimal(150), Decimal(200), Decimal("75.0")), (2023, Decimal(350), Decimal(200), Decimal("175.0"))]
    women = _scope(total, None, "sex")
    assert (women["category"], women["total"], women["target"], women["achievement"]) == (
        "female", Decimal(320), Decimal(300), Decimal("106.7"))
    assert women["total"] == total["disaggregations"]["sex"]["female"]      # the parts the totals show
    kisumu_women = _scope(total, "c-kisumu", "sex")
    assert (kisumu_women["total"], kisumu_women["achievement"], kisumu_women["not_aggregated"]) == (
        Decimal(120), Decimal("120.0"), None)


def test_a_parent_without_scoped_targets_of_its_own_takes_its_childrens_per_scope():
    child = define("reached", targets=[target(100, city_id="c-jinja"), target(40, city_id="c-kisumu")])
    child.programme_id = "a"
    approved = [domain.Approved("a", "reached", "c-jinja", date(2023, 12, 31), Decimal(150)),
                domain.Approved("jwp", "reached", "c-jinja", date(2023, 6, 30), Decimal(50))]
    [total] = domain.roll_up("jwp", ["a"], approved, {("a", "reached"): child})
    assert [(s["city_id"], s["total"], s["target"], s["achievement"]) for s in total["by_scope"]] == [
        ("c-jinja", Decimal(200), Decimal(100), Decimal("200.0")), ("c-kisumu", None, Decimal(40), None)]


def test_a_percentages_parts_are_flagged_not_averaged_but_its_cities_add_up_by_ratio():
    share = define("women_led", measure="percentage", targets=[
        target(50, city_id="c-jinja"), target(30, disaggregation={"dimension": "age", "category": "age_15_24"})])
    approved = [domain.Approved("p", "women_led", "c-jinja", date(2023, 12, 31), Decimal(40), Decimal(4),
                                Decimal(10), {"age": {"age_15_24": Decimal(25)}}),
                domain.Approved("p", "women_led", "c-jinja", date(2023, 6, 30), Decimal(60), Decimal(60),
                                Decimal(100))]
    [total] = domain.roll_up("p", [], approved, {("p", "women_led"): share})
    jinja, youth = _scope(total, "c-jinja"), _scope(total, None, "age")
    assert (jinja["total"], jinja["achievement"]) == (Decimal("58.18"), Decimal("116.4"))   # 64 / 110, not 50
    assert (youth["total"], youth["target"], youth["achievement"]) == (None, Decimal(30), None)
    assert "numerators and denominators" in youth["not_aggregated"]
    assert (total["disaggregations"], total["parts_not_aggregated"]) == ({}, ["age.age_15_24"])
