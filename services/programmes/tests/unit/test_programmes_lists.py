"""Lists, pagination, search and roll-up through the programmes use cases (conftest.py)."""
from datetime import datetime, timedelta, timezone

import pytest
from programmes_requests import (
    JINJA,
    KISUMU,
    approved,
    body,
    city_id,
    handlers,
    ids,
    new_result,
)

from shared.errors import InvalidInput

# --- lists ----------------------------------------------------------------------------------------

@pytest.fixture
def portfolio(uow):
    """Six programmes in two windows, three themes, two countries, two organisations."""
    made = []
    for i in range(6):
        org = {"ref": f"XM-ORG-{1 + i % 2}", "name": f"Org {1 + i % 2}"}
        made.append(handlers.create_programme(uow, body(
            iati_identifier=f"{org['ref']}-{i}", reporting_org=org, title=f"Programme {i} {'Water' if i < 2 else ''}",
            funding_window="global" if i % 3 == 0 else "country_city",
            instrument="regional_programme" if i % 3 == 0 else "technical_assistance",
            themes=[["gender_equality"], ["cities_migration"], ["gender_equality", "resilience_climate"]][i % 3],
            countries=["UG"] if i < 3 else ["KE"], cities=[JINJA] if i < 3 else [KISUMU],
            sdg_goals=["11"] if i % 2 else ["5"], participating_orgs=[])))
    return made


@pytest.mark.parametrize("query, expected", [
    ({"funding_window": "global"}, [0, 3]),
    ({"instrument": "technical_assistance"}, [1, 2, 4, 5]),
    ({"theme": "gender_equality"}, [0, 2, 3, 5]),
    ({"country": "KE"}, [3, 4, 5]),
    ({"sdg_goal": "11"}, [1, 3, 5]),
    ({"organisation": "XM-ORG-2"}, [1, 3, 5]),
    ({"q": "water"}, [0, 1]),
    ({"theme": "gender_equality", "country": "UG", "funding_window": "country_city"}, [2]),
    ({"status": "implementation"}, []),
])
def test_filters(uow, portfolio, query, expected):
    assert ids(handlers.list_programmes(uow, query)) == [portfolio[i]["id"] for i in expected]


def test_the_city_filter(uow, portfolio):
    kisumu = city_id(portfolio[3], "Kisumu")
    assert ids(handlers.list_programmes(uow, {"city": kisumu})) == [p["id"] for p in portfolio[3:]]


def test_cursor_pagination_walks_every_programme_once_in_sync_order(uow, portfolio):
    seen, cursor = [], None
    while True:
        page = handlers.list_programmes(uow, {"limit": "4", **({"cursor": cursor} if cursor else {})})
        seen += ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [p["id"] for p in portfolio]
    page = handlers.list_programmes(uow, {"limit": 2, "theme": "gender_equality"})
    rest = handlers.list_programmes(uow, {"limit": 2, "theme": "gender_equality", "cursor": page["next_cursor"]})
    assert ids(page) + ids(rest) == [portfolio[i]["id"] for i in (0, 2, 3, 5)]


