"""Projections and queries of the metrics service through its real unit of work on SQLite."""
from datetime import date

import pytest
import sqlalchemy as sa

from metrics import handlers, models
from shared.errors import InvalidInput, NotFound
from tests.metrics import builders as b
from tests.metrics.builders import wire

PLAN_ID = "strategic-plan-2018-2021"


def figures(db, **kw):
    return handlers.get_progress(db.uow(), **kw)["figures"]


def people(db, **kw):
    return figures(db, **kw)["people_reached"]


def test_an_event_is_applied_once_with_its_inbox_record(db):
    event = wire(*b.result("r-1", 1200))
    assert handlers.apply_event(db.uow(), event) is True
    assert handlers.apply_event(db.uow(), event) is False       # redelivered: same event id
    assert people(db) == {"value": 1200, "direct": 1200, "indirect": 0}
    with db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(models.inbox)).scalar_one() == 1


def test_an_approved_value_counts_and_a_revision_replaces_it(db, apply):
    apply(b.result("r-1", 1200), b.result("r-2", 300))
    assert people(db)["value"] == 1500
    apply(b.result("r-1", 1000, version=2))
    assert people(db)["value"] == 1300      # 1000 replaces 1200: never 2500


def test_a_revision_before_its_original_and_a_late_older_version_change_nothing(db, apply):
    apply(b.result("r-1", 900, version=2), b.result("r-1", 1200, version=1), b.result("r-1", 1200, version=1))
    assert people(db)["value"] == 900


def test_the_same_version_again_under_another_event_id_is_not_counted_twice(db, apply):
    assert apply(b.result("r-1", 5), b.result("r-1", 5)) == [True, True]
    assert people(db)["value"] == 5


def test_what_does_not_count(db, apply):
    apply(b.result("r-1", 40, indicator="km_of_drains", corporate=False),
          b.result("r-2", 40, period_end=date(2017, 12, 31)),     # before the plan's period
          b.result("r-3", 40, period_end=date(2022, 3, 31)),      # after it
          b.result("r-4", 40, measure="percentage"))
    assert people(db)["value"] == 0 and figures(db)["cities_reached"] == {"value": 0}


def test_distinct_cities_and_countries_are_reference_counted(db, apply):
    apply(b.result("w-1", 5, indicator="women_empowered", city="c-jinja"),
          b.result("w-2", 3, indicator="women_empowered", city="c-jinja"),
          b.result("w-3", 4, indicator="women_empowered", city="c-kisumu"))
    f = figures(db)
    assert f["cities_women_empowered"] == {"value": 2} and f["countries_reached"] == {"value": 2}
    apply(b.result("w-3", 0, version=2, indicator="women_empowered", city="c-kisumu"))   # revised to 0
    f = figures(db)
    assert f["cities_women_empowered"] == {"value": 1} and f["countries_reached"] == {"value": 1}
    apply(b.result("w-1", 0, version=2, indicator="women_empowered", city="c-jinja"))
    assert figures(db)["cities_women_empowered"] == {"value": 1}    # w-2 still counts Jinja
    body = handlers.get_progress(db.uow())
    cities = next(t for t in body["targets"] if t["code"] == "cities_women_empowered")
    assert (cities["value"], cities["share"], cities["target"], cities["comparison"]) == (1, "0.016393", 60,
                                                                                           "more_than")


def test_direct_and_indirect_reach(db, apply):
    apply(b.result("r-1", 100), b.result("r-2", 50, reach="indirect"))
    assert people(db) == {"value": 150, "direct": 100, "indirect": 50}


def test_children_count_once_and_roll_up_into_their_parent(db, apply):
    apply(b.programme("p-jwp", title="Joint Work Programme"),
          b.programme("p-a", parent_id="p-jwp", themes=("resilience_climate",)),
          b.result("r-parent", 50, programme_id="p-jwp"),
          b.result("r-a", 100, programme_id="p-a", parent_id="p-jwp"),
          b.result("r-b", 200, programme_id="p-b", parent_id="p-jwp"))   # p-b: not known yet
    assert people(db)["value"] == 350
    by_programme = handlers.get_breakdown(db.uow(), "programme")["items"]
    assert [(i["key"], i["name"], i["figures"]["people_reached"]["value"]) for i in by_programme] == [
        ("p-jwp", "Joint Work Programme", 350)]
    by_theme = {i["key"]: i["figures"]["people_reached"]["value"]
                for i in handlers.get_breakdown(db.uow(), "theme")["items"]}
    assert by_theme == {"gender_equality": 50, "resilience_climate": 100, None: 200}
    apply(b.programme("p-b", parent_id="p-jwp", themes=("gender_equality", "cities_migration")))   # arrives late
    by_theme = {i["key"]: i["figures"]["people_reached"]["value"]
                for i in handlers.get_breakdown(db.uow(), "theme")["items"]}
    assert by_theme == {"gender_equality": 250, "resilience_climate": 100, "cities_migration": 200}


