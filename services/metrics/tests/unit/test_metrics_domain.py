"""Counting rules, projection and status, coalescing. Pure. (Named test_metrics_*: with pytest's
default import mode, test modules in directories without __init__.py need unique basenames.)"""
import dataclasses
from datetime import date
from fractions import Fraction

import pytest

from metrics import domain
from metrics.domain import Figure, Plan, ResultFact, Snapshot
from metrics.publisher import Coalescer

RAW_PLAN = {
    "id": "plan-x", "title": "Plan X", "period": {"start": "2018-01-01", "end": "2021-12-31"},
    "objective": {
        "statement": "Improve lives in more than 60 cities.", "deadline": "2021-12-31",
        "targets": [
            {"code": "people", "title": "People", "indicator": "people_reached", "measure": "sum",
             "comparison": "at_least", "value": 1000},
            {"code": "cities", "title": "Cities", "indicator": "women_empowered", "measure": "distinct_cities",
             "comparison": "more_than", "value": 2},
        ],
    },
    "indicators": [{"code": "people_reached", "title": "People reached"},
                   {"code": "women_empowered", "title": "Women empowered"}],
    "themes": [{"code": "gender_equality", "title": "Gender"}], "windows": [{"code": "global", "title": "Global"}],
}
PLAN = Plan.from_dict(RAW_PLAN)
PEOPLE, CITIES = PLAN.figures[0], PLAN.figures[1]


def fact(result_id="r-1", value=100, *, version=1, indicator="people_reached", corporate=True, measure="unit",
         reach="direct", city="c-1", country="UG", end=date(2020, 6, 30), programme="p-1"):
    return ResultFact(result_id, version, programme, None, indicator, corporate, measure, reach, city, city, country,
                      date(end.year, 1, 1), end, domain.scale_value(value))


# --- the plan's figures ---------------------------------------------------------------------

def test_the_plan_yields_its_targets_and_the_figures_every_plan_reports():
    assert [(f.code, f.indicator, f.measure, f.needed) for f in PLAN.figures] == [
        ("people", "people_reached", "sum", 1000),
        ("cities", "women_empowered", "distinct_cities", 3),          # more than 2: 3 meets it
        ("women_empowered", "women_empowered", "sum", None),           # every indicator's sum
        ("cities_reached", "*", "distinct_cities", None),
        ("countries_reached", "*", "distinct_countries", None),
    ]


def test_the_shipped_plan_figures():
    from shared import plan
    shipped = Plan.from_dict(plan.load_plan(plan.PLANS_DIR / "strategic-plan-2018-2021.yaml"))
    assert [f.code for f in shipped.figures] == ["people_reached", "cities_women_empowered", "countries_reached",
                                                 "women_empowered", "cities_reached"]


@pytest.mark.parametrize("changes, counts", [
    ({}, True),
    ({"corporate": False}, False),                       # a programme's own indicator
    ({"indicator": "km_of_drains"}, False),              # not an indicator of the plan
    ({"measure": "percentage"}, False),                  # cannot be summed
    ({"end": date(2017, 12, 31)}, False),                # period ended before the plan
    ({"end": date(2018, 1, 1)}, True),
    ({"end": date(2021, 12, 31)}, True),
    ({"end": date(2022, 1, 1)}, False),                  # after the plan
    ({"version": 0}, False),                             # a row being claimed, not a value
])
def test_what_counts(changes, counts):
    assert PLAN.counts(fact(**changes)) is counts


def test_a_revision_moves_the_contribution_never_adds():
    old, new = fact(value=100), fact(value=80, version=2)
    key = ("plan-x", "people_reached", "direct", "p-1", "c-1", "UG", date(2020, 6, 30))
    assert domain.cell_deltas(None, old, [PLAN]) == {key: (1_000_000, 1)}
    assert domain.cell_deltas(old, new, [PLAN]) == {key: (-200_000, 0)}
    moved = fact(value=80, version=2, city="c-2", country="KE")
    deltas = domain.cell_deltas(old, moved, [PLAN])
    assert deltas[key] == (-1_000_000, -1)
    assert deltas[("plan-x", "people_reached", "direct", "p-1", "c-2", "KE", date(2020, 6, 30))] == (800_000, 1)
    assert domain.cell_deltas(old, fact(value=0, version=2), [PLAN]) == {key: (-1_000_000, -1)}   # city drops out
    assert domain.cell_deltas(old, old, [PLAN]) == {}


