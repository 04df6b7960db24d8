"""Every figure of the progress API links to the results behind it: each breakdown cell (the
drill-down filtered by its dimension), each history point (`through=` its date) and each
contributor's credit (`contributor=`), on SQLite through the real handlers; the summary of what
a link lists is the figure it hangs from. Properties: tests/metrics/test_metrics_drilldown_links.py;
PostgreSQL: the e2e test."""
from datetime import date

import pytest

from metrics import attribution, handlers
from shared.actors import Actor
from shared.errors import InvalidInput
from tests.metrics import builders as b
from tests.metrics.links import follow, same

ADMIN = Actor.key(key_id="k-admin", organisation="XM-SECRETARIAT", role="admin")
DIMENSIONS = ("theme", "window", "country", "city", "sdg_goal", "programme")


def reported(apply):
    """Two themes, a child rolled up into its parent, a programme known only from its results (no
    theme, window or goal yet), results in four countries, a revision and cumulative series."""
    apply(b.programme("p-1", themes=("gender_equality", "resilience_climate")),
          b.programme("p-2", window="global", themes=("resilience_climate",), sdg_goals=("6",)),
          b.programme("p-3", parent_id="p-1", themes=()),
          b.result("r-1", 100, reach_split={"direct": 60, "indirect": 40}), b.result("r-1", 120, version=2),
          b.result("r-2", 30, programme_id="p-2", city="c-kisumu", period_end=date(2019, 6, 30)),
          b.result("r-3", 7, programme_id="p-3", parent_id="p-1", city="c-arusha"),
          b.result("r-4", 5, programme_id="p-9", city="c-nakuru"),
          b.result("r-5", 9, indicator="women_empowered", city="c-gulu"),
          b.result("r-6", 40, programme_id="p-2", period_end=date(2019, 6, 30), reporting="cumulative",
                   rollup="sum"),
          b.result("r-7", 55, programme_id="p-2", period_end=date(2020, 6, 30), reporting="cumulative",
                   rollup="sum"),
          # a cumulative series back to 0: Kisumu leaves the women-empowered cities in 2020
          *(b.result(f"r-{8 + i}", v, programme_id="p-2", indicator="women_empowered", city="c-kisumu",
                     period_end=end, reporting="cumulative", rollup="sum")
            for i, (v, end) in enumerate(((10, date(2019, 6, 30)), (0, date(2020, 6, 30))))))


@pytest.mark.parametrize("as_of", [None, "2019-12-31"])
def test_every_breakdown_cell_links_to_the_results_behind_it(db, apply, as_of):
    reported(apply)
    checked = 0
    for dimension in DIMENSIONS:
        for item in handlers.get_breakdown(db.uow(), dimension, as_of=as_of)["items"]:
            assert set(item["links"]) == set(item["figures"])
            for code, figure in item["figures"].items():
                behind = follow(db.uow(), item["links"][code], ADMIN)
                assert same(behind["summary"]["figure_value"], figure["value"]), (dimension, item["key"], code)
                checked += 1
    assert checked >= len(DIMENSIONS) * 5   # every dimension has cells, each with its five figures
    theme = next(i for i in handlers.get_breakdown(db.uow(), "theme")["items"] if i["key"] is None)
    assert theme["links"]["people_reached"].endswith("&theme=none")   # p-3 and p-9: no theme
    behind = follow(db.uow(), theme["links"]["people_reached"], ADMIN)
    assert sorted(i["result_id"] for i in behind["items"]) == ["r-3", "r-4"] and behind["summary"]["value"] == 12
    parent = next(i for i in handlers.get_breakdown(db.uow(), "programme")["items"] if i["key"] == "p-1")
    assert [i["result_id"] for i in follow(db.uow(), parent["links"]["people_reached"], ADMIN)["items"]] == [
        "r-1", "r-3"]   # the child's result rolls up into its parent


def test_every_history_point_links_to_the_results_whose_period_ended_by_then(db, apply):
    reported(apply)
    for as_of in (None, "2020-06-30"):
        for figure in handlers.get_history(db.uow(), as_of=as_of)["figures"]:
            assert figure["series"], figure["code"]
            for point in figure["series"]:
                behind = follow(db.uow(), point["link"], ADMIN)
                assert behind["filters"]["through"] == point["period_end"]
                assert same(behind["summary"]["figure_value"], point["value"]), (figure["code"], point)
    cumulative = follow(db.uow(), "/v1/objective/progress/figures/people_reached/results"
                                  "?plan=strategic-plan-2018-2021&through=2019-12-31", ADMIN)
    assert [i["result_id"] for i in cumulative["items"]] == ["r-2", "r-6"]   # r-7 ends later


