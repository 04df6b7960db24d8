"""The drill-down through the real handlers and unit of work on SQLite: the results behind a
figure, as of a date, a page at a time, as each caller may see them (admins all listed, an
organisation its own, anonymous callers the count and sum only); PostgreSQL: the e2e test."""
from datetime import date

import pytest

from metrics import drilldown, handlers
from shared.actors import ANONYMOUS, Actor
from shared.errors import InvalidInput, NotFound
from tests.metrics import builders as b

ADMIN = Actor.key(key_id="k-admin", organisation="XM-SECRETARIAT", role="admin")
OWNER = Actor.key(key_id="k-a", organisation="xm-a ", role="reader")       # compared case-folded, trimmed
OTHER = Actor.key(key_id="k-b", organisation="XM-B", role="partner")


def owned(programme_id, organisation):
    event_type, p = b.programme(programme_id)
    return event_type, {**p, "reporting_org": {**p["reporting_org"], "ref": organisation}}


def test_the_results_behind_a_figure_as_the_caller_may_see_them(db, apply):
    apply(owned("p-a", "XM-A"), owned("p-b", "XM-B"),
          b.result("r-1", 100, programme_id="p-a", reach_split={"direct": 60, "indirect": 40}),
          b.result("r-1", 120, programme_id="p-a", version=2),
          b.result("r-2", 30, programme_id="p-a", period_end=date(2021, 6, 30)),
          b.result("r-3", 7, programme_id="p-b"), b.result("r-4", 0, programme_id="p-b"),
          b.result("r-5", 9, programme_id="p-b", indicator="women_empowered"))
    everything = drilldown.list_results(db.uow(), "people_reached", actor=ADMIN)
    assert [(i["result_id"], i["version"], i["value"]) for i in everything["items"]] == [
        ("r-1", 2, 120), ("r-2", 1, 30), ("r-3", 1, 7), ("r-4", 1, 0)]
    assert everything["summary"] == {"results": 4, "value": 157, "figure_value": 157, "listed": 4, "listed_value": 157,
                                     "not_listed": 0, "not_listed_value": 0}
    first = everything["items"][0]
    assert (first["programme_id"], first["indicator"], first["city"]["id"], first["period"]["end"],
            first["direct"], first["indirect"]) == ("p-a", "people_reached", "c-jinja", "2020-06-30", 120, 0)
    assert drilldown.list_results(db.uow(), "people_reached", actor=ADMIN)["summary"]["value"] == \
        handlers.get_progress(db.uow())["figures"]["people_reached"]["value"]

    mine = drilldown.list_results(db.uow(), "people_reached", actor=OWNER)
    assert [i["result_id"] for i in mine["items"]] == ["r-1", "r-2"]
    assert mine["summary"] == {"results": 4, "value": 157, "figure_value": 157, "listed": 2, "listed_value": 150,
                               "not_listed": 2, "not_listed_value": 7}
    public = drilldown.list_results(db.uow(), "people_reached", actor=ANONYMOUS)
    assert public["items"] == [] and public["next_cursor"] is None and public["summary"]["not_listed"] == 4
    # as of a date: the results whose period ended by then; a distinct count: results with a value
    assert [i["result_id"] for i in drilldown.list_results(db.uow(), "people_reached", as_of="2020-12-31",
                                                            actor=ADMIN)["items"]] == ["r-1", "r-3", "r-4"]
    assert [i["result_id"] for i in drilldown.list_results(db.uow(), "cities_reached", actor=OTHER)["items"]] == [
        "r-3", "r-5"]


def test_drill_down_pages_and_refusals(db, apply):
    apply(*(b.result(f"r-{i}", i) for i in range(1, 6)))
    seen, cursor = [], None
    while True:
        page = drilldown.list_results(db.uow(), "people_reached", actor=ADMIN, limit=2, cursor=cursor)
        seen += [i["result_id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["r-1", "r-2", "r-3", "r-4", "r-5"]
    with pytest.raises(NotFound):
        drilldown.list_results(db.uow(), "no_such_figure", actor=ADMIN)
    with pytest.raises(InvalidInput):
        drilldown.list_results(db.uow(), "people_reached", actor=ADMIN, cursor="not-a-cursor")
    links = handlers.get_progress(db.uow(), as_of="2020-12-31")["links"]
    assert links["people_reached"] == ("/v1/objective/progress/figures/people_reached/results"
                                       "?plan=strategic-plan-2018-2021&as_of=2020-12-31")
