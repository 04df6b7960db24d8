"""Property: whatever the delivery order, duplicates and redeliveries, the incremental projection
(the real handlers, the real unit of work, a real SQLite database) gives exactly the figures of a
full recomputation from the source services' final state.

Hypothesis generates histories: programmes (some children of others, some updated, some never
announced), results with several approved versions (some moving city, period or reach), results
outside the plan's period and of non-corporate indicators, money (receipts, commitments,
disbursements, returns, some dated outside the plan) and applications through their lifecycle.
The events are then shuffled (so revisions often arrive before their originals), some delivered
twice with the same event id (redelivery) and some re-emitted under a new event id.

As of a date: each version is approved at a generated time, and the projection's figures as of a
drawn date (the versions that counted then, `metrics.as_of`) must equal both the recomputation of
the sources' state as of that date (`SourceState.as_of`) and the figures computed from only the
events approved by the end of that date; and the drill-down's sums must equal them."""
import os
from datetime import date, datetime, timezone
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import as_of, clock, domain, drilldown, handlers, plans, recompute
from metrics.attribution import money_txns
from metrics.domain.attribution import attribution
from metrics.domain.numbers import as_timestamp
from metrics.domain.versions import end_of
from shared import rollup
from shared.actors import Actor
from tests.metrics import builders as b
from tests.metrics.builders import MetricsDb, wire

TODAY = datetime(2020, 12, 31, 12, 0, tzinfo=timezone.utc)
PERIOD_ENDS = [date(2017, 12, 31), date(2018, 6, 30), date(2019, 12, 31), date(2020, 6, 30), date(2021, 12, 31),
               date(2022, 6, 30), date(2023, 12, 31)]
MONEY_DAYS = [datetime(2017, 3, 1, tzinfo=timezone.utc), datetime(2019, 5, 1, tzinfo=timezone.utc),
              datetime(2021, 2, 1, tzinfo=timezone.utc), datetime(2022, 8, 1, tzinfo=timezone.utc)]
THEMES = ["gender_equality", "resilience_climate", "cities_migration", "equitable_economic_growth"]
INDICATORS = ["people_reached", "people_reached", "women_empowered", "women_empowered", "km_of_drains"]
# an indicator's kind, reporting and roll-up rule (shared.rollup), drawn per programme and
# indicator: every combination the platform accepts, absent (events from before they existed) or
# a cumulative count more often. Only counts (`unit`) that roll up by sum count towards the
# objective, a cumulative series by its latest value; percentages, scores and `latest`/`max`
# counts are left out (docs/metrics.md "Counting rules").
EVERY_RULE = [{"kind": k, "reporting": r, "rollup": rule} for k in rollup.KINDS for r in rollup.REPORTING
              for rule in rollup.RULES if not rollup.rule_errors(k, r, rule)]
semantics_drawn = st.sampled_from(EVERY_RULE + [{}, {"reporting": "cumulative", "rollup": "sum"}] * 2)
# a percentage's (numerator, denominator): the value is numerator / denominator x 100 (exact)
percentages = st.one_of(st.none(), st.sampled_from([1, 4, 5, 8, 25, 200]).flatmap(
    lambda den: st.tuples(st.integers(0, den), st.just(den))))
SECOND_PLAN = """
id: plan-2020-2023
title: A second plan
period: {start: "2020-01-01", end: "2023-12-31"}
objective:
  statement: Reach 5000 people in more than 2 cities by 2023.
  deadline: "2023-12-31"
  targets:
    - {code: people, title: People, indicator: people_reached, measure: sum, comparison: at_least, value: 5000}
    - {code: cities, title: Cities, indicator: "*", measure: distinct_cities, comparison: more_than, value: 2}
indicators:
  - {code: people_reached, title: People}
themes: [{code: gender_equality, title: Gender}, {code: resilience_climate, title: Resilience}]
windows: [{code: global, title: Global}, {code: country_city, title: Country/City}]
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Two plans, a fixed clock and one database for every example (emptied in between)."""
    from shared import plan
    directory = tmp_path_factory.mktemp("equivalence")
    second = directory / "second.yaml"
    second.write_text(SECOND_PLAN)
    saved_files, saved_now = os.environ.get("PLAN_FILES"), clock.now
    os.environ["PLAN_FILES"] = os.pathsep.join([str(plan.PLANS_DIR / "strategic-plan-2018-2021.yaml"), str(second)])
    clock.now = lambda: TODAY
    try:
        yield MetricsDb(directory)
    finally:
        clock.now = saved_now
        if saved_files is None:
            os.environ.pop("PLAN_FILES", None)
        else:
            os.environ["PLAN_FILES"] = saved_files