def test_programme_versions_older_than_held_are_ignored(db, apply):
    apply(b.programme("p-1", version=2, window="global", event_type="programme.updated"),
          b.programme("p-1", version=1, window="country_city"),
          b.result("r-1", 10))
    windows = handlers.get_breakdown(db.uow(), "window")["items"]
    assert [(i["key"], i["name"]) for i in windows] == [("global", "Global Window")]


def test_breakdowns_by_country_city_and_sdg_goal(db, apply):
    apply(b.programme("p-1", sdg_goals=("11", "5")),
          b.result("r-1", 10, city="c-jinja"), b.result("r-2", 20, city="c-kisumu"),
          b.result("r-3", 30, city="c-nakuru"))
    country = {i["key"]: (i["figures"]["people_reached"]["value"], i["figures"]["cities_reached"]["value"])
               for i in handlers.get_breakdown(db.uow(), "country")["items"]}
    assert country == {"KE": (50, 2), "UG": (10, 1)}
    city = {i["key"]: (i["name"], i["figures"]["people_reached"]["value"])
            for i in handlers.get_breakdown(db.uow(), "city")["items"]}
    assert city == {"c-jinja": ("Jinja", 10), "c-kisumu": ("Kisumu", 20), "c-nakuru": ("Nakuru", 30)}
    sdg = {i["key"]: i["figures"]["people_reached"]["value"]
           for i in handlers.get_breakdown(db.uow(), "sdg_goal")["items"]}
    assert sdg == {"11": 60, "5": 60}
    with pytest.raises(NotFound):
        handlers.get_breakdown(db.uow(), "colour")


def test_money_per_fund_window_theme_and_country_and_cost_per_person(db, apply):
    apply(b.fund("f-1", window="country_city"),
          b.received("k-1", "100000.00"), b.received("k-1", "100000.00"),    # the same receipt twice
          b.committed("g-1", "40000.00", theme="gender_equality", country="UG"),
          b.committed("g-2", "20000.00", theme="resilience_climate", country="KE"),
          b.disbursed("d-1", "g-1", "30000.00"),
          b.closed("g-1", "10000.00"),
          b.result("r-1", 1000))
    body = handlers.get_progress(db.uow())
    assert body["funds"] == [{
        "currency": "USD", "pooled": "100000.00", "committed": "50000.00", "disbursed": "30000.00",
        "available": "50000.00", "cost_per_person_committed": "50.00", "cost_per_person_disbursed": "30.00"}]
    funds = handlers.get_breakdown(db.uow(), "fund")["items"]
    assert [(i["key"], i["name"], i["money"][0]["available"]) for i in funds] == [("f-1", "Fund f-1", "50000.00")]
    themes = {i["key"]: i["money"][0]["committed"] for i in handlers.get_breakdown(db.uow(), "theme")["items"]
              if i["money"]}
    assert themes == {"gender_equality": "30000.00", "resilience_climate": "20000.00"}
    countries = {i["key"]: (i["money"][0]["committed"], i["money"][0]["disbursed"])
                 for i in handlers.get_breakdown(db.uow(), "country")["items"] if i["money"]}
    assert countries == {"UG": ("30000.00", "30000.00"), "KE": ("20000.00", "0.00")}


def test_as_of_counts_only_periods_ended_by_then(db, apply):
    apply(b.result("r-1", 100, period_end=date(2019, 6, 30)), b.result("r-2", 50, period_end=date(2020, 6, 30)))
    assert people(db, as_of="2019-12-31")["value"] == 100
    assert people(db, as_of=date(2020, 6, 30))["value"] == 150
    body = handlers.get_progress(db.uow(), as_of="2019-12-31")
    assert (body["as_of"], body["today"], body["days_to_deadline"]) == ("2019-12-31", "2019-12-31", 731)
    with pytest.raises(InvalidInput):
        handlers.get_progress(db.uow(), as_of="yesterday")


def test_history_series_and_projection(db, apply):
    apply(b.result("r-1", 100, period_end=date(2019, 6, 30)), b.result("r-2", 50, period_end=date(2020, 6, 30)))
    history = handlers.get_history(db.uow())
    people_history = history["figures"][0]
    link = "/v1/objective/progress/figures/people_reached/results?plan=strategic-plan-2018-2021&through="
    assert people_history["series"] == [
        {"period_end": "2019-06-30", "value": 100, "added": 100, "link": link + "2019-06-30"},
        {"period_end": "2020-06-30", "value": 150, "added": 50, "link": link + "2020-06-30"}]
    assert people_history["projection"]["status"] == "off_track"
    assert people_history["projection"]["method"] == "least_squares_linear"


