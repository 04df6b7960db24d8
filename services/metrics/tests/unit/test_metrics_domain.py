"""Progress towards a plan's targets. (Named test_metrics_*: with pytest's default
import mode, test modules in directories without __init__.py need unique basenames.)"""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from metrics.domain import progress, share, target_met

AT_LEAST_7 = {"comparison": "at_least", "value": 7}
MORE_THAN_60 = {"comparison": "more_than", "value": 60}


@pytest.mark.parametrize("value, met", [(0, False), (6, False), (7, True), (8, True)])
def test_at_least_includes_the_target_itself(value, met):
    assert target_met(value, AT_LEAST_7) is met


@pytest.mark.parametrize("value, met", [(59, False), (60, False), (61, True), (1000, True)])
def test_more_than_60_needs_61(value, met):
    assert target_met(value, MORE_THAN_60) is met


def test_share_of_more_than_counts_against_the_first_value_that_meets_it():
    assert share(61, MORE_THAN_60) == Decimal("1")      # 61 of the 61 needed
    assert share(60, MORE_THAN_60) < 1                  # 60 of 61: not there yet
    assert share(60, MORE_THAN_60) == Decimal("0.983607")  # 60/61 = 0.9836065...


def test_share_is_to_six_places_even_when_exact():
    result = share(7, AT_LEAST_7)
    assert result == 1 and result.as_tuple().exponent == -6
    assert str(share(0, AT_LEAST_7)) == "0.000000"


@pytest.mark.parametrize("value, expected", [
    (1, "0.007812"),   # 1/128 = 0.0078125: a tie, half to even rounds down
    (3, "0.023438"),   # 3/128 = 0.0234375: a tie, half to even rounds up
    (5, "0.039062"),   # 5/128 = 0.0390625
    (16, "0.125000"),  # exact
])
def test_share_rounds_half_to_even(value, expected):
    assert share(value, {"comparison": "at_least", "value": 128}) == Decimal(expected)
    assert share(value, {"comparison": "more_than", "value": 127}) == Decimal(expected)


def test_share_can_exceed_one():
    assert share(14, AT_LEAST_7) == Decimal("2")
    assert share(12_345_678, {"comparison": "at_least", "value": 20_000_000}) == Decimal("0.617284")


PLAN = {
    "id": "plan-x",
    "objective": {
        "statement": "Improve lives in more than 60 cities.",
        "deadline": "2021-12-31",
        "targets": [
            {"code": "people", "title": "People", "indicator": "people_reached", "measure": "sum",
             "comparison": "at_least", "value": 20_000_000},
            {"code": "cities", "title": "Cities", "indicator": "women_empowered",
             "measure": "distinct_cities", "comparison": "more_than", "value": 60},
        ],
    },
}


def test_progress_reports_each_target_and_the_objective():
    as_of = datetime(2021, 12, 1, 23, 59, tzinfo=timezone.utc)
    updated = datetime(2021, 11, 30, 8, 0, tzinfo=timezone.utc)
    money = [{"currency": "USD", "amount": "100.00"}]

    report = progress(PLAN, {"people": 12_345_678, "cities": 61}, as_of=as_of, money=money, updated_at=updated)

    assert report == {
        "plan_id": "plan-x", "objective": "Improve lives in more than 60 cities.",
        "deadline": date(2021, 12, 31), "as_of": as_of, "days_to_deadline": 30,
        "achieved": False,
        "targets": [
            {"code": "people", "title": "People", "indicator": "people_reached", "measure": "sum",
             "comparison": "at_least", "target": 20_000_000, "value": 12_345_678,
             "share": Decimal("0.617284"), "achieved": False},
            {"code": "cities", "title": "Cities", "indicator": "women_empowered",
             "measure": "distinct_cities", "comparison": "more_than", "target": 60, "value": 61,
             "share": Decimal("1.0000"), "achieved": True},
        ],
        "money": {"committed": money}, "updated_at": updated,
    }


def test_the_objective_is_achieved_only_when_every_target_is():
    as_of = datetime(2022, 1, 2, tzinfo=timezone.utc)
    met = progress(PLAN, {"people": 20_000_000, "cities": 61}, as_of=as_of, money=[], updated_at=None)
    assert met["achieved"] is True
    assert met["days_to_deadline"] == -2
    assert met["updated_at"] is None
    one_short = progress(PLAN, {"people": 20_000_000, "cities": 60}, as_of=as_of, money=[], updated_at=None)
    assert one_short["achieved"] is False


def test_a_target_without_a_figure_counts_as_zero():
    report = progress(PLAN, {}, as_of=datetime(2021, 12, 31, tzinfo=timezone.utc), money=[], updated_at=None)
    assert [(t["value"], t["share"], t["achieved"]) for t in report["targets"]] == [
        (0, Decimal(0), False), (0, Decimal(0), False)]
    assert report["days_to_deadline"] == 0