# approval times: unordered across versions on purpose (a revision approved "before" its original
# must still never let the lower version count once the higher one is approved)
approval_times = st.sampled_from([datetime(2018, 7, 1, 8, tzinfo=timezone.utc), datetime(2019, 12, 31, 23, 59,
                                  tzinfo=timezone.utc), datetime(2020, 1, 1, tzinfo=timezone.utc),
                                  datetime(2020, 7, 15, 10, tzinfo=timezone.utc),
                                  datetime(2022, 1, 10, 9, tzinfo=timezone.utc)])
values = st.one_of(st.integers(0, 3000), st.sampled_from(["12.5", "0.25", "7.0001", "0"]))


def reach_splits(value):
    """None (the indicator's reach decides), or a `reach` disaggregation of the value: both parts
    (adding up to it) or one (the rest counts as the indicator's reach)."""
    whole = Decimal(str(value))
    part = (whole / 3).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    return st.sampled_from([None, {"direct": part, "indirect": whole - part}, {"indirect": whole - part},
                            {"direct": part}, {"direct": whole, "indirect": 0}])


@st.composite
def result_values(draw, kind):
    """A result's value as its kind reports it: a score of 1 to 5; a percentage from its numerator
    and denominator (or alone, without them); a count with or without a reach split."""
    if kind == "qualitative":
        return {"value": draw(st.integers(1, 5)), "measure": "unit"}
    if kind == "percentage":
        ratio = draw(percentages)
        if ratio is None:
            return {"value": draw(st.integers(0, 100)), "measure": "percentage"}
        return {"value": Decimal(ratio[0] * 100) / ratio[1], "numerator": ratio[0], "denominator": ratio[1],
                "measure": "percentage"}
    value = draw(values)
    return {"value": value, "reach_split": draw(reach_splits(value))}


@st.composite
def histories(draw):
    """(events in each producer's commit order, the deliveries the consumer sees)."""
    events = []
    # programmes: one level of hierarchy; some never announced (known only from their results)
    n_programmes = draw(st.integers(1, 4))
    parent: dict[str, str | None] = {}
    for i in range(n_programmes):
        roots = [f"p{j}" for j in range(i) if parent[f"p{j}"] is None]
        parent[f"p{i}"] = draw(st.one_of(st.none(), st.sampled_from(roots))) if roots else None
    for pid in parent:
        if draw(st.integers(0, 4)) == 0:
            continue   # never announced
        events.append(b.programme(pid, parent_id=parent[pid], themes=draw(st.lists(st.sampled_from(THEMES),
                                                                                    max_size=2, unique=True)),
                                  window=draw(st.sampled_from(["country_city", "global"])),
                                  sdg_goals=draw(st.lists(st.sampled_from(["1", "5", "11"]), max_size=2,
                                                          unique=True))))
        if draw(st.booleans()):
            events.append(b.programme(pid, version=2, parent_id=parent[pid], event_type="programme.updated",
                                      themes=draw(st.lists(st.sampled_from(THEMES), max_size=2, unique=True)),
                                      window=draw(st.sampled_from(["country_city", "global"]))))
    # results with one or more approved versions
    semantics: dict = {}
    series: list = []   # (programme, indicator, city) reported so far
    for i in range(draw(st.integers(1, 10))):
        pid = draw(st.sampled_from(sorted(parent)))
        attrs = {"indicator": draw(st.sampled_from(INDICATORS)), "reach": draw(st.sampled_from(["direct", "indirect"])),
                 "city": draw(st.sampled_from(sorted(b.CITIES))), "period_end": draw(st.sampled_from(PERIOD_ENDS))}
        if series and draw(st.booleans()):   # another period of a series already reported: what a rule decides
            pid, attrs["indicator"], attrs["city"] = draw(st.sampled_from(series))
        series.append((pid, attrs["indicator"], attrs["city"]))
        if (pid, attrs["indicator"]) not in semantics:
            semantics[(pid, attrs["indicator"])] = draw(semantics_drawn)
        rule = semantics[(pid, attrs["indicator"])]
        for version in range(1, draw(st.integers(1, 3)) + 1):
            if version > 1 and draw(st.integers(0, 3)) == 0:   # a correction that moves the result
                attrs = {**attrs, "city": draw(st.sampled_from(sorted(b.CITIES))),
                         "period_end": draw(st.sampled_from(PERIOD_ENDS))}
            events.append(b.result(f"r{i}", **draw(result_values(rule.get("kind", "unit"))), version=version,
                                   programme_id=pid, parent_id=parent[pid],
                                   corporate=attrs["indicator"] not in ("km_of_drains", "satisfaction"),
                                   approved_at=draw(approval_times), **attrs, **rule))
    # money
    events.append(b.fund("f-1"))
    for i in range(draw(st.integers(0, 2))):
        events.append(b.received(f"k{i}", f"{draw(st.integers(1, 10**6))}.00", at=draw(st.sampled_from(MONEY_DAYS)),
                                 contributor=draw(st.sampled_from(["Sweden", "Switzerland"]))))
    for i in range(draw(st.integers(0, 2))):
        ctx = {"theme": draw(st.sampled_from(THEMES)), "country": draw(st.sampled_from(["UG", "KE"])),
               "programme_id": draw(st.sampled_from(sorted(parent)))}
        amount = draw(st.integers(100, 10**5))
        events.append(b.committed(f"g{i}", f"{amount}.00", at=draw(st.sampled_from(MONEY_DAYS)), **ctx))
        if draw(st.booleans()):
            events.append(b.disbursed(f"d{i}", f"g{i}", f"{amount // 2}.50", **ctx))
        if draw(st.booleans()):
            events.append(b.closed(f"g{i}", f"{amount // 4}.25", cancelled=draw(st.booleans()), **ctx))
    # applications through their lifecycle
    for i in range(draw(st.integers(0, 3))):
        common = {"targets": tuple((ind, draw(st.integers(0, 500))) for ind in
                                   draw(st.lists(st.sampled_from(["people_reached", "women_empowered"]), min_size=1,
                                                 max_size=2, unique=True))),
                  "city": draw(st.sampled_from(["Jinja", "Arusha", "Mwanza"])), "country": "UG"}
        path = draw(st.sampled_from([(), ("under_review",), ("ineligible",), ("under_review", "awarded"),
                                     ("under_review", "rejected"), ("under_review", "withdrawn"), ("withdrawn",)]))
        events.append(b.application(f"a{i}", "application.submitted", **common))
        for status in path:
            event_type = {"under_review": "application.screened", "ineligible": "application.screened"}.get(
                status, f"application.{status}")
            events.append(b.application(f"a{i}", event_type, status=status, **common))
    envelopes = [wire(t, p) for t, p in events]
    deliveries = list(envelopes)
    for envelope in envelopes:
        copies = draw(st.integers(0, 5))
        if copies == 1:
            deliveries.append(envelope)                                          # redelivered: same id
        elif copies == 2:
            deliveries.append(wire(envelope.type, envelope.payload))             # re-emitted: a new id
    deliveries = draw(st.permutations(deliveries))
    return envelopes, deliveries