def test_pipeline_adds_the_targets_of_applications_under_review(db, apply):
    apply(b.result("r-1", 1000, indicator="women_empowered", city="c-jinja"),
          b.application("a-1", "application.submitted", targets=(("people_reached", 5000),)),
          b.application("a-1", "application.screened", status="under_review",
                        targets=(("people_reached", 5000),)),
          b.application("a-2", "application.screened", status="under_review", city="Arusha", country="TZ",
                        targets=(("women_empowered", 300),)),
          b.application("a-3", "application.screened", status="under_review", targets=(("people_reached", 7),)),
          b.application("a-3", "application.rejected", status="rejected"),
          b.application("a-4", "application.awarded", status="awarded"),
          b.application("a-4", "application.screened", status="under_review"))   # late: already awarded
    pipe = handlers.get_pipeline(db.uow())
    assert pipe["applications_under_review"] == 2
    got = {f["code"]: (f["current"], f["pipeline"], f["with_pipeline"]) for f in pipe["figures"]}
    assert got["people_reached"] == (0, 5000, 5000)
    assert got["women_empowered"] == (1000, 300, 1300)
    assert got["cities_women_empowered"] == (1, 1, 2)      # Arusha is new, Jinja already counts
    assert got["countries_reached"] == (1, 1, 2)
    assert pipe["requested"] == [{"currency": "USD", "amount": "80000.00"}]


def test_publishing_only_when_the_progress_changed_with_a_monotonic_revision(db, apply):
    assert handlers.publish_progress(db.uow(), PLAN_ID) == 1
    assert handlers.publish_progress(db.uow(), PLAN_ID) is None
    apply(b.result("r-1", 10))
    assert handlers.publish_progress(db.uow(), PLAN_ID) == 2
    events = [e for e in db.outbox() if e["type"] == "objective.progress_changed"]
    assert [e["payload"]["revision"] for e in events] == [1, 2]
    last = events[-1]["payload"]
    assert last["progress"] == handlers.get_progress(db.uow(), PLAN_ID)   # exactly what GET answers
    assert last["progress"]["figures"]["people_reached"]["value"] == 10


def test_plans_are_listed_and_an_unknown_plan_is_not_found(db):
    assert [p["id"] for p in handlers.list_plans()] == [PLAN_ID]
    assert handlers.get_plan()["id"] == PLAN_ID
    with pytest.raises(NotFound):
        handlers.get_progress(db.uow(), "plan-9")


SECOND_PLAN = """
id: plan-2022-2025
title: Second plan
period: {start: "2022-01-01", end: "2025-12-31"}
objective:
  statement: Reach 1000 people by 2025.
  deadline: "2025-12-31"
  targets:
    - {code: people_reached, title: People, indicator: people_reached, measure: sum, comparison: at_least, value: 1000}
indicators:
  - {code: people_reached, title: People}
themes: [{code: gender_equality, title: Gender}]
windows: [{code: global, title: Global}]
"""


def test_another_plan_is_computed_separately_and_built_from_the_stored_facts(db, apply, tmp_path, monkeypatch):
    apply(b.result("r-1", 100, period_end=date(2020, 6, 30)), b.result("r-2", 70, period_end=date(2023, 6, 30)),
          b.result("w-1", 9, indicator="women_empowered", period_end=date(2023, 6, 30)))
    second = tmp_path / "second.yaml"
    second.write_text(SECOND_PLAN)
    from shared import plan
    monkeypatch.setenv("PLAN_FILES", f"{plan.PLANS_DIR / 'strategic-plan-2018-2021.yaml'}:{second}")
    assert handlers.ensure_plans(db.uow()) == ["plan-2022-2025"]
    assert people(db, plan_id=PLAN_ID)["value"] == 100
    assert people(db, plan_id="plan-2022-2025")["value"] == 70
    assert "women_empowered" not in figures(db, plan_id="plan-2022-2025")
    apply(b.result("r-2", 80, version=2, period_end=date(2023, 6, 30)))
    assert people(db, plan_id="plan-2022-2025")["value"] == 80 and people(db, plan_id=PLAN_ID)["value"] == 100


def test_rebuild_from_the_stored_facts_gives_the_same_figures(db, apply):
    apply(b.result("r-1", 100), b.result("w-1", 5, indicator="women_empowered"), b.result("r-1", 60, version=2))
    before = handlers.get_breakdown(db.uow(), "city")
    handlers.rebuild(db.uow())
    assert handlers.get_breakdown(db.uow(), "city") == before


def test_reconcile_reports_drift_and_rebuild_from_the_sources_removes_it(db, apply):
    history = [b.programme("p-1"), b.result("r-1", 100), b.result("r-1", 80, version=2), b.fund(),
               b.received("k-1", "500.00"), b.committed("g-1", "200.00")]
    apply(*history)
    assert handlers.reconcile(db.uow(), history)["drift"] is False
    with db.engine.begin() as conn:   # corrupt the projection
        conn.execute(models.metric_totals.update().values(value=models.metric_totals.c.value + 10_000))
    report = handlers.reconcile(db.uow(), history)
    assert report["drift"] is True
    plan_report = report["plans"][PLAN_ID]
    assert plan_report["figures"] == [{"code": "people_reached", "projected": {"value": 81, "direct": 81,
                                                                               "indirect": 0},
                                       "recomputed": {"value": 80, "direct": 80, "indirect": 0}}]
    assert handlers.rebuild(db.uow(), history)["results"] == 1
    assert handlers.reconcile(db.uow(), history)["drift"] is False
    assert people(db)["value"] == 80