def test_a_contributors_credit_links_to_its_programmes_results_and_explains_it(db, apply):
    apply(b.fund("f-1"), b.programme("p-1"), b.programme("p-2"), b.programme("p-3", parent_id="p-1"),
          b.received("k-1", "200.00", contributor="Sweden"), b.received("k-2", "100.00", contributor="Switzerland"),
          b.committed("g-1", "400.00"), b.disbursed("d-1", "g-1", "300.00", day=date(2020, 7, 1)),
          b.result("r-1", 900), b.result("r-2", 1, programme_id="p-3", parent_id="p-1"),
          b.result("r-3", 50, programme_id="p-2"))
    body = attribution.get_attribution(db.uow())
    sweden = next(i for i in body["items"] if i["contributor"] == "Sweden")
    assert sweden["links"]["people_reached"] == ("/v1/objective/progress/figures/people_reached/results"
                                                 "?plan=strategic-plan-2018-2021&contributor=Sweden")
    behind = follow(db.uow(), sweden["links"]["people_reached"], ADMIN)
    # p-1 and its child p-3 (financed by p-1's grant), not p-2 (no grant): 2/3 of each, largest remainder
    assert [i["result_id"] for i in behind["items"]] == ["r-1", "r-2"] and behind["summary"]["value"] == 901
    assert behind["summary"]["contributor"] == {
        "contributor": "Sweden", "credited": "600.6667", "programmes": [
            {"programme_id": "p-1", "results": 900, "share": "2/3", "credited": 600},
            {"programme_id": "p-3", "results": 1, "share": "2/3", "credited": "0.6667"}]}
    assert same(behind["summary"]["contributor"]["credited"], sweden["figures"]["people_reached"])
    with pytest.raises(InvalidInput) as refused:   # as of before the money: credited with nothing
        follow(db.uow(), sweden["links"]["people_reached"] + "&as_of=2020-06-30", ADMIN)
    assert list(refused.value.errors) == ["contributor"]


@pytest.mark.parametrize("query, field", [
    ("theme=no_such_theme", "theme"), ("window=nowhere", "window"), ("sdg_goal=99", "sdg_goal"),
    ("country=XX", "country"), ("city=c-atlantis", "city"), ("programme=" + "p" * 37, "programme"),
    ("through=soon", "through"), ("contributor=Atlantis", "contributor"), ("colour=red", "colour")])
def test_a_bad_filter_is_refused_naming_it(db, apply, query, field):
    reported(apply)
    with pytest.raises(InvalidInput) as refused:
        follow(db.uow(), f"/v1/objective/progress/figures/people_reached/results?plan=strategic-plan-2018-2021&{query}",
               ADMIN)
    assert list(refused.value.errors) == [field]


def test_a_distinct_count_is_not_credited_to_contributors(db, apply):
    reported(apply)
    with pytest.raises(InvalidInput) as refused:
        follow(db.uow(), "/v1/objective/progress/figures/cities_reached/results"
                         "?plan=strategic-plan-2018-2021&contributor=Sweden", ADMIN)
    assert list(refused.value.errors) == ["contributor"]


def test_another_organisations_programme_lists_like_one_that_does_not_exist(db, apply):
    """Programmes are their organisation's (the programmes API answers NotFound to others): a
    programme metrics does not know answers what one without counted results does, not a 422."""
    reported(apply)
    link = "/v1/objective/progress/figures/people_reached/results?plan=strategic-plan-2018-2021&programme="
    nobody, known = follow(db.uow(), link + "p-nobody", ADMIN), follow(db.uow(), link + "p-9", ADMIN)
    assert [i["result_id"] for i in known["items"]] == ["r-4"]
    apply(b.programme("p-4"))   # announced, nothing reported
    assert nobody["summary"] == follow(db.uow(), link + "p-4", ADMIN)["summary"]
    assert nobody["items"] == [] and nobody["summary"]["results"] == 0