def _direct_part(payload):
    """The direct people of a result: its reach split's, plus what it does not split when its
    indicator's reach is direct."""
    split = payload["disaggregations"].get("reach", {})
    rest = payload["value"] - split.get("direct", 0) - split.get("indirect", 0)
    return split.get("direct", 0) + (rest if payload["indicator"]["reach"] == "direct" else 0)


def _counted(plan, commit_order):
    """The final values that count for the plan, by the rules as docs/metrics.md states them: of
    its corporate indicators, ending in its period, counts (`unit`) rolling up by `sum` only (no
    percentage, score, `latest` or `max`), a cumulative series (indicator, programme, city) by its
    latest value (by period end, then value, then result id)."""
    final = {}
    for e in commit_order:
        if e.type in ("result.approved", "result.revised"):
            final[e.payload["result_id"]] = e.payload
    counted = [p for p in final.values() if p["indicator"]["code"] in plan.indicators and p["indicator"]["corporate"]
               and (p["indicator"].get("kind") or p["indicator"]["measure"]) == "unit"
               and p["indicator"].get("rollup", "sum") == "sum" and plan.start <= p["period"]["end"] <= plan.end]
    latest = {}
    for p in sorted(counted, key=lambda p: (p["period"]["end"], p["value"], p["result_id"])):
        if p["indicator"].get("reporting") == "cumulative":
            latest[(p["indicator"]["code"], p["programme_id"], p["city"]["id"])] = p
    return [p for p in counted if p["indicator"].get("reporting") != "cumulative"] + list(latest.values())


def _bodies(plan, snap):
    today = TODAY.date()
    snap.updated_at = None
    out = {"progress": domain.progress(plan, snap, today=today, as_of=None),
           "as_of": domain.progress(plan, snap, today=today, as_of=date(2019, 12, 31)),
           "history": domain.history(plan, snap, today=today, as_of=None),
           "pipeline": domain.pipeline(plan, snap, today=today, as_of=None)}
    for dimension in domain.DIMENSIONS:
        out[dimension] = domain.breakdown(plan, snap, dimension, today=today, as_of=None)
    return out


ADMIN = Actor.key(key_id="k-admin", organisation="XM-SECRETARIAT", role="admin")