def test_modified_since_gives_what_changed(uow, portfolio):
    since = datetime.now(timezone.utc)
    handlers.update_programme(uow, portfolio[1]["id"], {"title": "Renamed"})
    page = handlers.list_programmes(uow, {"modified_since": since.isoformat().replace("+00:00", "Z")})
    assert ids(page) == [portfolio[1]["id"]]
    future = (since + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert handlers.list_programmes(uow, {"modified_since": future})["items"] == []


@pytest.mark.parametrize("query, field", [({"country": "ZZ"}, "country"), ({"theme": "x"}, "theme"),
                                          ({"limit": "0"}, "limit"), ({"limit": "501"}, "limit"),
                                          ({"cursor": "garbage!"}, "cursor"), ({"colour": "red"}, "colour"),
                                          ({"modified_since": "yesterday"}, "modified_since"),
                                          ({"sdg_goal": "42"}, "sdg_goal")])
def test_bad_list_queries_name_the_parameter(uow, query, field):
    with pytest.raises(InvalidInput) as caught:
        handlers.list_programmes(uow, query)
    assert set(caught.value.errors) == {field}


def test_results_are_listed_by_programme_indicator_city_period_and_status(uow, live):
    people = approved(uow, live, 100)
    women = new_result(uow, live, 40, indicator="women_empowered", city="Kisumu")
    later = handlers.create_result(uow, live["id"], {"indicator": "people_reached",
                                                     "city_id": city_id(live, "Jinja"),
                                                     "period": {"start": "2020-07-01", "end": "2020-12-31"},
                                                     "value": 7})

    def listed(**query):
        return ids(handlers.list_results(uow, query, programme_id=live["id"]))

    assert listed() == [people["id"], women["id"], later["id"]]
    assert listed(indicator="women_empowered") == [women["id"]]
    assert listed(city=city_id(live, "Jinja")) == [people["id"], later["id"]]
    assert listed(status="approved") == [people["id"]]
    assert listed(period_start="2020-07-01") == [later["id"]]
    assert listed(period_end="2020-06-30") == [people["id"], women["id"]]
    assert ids(handlers.list_results(uow, {"programme_id": live["id"], "status": "draft"})) == [women["id"],
                                                                                               later["id"]]
    page = handlers.list_results(uow, {"limit": 2}, programme_id=live["id"])
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert page["items"][0]["city"]["name"] == "Jinja"


# --- roll-up --------------------------------------------------------------------------------------

def test_totals_roll_children_up_to_the_parent_each_result_once(uow):
    jwp = handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-JWP", funding_window="global",
                                              instrument="joint_work_programme",
                                              indicators=[{"code": "people_reached"}]))
    kids = [handlers.create_programme(uow, body(iati_identifier=f"XM-ORG-1-P{i}", parent_id=jwp["id"],
                                                indicators=[{"code": "people_reached"}])) for i in (1, 2)]
    for p in [jwp] + kids:
        handlers.change_status(uow, p["id"], {"status": "implementation"})
    approved(uow, handlers.get_programme(uow, jwp["id"]), 50)
    approved(uow, handlers.get_programme(uow, kids[0]["id"]), 100)
    approved(uow, handlers.get_programme(uow, kids[1]["id"]), 200, city="Kisumu")
    new_result(uow, handlers.get_programme(uow, kids[1]["id"]), 999)   # a draft: does not count

    totals = handlers.programme_totals(uow, jwp["id"])
    [people] = totals["indicators"]
    assert {k: people[k] for k in ("indicator", "corporate", "measure", "reporting", "rollup", "own", "children",
                                   "total", "results")} == {
        "indicator": "people_reached", "corporate": True, "measure": "unit", "reporting": "per_period",
        "rollup": "sum", "own": "50", "children": "300", "total": "350", "results": 3}
    assert sorted(totals["children"]) == sorted(k["id"] for k in kids)
    assert handlers.programme_totals(uow, kids[0]["id"])["indicators"][0]["total"] == "100"


def test_text_search_gives_the_same_page_from_the_full_text_index_or_a_walk(uow, portfolio, monkeypatch):
    from programmes.repositories import programmes as repository
    indexed = ids(handlers.list_programmes(uow, {"q": "WATER"}))
    monkeypatch.setattr(repository, "FEW_TITLES", 1)   # as if "water" were in most titles
    assert ids(handlers.list_programmes(uow, {"q": "water"})) == indexed == [portfolio[0]["id"], portfolio[1]["id"]]
    handlers.update_programme(uow, portfolio[0]["id"], {"title": "Renamed"})   # the index follows the title
    monkeypatch.setattr(repository, "FEW_TITLES", 2000)
    assert ids(handlers.list_programmes(uow, {"q": "water"})) == [portfolio[1]["id"]]
    assert ids(handlers.list_programmes(uow, {"q": "renamed"})) == [portfolio[0]["id"]]


def test_a_list_shows_each_programme_as_its_own_view_does(uow):
    """The list builds its items from rows, with no domain object (bench: fourth round): field for
    field, what programme_view of the domain programme shows, for a full and a sparse programme."""
    from programmes.views import programme_view
    full = handlers.create_programme(uow, body(cities=[JINJA, {"name": "Gulu", "country": "UG", "latitude": "2.7746",
                                                               "longitude": "32.29900", "secondary_city": False}]))
    handlers.change_status(uow, full["id"], {"status": "implementation"})
    sparse = handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-KE-002", description=None, budget=None,
                                                 sectors=[], policy_markers=[], participating_orgs=[], dates={},
                                                 sdg_targets=[], cities=[]))
    listed = handlers.list_programmes(uow, {})["items"]
    with uow:
        expected = [programme_view(uow.programmes.get(p["id"])) for p in (full, sparse)]
    assert listed == expected
    assert listed[0]["status_code"] == "2" and listed[0]["budget"] == {"amount": "2500000.00", "currency": "USD"}
    assert [c["latitude"] for c in listed[0]["cities"]] == [None, "2.7746"]