def test_a_reach_split_counts_each_part_under_its_reach_and_a_revision_moves_it():
    key = ("plan-x", "people_reached", "{}", "p-1", "c-1", "UG", date(2020, 6, 30))
    direct, indirect = key[:2] + ("direct",) + key[3:], key[:2] + ("indirect",) + key[3:]
    plain = fact(value=100)
    split = dataclasses.replace(plain, version=2, split_direct=domain.scale_value(30),
                                split_indirect=domain.scale_value(70))
    assert domain.cell_deltas(plain, split, [PLAN]) == {direct: (-700_000, 0), indirect: (700_000, 1)}
    resplit = dataclasses.replace(split, version=3, split_direct=domain.scale_value(60),
                                  split_indirect=domain.scale_value(40))
    assert domain.cell_deltas(split, resplit, [PLAN]) == {direct: (300_000, 0), indirect: (-300_000, 0)}
    # only direct given: the rest counts as the indicator's reach (here indirect)
    partial = dataclasses.replace(fact(value=100, reach="indirect"), split_direct=domain.scale_value(25))
    assert domain.cell_deltas(None, partial, [PLAN]) == {direct: (250_000, 1), indirect: (750_000, 1)}
    assert domain.cell_deltas(resplit, None, [PLAN]) == {direct: (-600_000, -1), indirect: (-400_000, -1)}


def test_a_result_event_with_a_reach_split():
    from tests.metrics import builders as b
    event_type, payload = b.result("r-1", 100, reach="direct", reach_split={"direct": 40, "indirect": 60})
    parsed = domain.result_from_event(event_type, payload)
    assert parsed.reach_parts() == (("direct", 400_000), ("indirect", 600_000))
    snap = snapshot_of(parsed, fact("b", 50))
    assert domain.figure_value(PLAN, PEOPLE, snap) == {"value": 1_500_000, "direct": 900_000, "indirect": 600_000}


def test_newer_versions_win_and_nothing_else():
    assert domain.newer(1, None) and domain.newer(3, 2)
    assert not domain.newer(2, 2) and not domain.newer(1, 2)


def test_values_are_exact_to_four_places():
    assert domain.scale_value("1200") == 12_000_000
    assert domain.scale_value("0.00005") == 0 and domain.scale_value("0.00015") == 2   # half to even
    assert domain.value_out(12_000_000) == 1200 and domain.value_out(12_345) == "1.2345"


# --- figures from a snapshot -----------------------------------------------------------------

def snapshot_of(*facts):
    from metrics import recompute
    state = recompute.SourceState()
    for f in facts:
        state.add_result(f)
    return recompute.snapshot(PLAN, state)


def test_direct_and_indirect_reach_are_kept_apart_and_summed():
    snap = snapshot_of(fact("a", 100), fact("b", 50, reach="indirect"), fact("c", 7, indicator="women_empowered"))
    assert domain.figure_value(PLAN, PEOPLE, snap) == {"value": 1_500_000, "direct": 1_000_000, "indirect": 500_000}


def test_distinct_cities_count_cities_with_a_positive_value():
    snap = snapshot_of(fact("a", 5, indicator="women_empowered", city="c-1"),
                       fact("b", 3, indicator="women_empowered", city="c-1"),
                       fact("c", 0, indicator="women_empowered", city="c-2"),
                       fact("d", 9, indicator="people_reached", city="c-3", country="KE"))
    assert domain.figure_value(PLAN, CITIES, snap) == {"value": 1}
    countries = next(f for f in PLAN.figures if f.code == "countries_reached")
    assert domain.figure_value(PLAN, countries, snap) == {"value": 2}


def test_series_is_cumulative_by_period_end_and_distinct_counts_from_first_appearance():
    snap = snapshot_of(fact("a", 100, end=date(2019, 6, 30)), fact("b", 50, end=date(2020, 6, 30)),
                       fact("c", 1, indicator="women_empowered", city="c-1", end=date(2019, 6, 30)),
                       fact("d", 1, indicator="women_empowered", city="c-1", end=date(2020, 6, 30)),
                       fact("e", 1, indicator="women_empowered", city="c-2", end=date(2020, 6, 30)))
    assert domain.series(PLAN, PEOPLE, snap) == [(date(2019, 6, 30), 1_000_000), (date(2020, 6, 30), 1_500_000)]
    assert domain.series(PLAN, CITIES, snap) == [(date(2019, 6, 30), 1), (date(2020, 6, 30), 2)]
    earlier = snap.as_of(date(2019, 12, 31))
    assert domain.figure_value(PLAN, PEOPLE, earlier)["value"] == 1_000_000


# --- projection and status ---------------------------------------------------------------------

def test_least_squares_is_exact():
    a, b = domain.trend([(0, Fraction(0)), (1, Fraction(2)), (2, Fraction(4))])
    assert (a, b) == (0, 2)
    a, b = domain.trend([(0, Fraction(0)), (1, Fraction(1)), (2, Fraction(1))])
    assert (a, b) == (Fraction(1, 6), Fraction(1, 2))
    assert domain.trend([(3, Fraction(1))]) is None