def _dated_bodies(plan, snap, day):
    """The bodies a read as of `day` renders (today is the date itself, as in the API)."""
    snap.updated_at = None
    out = {"progress": domain.progress(plan, snap, today=day, as_of=day),
           "history": domain.history(plan, snap, today=day, as_of=day)}
    out["programme"] = domain.breakdown(plan, snap, "programme", today=day, as_of=day)
    return out


def _approved_by(event, day):
    """Whether an event is known at the end of `day`: results by their approval; the rest always
    (money is dated by value date by the rule itself, programmes apply with their current attributes)."""
    at = {"result.approved": "approved_at", "result.revised": "revised_at"}.get(event.type)
    return at is None or as_timestamp(event.payload[at]) < end_of(day)


def _check_as_of(world, plan, state, commit_order, txns, day):
    with world.uow() as uow:
        actual = as_of.snapshot(uow.projection, plan, day, cells=True, dims=True)
    expected = recompute.snapshot(plan, state.as_of(day))
    only_then = recompute.snapshot(plan, recompute.fold((e.type, e.payload) for e in commit_order
                                                        if _approved_by(e, day)))
    for snap in (expected, only_then):
        snap.programmes = actual.programmes   # programmes known only from later results: no figures
    assert actual.canonical() == expected.canonical() == only_then.canonical()
    assert _dated_bodies(plan, actual, day) == _dated_bodies(plan, expected, day)
    figures = domain.progress(plan, expected, today=day, as_of=day)["figures"]
    assert attribution(plan, actual, txns, today=day, as_of=day) == attribution(
        plan, expected, state.money.values(), today=day, as_of=day)
    for figure in plan.figures:   # the drill-down as of the date adds up to the figure as of the date
        behind = drilldown.list_results(world.uow(), figure.code, plan.id, day, actor=ADMIN, limit=200)
        if figure.measure == "sum":
            assert behind["summary"]["value"] == figures[figure.code]["value"]
        else:   # the results behind a distinct count are in exactly the cities (countries) it counts
            place = "id" if figure.measure == "distinct_cities" else "country"
            assert len({i["city"][place] for i in behind["items"]}) == figures[figure.code]["value"]


@settings(max_examples=int(os.environ.get("METRICS_EQUIVALENCE_EXAMPLES", 300)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(history=histories(), day=st.one_of(st.none(), st.none(), st.dates(date(2017, 6, 1), date(2024, 12, 31))))
def test_incremental_projection_equals_full_recomputation(world, history, day):
    commit_order, deliveries = history
    check_history(world, commit_order, deliveries, day)


def check_history(world, commit_order, deliveries, day):
    """Deliver the events; the store == the recomputation == the oracle (and as of `day`)."""
    world.empty()
    for envelope in deliveries:
        handlers.apply_event(world.uow(), envelope)

    state = recompute.fold((e.type, e.payload) for e in commit_order)
    assert len(plans.current()) == 2
    for plan in plans.current().values():
        with world.uow() as uow:
            actual = uow.projection.snapshot(plan, cells=True, dims=True)
        expected = recompute.snapshot(plan, state)
        assert actual.canonical() == expected.canonical()
        assert _bodies(plan, actual) == _bodies(plan, expected)
        with world.uow() as uow:   # donor attribution: from the stored transactions == from the sources
            txns = money_txns(uow.projection)
        for when in (None, date(2019, 12, 31)):
            got = attribution(plan, actual, txns, today=TODAY.date(), as_of=when)
            assert got == attribution(plan, expected, state.money.values(), today=TODAY.date(), as_of=when)
            for code in got["figures"]:   # exact: the contributors' credits and the rest add up to the figure
                credited = sum(domain.scale_value(i["figures"][code]) for i in got["items"])
                assert credited == domain.scale_value(got["attributed"][code])
                assert domain.scale_value(got["total"][code]) == (
                    credited + domain.scale_value(got["unattributed"][code]))
        # and an oracle that shares no code with either: the counted final values, added up
        counted = _counted(plan, commit_order)
        for figure in plan.figures:
            mine = [p for p in counted if figure.indicator in ("*", p["indicator"]["code"])]
            got = domain.figure_value(plan, figure, actual)
            if figure.measure == "sum":
                assert (got["value"], got["direct"]) == (sum(domain.scale_value(p["value"]) for p in mine),
                                                         sum(domain.scale_value(_direct_part(p)) for p in mine))
            elif figure.measure == "distinct_cities":   # a city counts while a counted value in it is positive
                assert got["value"] == len({p["city"]["id"] for p in mine if p["value"] > 0})
        if day is not None:   # as of a date (a third of the examples: it doubles an example's cost)
            _check_as_of(world, plan, state, commit_order, txns, day)