def points(*pairs):
    return [(d, domain.scale_value(v)) for d, v in pairs]


def test_on_track_when_the_trend_meets_the_target_at_the_deadline():
    # steady growth: 250 per half-year from 2018 reaches 1,000 by the end of 2021
    series = points((date(2018, 6, 30), 125), (date(2018, 12, 31), 250), (date(2019, 6, 30), 375),
                    (date(2019, 12, 31), 500), (date(2020, 6, 30), 625))
    p = domain.projection(PLAN, PEOPLE, series, date(2020, 6, 30))
    assert p["status"] == "on_track" and p["projected_at_deadline"] >= 1000
    assert p["projected_reached_on"] is not None and p["projected_reached_on"] <= PLAN.deadline
    assert p["reached_on"] is None


def test_at_risk_between_80_and_100_percent_and_off_track_below():
    at_risk = points((date(2019, 12, 31), 400), (date(2020, 6, 30), 500))
    p = domain.projection(PLAN, PEOPLE, at_risk, date(2020, 6, 30))
    assert 800 <= p["projected_at_deadline"] < 1000 and p["status"] == "at_risk"
    off = points((date(2019, 12, 31), 100), (date(2020, 6, 30), 150))
    assert domain.projection(PLAN, PEOPLE, off, date(2020, 6, 30))["status"] == "off_track"


def test_a_figure_that_stops_growing_drifts_off_track_as_time_passes():
    series = points((date(2018, 12, 31), 300), (date(2019, 6, 30), 450))
    assert domain.projection(PLAN, PEOPLE, series, date(2019, 6, 30))["status"] == "on_track"
    later = domain.projection(PLAN, PEOPLE, series, date(2021, 6, 30))
    assert later["status"] in ("at_risk", "off_track")
    assert later["projected_at_deadline"] >= 450    # never below the value already reached


def test_achieved_reports_the_period_it_was_reached_and_after_the_deadline_it_is_final():
    series = points((date(2019, 6, 30), 600), (date(2020, 6, 30), 1000), (date(2020, 12, 31), 1200))
    p = domain.projection(PLAN, PEOPLE, series, date(2021, 1, 15))
    assert p["status"] == "achieved" and p["reached_on"] == date(2020, 6, 30)
    short = points((date(2020, 6, 30), 900))
    after = domain.projection(PLAN, PEOPLE, short, date(2022, 3, 1))
    assert after["status"] == "off_track" and after["projected_at_deadline"] == 900


def test_more_than_needs_one_more():
    cities = [(date(2019, 6, 30), 1), (date(2020, 6, 30), 2)]
    assert domain.projection(PLAN, CITIES, cities, date(2022, 1, 1))["status"] == "off_track"
    assert domain.projection(PLAN, CITIES, cities + [(date(2020, 12, 31), 3)], date(2021, 1, 1))["status"] \
        == "achieved"


def test_share_rounds_half_to_even_against_the_least_value_that_meets_the_target():
    assert domain.share(CITIES, 3) == "1.000000"
    assert domain.share(CITIES, 2) == "0.666667"
    assert domain.share(PEOPLE, domain.scale_value("7.8125")) == "0.007812"     # a tie: half to even, down
    assert domain.share(PEOPLE, domain.scale_value("23.4375")) == "0.023438"    # a tie: half to even, up
    assert domain.share(Figure("x", "x", "x", "sum"), 5) is None


def test_overall_status_is_the_worst_target():
    assert domain.overall_status(["achieved", "on_track"]) == "on_track"
    assert domain.overall_status(["at_risk", "off_track", "achieved"]) == "off_track"
    assert domain.overall_status(["achieved", "achieved"]) == "achieved"


def test_progress_body():
    snap = snapshot_of(fact("a", 600, end=date(2019, 6, 30)), fact("b", 500, reach="indirect"))
    body = domain.progress(PLAN, snap, today=date(2020, 12, 31), as_of=None, revision=7)
    people = body["targets"][0]
    assert (people["value"], people["direct"], people["indirect"], people["share"], people["achieved"],
            people["status"], people["reached_on"]) == (1100, 600, 500, "1.100000", True, "achieved", "2020-06-30")
    assert body["status"] == "off_track"   # no cities with women-empowerment results
    assert body["figures"]["people"] == {"value": 1100, "direct": 600, "indirect": 500}
    assert body["revision"] == 7 and body["days_to_deadline"] == 365
    assert domain.body_hash(body) == domain.body_hash({**body, "revision": 8})


def test_money_committed_is_net_of_returns_and_available_is_pooled_minus_committed():
    snap = Snapshot(money=[
        ("received", "USD", "f-1", "global", "", "", "", date(2019, 1, 1), 100_000),
        ("committed", "USD", "f-1", "global", "gender_equality", "UG", "p-1", date(2019, 2, 1), 60_000),
        ("returned", "USD", "f-1", "global", "gender_equality", "UG", "p-1", date(2019, 3, 1), 10_000),
        ("disbursed", "USD", "f-1", "global", "gender_equality", "UG", "p-1", date(2019, 3, 1), 30_000),
        ("received", "EUR", "f-2", "global", "", "", "", date(2022, 1, 1), 99_999),   # after the plan: still the funds'
    ])
    body = domain.progress(PLAN, snap, today=date(2020, 1, 1), as_of=None)
    assert body["funds"] == [
        {"currency": "EUR", "pooled": "999.99", "committed": "0.00", "disbursed": "0.00", "available": "999.99",
         "cost_per_person_committed": None, "cost_per_person_disbursed": None},
        {"currency": "USD", "pooled": "1000.00", "committed": "500.00", "disbursed": "300.00", "available": "500.00",
         "cost_per_person_committed": None, "cost_per_person_disbursed": None}]
    assert body["money"]["committed"] == [{"currency": "USD", "amount": "500.00"}]
    earlier = domain.progress(PLAN, snap, today=date(2019, 2, 15), as_of=date(2019, 2, 15))
    assert earlier["money"]["committed"] == [{"currency": "USD", "amount": "600.00"}]   # the return came later


# --- coalescing -----------------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_coalescer_publishes_at_most_once_per_interval_and_always_the_last_change():
    clock = Clock()
    c = Coalescer(0.2, clock)
    assert c.take_due() == [] and c.next_wait() is None
    c.mark(["p"])
    assert c.take_due() == ["p"]          # first change: at once
    c.published("p")
    published = 1
    for _ in range(10_000):                # a burst over 2 seconds
        c.mark(["p"])
        clock.t += 0.0002
        if c.take_due():
            c.published("p")
            published += 1
    assert published <= 2 / 0.2 + 2
    assert c.dirty == {"p"} or c.next_wait() is None
    clock.t += 0.2
    if c.dirty:
        assert c.next_wait() == 0 and c.take_due() == ["p"]   # the last change is published
    assert c.take_due() == [] and c.next_wait() is None


def test_a_change_during_publishing_is_published_again():
    clock = Clock()
    c = Coalescer(0.2, clock)
    c.mark(["p"])
    assert c.take_due() == ["p"]
    c.mark(["p"])                          # arrives while "p" is being published
    c.published("p")
    assert c.take_due() == [] and 0 < c.next_wait() <= 0.2 + 1e-9
    clock.t += 0.2
    assert c.take_due() == ["p"]


def test_an_isolated_change_is_published_at_once_after_an_idle_interval():
    clock = Clock()
    c = Coalescer(0.02, clock)
    c.mark(["p"])
    assert c.take_due() == ["p"]
    c.published("p")
    clock.t += 0.5                         # idle
    c.mark(["p"])
    assert c.next_wait() == 0 and c.take_due() == ["p"]   # the leading edge: no window to wait out


def test_changes_during_a_long_publish_are_coalesced_into_one_publish_right_after_it():
    clock = Clock()
    c = Coalescer(0.02, clock)
    c.mark(["p"])
    assert c.take_due() == ["p"]
    for _ in range(50):                    # 50 changes while "p" is published for 0.1 s
        c.mark(["p"])
        clock.t += 0.002
        assert c.take_due() == [] and c.next_wait() is None   # never twice at once
    c.published("p")
    assert c.next_wait() == 0 and c.take_due() == ["p"]       # one publish, as soon as it ends
    c.published("p")
    assert c.take_due() == [] and c.next_wait() is None


def test_a_burst_yields_a_bounded_number_of_publishes_ending_in_the_last_change():
    clock = Clock()
    c = Coalescer(0.02, clock)
    publishes, last_change, last_publish = 0, None, None
    for n in range(10_000):                # a burst over 2 s, each publish taking 5 ms
        c.mark(["p"])
        last_change = n
        clock.t += 0.0002
        if n % 25 == 0 and c.take_due():   # the publisher loop looks every 5 ms
            publishes, last_publish = publishes + 1, n
            c.published("p")
    clock.t += 0.02
    if c.take_due():
        publishes, last_publish = publishes + 1, last_change
    assert publishes <= 2 / 0.02 + 2       # bounded by the interval
    assert last_publish == last_change     # and the final state goes out
