"""End to end, through the gateway over HTTP, on SQLite and PostgreSQL: the portfolio, its
lifecycle and cities, the results framework, the review workflow (approval, return,
revision seen by the metrics as a replacement, never a sum), the roll-up of a Joint Work
Programme's projects without double counting, who may do what, lists, and every kind of
bad input answered 422 naming the field, with nothing half-written."""
import time
import uuid

import pytest
import requests

from tests.e2e.conftest import ADMIN_KEY
from tests.programmes_flow import PERIOD, city_id, programme_body, result_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]


class Api:
    """requests against the gateway with one API key."""

    def __init__(self, base, key):
        self.base, self.key = base, key

    def call(self, method, path, body=None, expect=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.key}"}
        response = requests.request(method, self.base + path, json=body, headers=headers, timeout=15, **kwargs)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response

    def get(self, path, expect=200, **kwargs):
        return self.call("GET", path, expect=expect, **kwargs).json()

    def post(self, path, body=None, expect=201):
        return self.call("POST", path, {} if body is None else body, expect=expect).json()

    def patch(self, path, body, expect=200):
        return self.call("PATCH", path, body, expect=expect).json()


@pytest.fixture(scope="module")
def admin(platform):
    return Api(platform, ADMIN_KEY)


@pytest.fixture(scope="module")
def org(admin):
    """A partner organisation (its IATI identifier), unique per platform run."""
    return {"ref": f"XM-E2E-{uuid.uuid4().hex[:6].upper()}", "name": "E2E partner", "type": "21"}


def key_for(admin, organisation, role):
    return admin.post("/v1/keys", {"organisation": organisation, "role": role})["key"]


@pytest.fixture(scope="module")
def partner(admin, org):
    return Api(admin.base, key_for(admin, org["ref"], "partner"))


def body(org, **changes):
    return programme_body(org=org, own_id=uuid.uuid4().hex[:8], **changes)


def started(api, org, **changes):
    programme = api.post("/v1/programmes", body(org, **changes))
    return api.post(f"/v1/programmes/{programme['id']}/status", {"status": "implementation"}, expect=200)


def approved(partner, admin, programme, value, **kwargs):
    result = partner.post(f"/v1/programmes/{programme['id']}/results", result_body(programme, value, **kwargs))
    partner.post(f"/v1/results/{result['id']}/submit", {}, expect=200)
    return admin.post(f"/v1/results/{result['id']}/approve", {}, expect=200)


def people(api) -> int:
    progress = api.get("/v1/objective/progress")
    return int(next(t for t in progress["targets"] if t["code"] == "people_reached")["value"])


def people_becomes(api, expected, within=10.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if (now := people(api)) == expected:
            return now
        time.sleep(0.05)
    raise AssertionError(f"people_reached is {people(api)}, not {expected}, after {within}s")


def fields_of(response) -> set:
    assert response.headers["Content-Type"] == "application/problem+json", response.text
    problem = response.json()
    assert problem["status"] == response.status_code and "Traceback" not in response.text
    return {e["field"] for e in problem.get("errors", [])}


# --- the portfolio ---------------------------------------------------------------------------

def test_a_programme_through_its_lifecycle(partner, org):
    created = partner.post("/v1/programmes", body(org, sdg_goals=["11"], sdg_targets=["11.1"],
                                                  sectors=[{"code": "43030"}],
                                                  policy_markers=[{"code": "1", "significance": 2}],
                                                  budget={"amount": "2500000.00", "currency": "USD"},
                                                  dates={"planned_start": "2019-01-01", "planned_end": "2021-12-31"}))
    assert (created["status"], created["status_code"], created["version"]) == ("pipeline", "1", 1)
    assert created["budget"] == {"amount": "2500000.00", "currency": "USD"}
    assert [i["code"] for i in created["indicators"]] == ["people_reached", "women_empowered"]
    pid = created["id"]
    assert partner.get(f"/v1/programmes/{pid}") == created

    changed = partner.patch(f"/v1/programmes/{pid}", {"title": "Lake Victoria cities", "sdg_goals": ["11", "5"]})
    assert (changed["title"], changed["version"]) == ("Lake Victoria cities", 2)

    conflict = partner.call("POST", f"/v1/programmes/{pid}/status", {"status": "closed"}, expect=409)
    assert conflict.json()["allowed"] == ["implementation", "cancelled"]
    for status in ("implementation", "suspended", "implementation", "finalisation", "closed"):
        view = partner.post(f"/v1/programmes/{pid}/status", {"status": status}, expect=200)
    assert view["status"] == "closed" and view["allowed_statuses"] == [] and view["dates"]["actual_end"]


def test_cities_are_records_shared_by_programmes(partner, org):
    city = partner.post("/v1/cities", {"name": "Entebbe", "country": "UG", "population": 70000,
                                       "latitude": "0.0512", "longitude": "32.4637"})
    again = partner.call("POST", "/v1/cities", {"name": " ENTEBBE ", "country": "UG"}, expect=200).json()
    assert again["id"] == city["id"]
    first = partner.post("/v1/programmes", body(org))
    view = partner.post(f"/v1/programmes/{first['id']}/cities", {"id": city["id"]})
    assert [c["name"] for c in view["cities"]] == ["Jinja", "Kisumu", "Entebbe"]
    second = partner.post("/v1/programmes", body(org, cities=[{"name": "entebbe", "country": "UG"}]))
    assert second["cities"][0]["id"] == city["id"]
    listed = partner.get(f"/v1/programmes?city={city['id']}")
    assert {p["id"] for p in listed["items"]} == {first["id"], second["id"]}
    assert city["id"] in {c["id"] for c in partner.get("/v1/cities?country=UG&limit=500")["items"]}


def test_indicators_with_baseline_and_targets(partner, org):
    programme = partner.post("/v1/programmes", body(org))
    indicator = partner.post(f"/v1/programmes/{programme['id']}/indicators", {
        "code": "km_drains", "title": "Drains built", "sdg_indicator": "11.1.1",
        "baseline": {"value": "0", "year": 2019},
        "targets": [{"period": {"start": "2020-01-01", "end": "2020-12-31"}, "value": "12.5"}]})
    assert (indicator["corporate"], indicator["measure"]) == (False, "unit")
    partner.patch(f"/v1/programmes/{programme['id']}/indicators/km_drains", {"title": "Drains (km)"})
    codes = [i["code"] for i in partner.get(f"/v1/programmes/{programme['id']}/indicators")["items"]]
    assert codes == ["people_reached", "women_empowered", "km_drains"]


# --- results ---------------------------------------------------------------------------------

def test_approval_counts_and_a_revision_replaces_in_the_metrics(partner, admin, org):
    programme = started(partner, org)
    before = people(admin)
    draft = partner.post(f"/v1/programmes/{programme['id']}/results",
                         result_body(programme, 1200, disaggregations={"sex": {"female": "700", "male": "500"}}))
    assert (draft["status"], draft["approved_value"]) == ("draft", None)
    partner.patch(f"/v1/results/{draft['id']}", {"value": "1300"})
    partner.post(f"/v1/results/{draft['id']}/submit", {}, expect=200)
    partner.call("POST", f"/v1/results/{draft['id']}/approve", {}, expect=403)   # only an admin
    view = admin.post(f"/v1/results/{draft['id']}/approve", {"comment": "checked"}, expect=200)
    assert (view["status"], view["approved_value"]) == ("approved", "1300")
    people_becomes(admin, before + 1300)

    revised = partner.post(f"/v1/results/{draft['id']}/revise", {"value": "1000", "comment": "a ward counted twice"},
                           expect=200)
    assert (revised["status"], revised["version"], revised["approved_value"]) == ("submitted", 2, "1300")
    admin.post(f"/v1/results/{draft['id']}/approve", {}, expect=200)
    people_becomes(admin, before + 1000)     # replaced: not 2300
    time.sleep(1)
    assert people(admin) == before + 1000

    history = partner.get(f"/v1/results/{draft['id']}")["versions"]
    assert [(v["version"], v["status"], v["value"]) for v in history] == [(1, "superseded", "1300"),
                                                                         (2, "approved", "1000")]
    assert [e["action"] for e in history[0]["log"]] == ["drafted", "edited", "submitted", "approved", "superseded"]


def test_a_result_returned_for_revision_does_not_count(partner, admin, org):
    programme = started(partner, org)
    before = people(admin)
    result = partner.post(f"/v1/programmes/{programme['id']}/results", result_body(programme, 500))
    partner.post(f"/v1/results/{result['id']}/submit", {}, expect=200)
    returned = admin.post(f"/v1/results/{result['id']}/return", {"comment": "sex parts missing"}, expect=200)
    assert returned["status"] == "returned" and returned["allowed_actions"] == ["edit", "submit"]
    assert returned["versions"][0]["log"][-1]["comment"] == "sex parts missing"
    conflict = admin.call("POST", f"/v1/results/{result['id']}/approve", {}, expect=409)
    assert conflict.json()["allowed"] == ["edit", "submit"]
    time.sleep(1)
    assert people(admin) == before


def test_a_joint_work_programme_rolls_up_its_projects_counted_once(partner, admin, org):
    jwp = started(partner, org, funding_window="global", instrument="joint_work_programme")
    projects = [started(partner, org, parent_id=jwp["id"]) for _ in range(2)]
    before = people(admin)
    approved(partner, admin, jwp, 50)
    approved(partner, admin, projects[0], 100)
    approved(partner, admin, projects[1], 200, city="Kisumu")
    people_becomes(admin, before + 350)   # each result once: not 350 + the parent's roll-up
    totals = partner.get(f"/v1/programmes/{jwp['id']}/totals")
    assert [{k: t[k] for k in ("indicator", "corporate", "measure", "own", "children", "total", "results")}
            for t in totals["indicators"]] == [{"indicator": "people_reached", "corporate": True,
                                                "measure": "unit", "own": "50", "children": "300", "total": "350",
                                                "results": 3}]
    assert sorted(totals["children"]) == sorted(p["id"] for p in projects)
    assert partner.get(f"/v1/programmes/{projects[0]['id']}/totals")["indicators"][0]["total"] == "100"
    assert {c["id"] for c in partner.get(f"/v1/programmes/{jwp['id']}")["children"]} == {p["id"] for p in projects}



def _year(start, end):
    return {"start": f"{start}", "end": f"{end}"}


SEMANTICS = [
    {"code": "beneficiaries", "title": "Direct beneficiaries", "reporting": "cumulative",
     "targets": [{"period": _year("2022-01-01", "2023-12-31"), "value": "344757"},
                 {"period": _year("2022-01-01", "2023-12-31"), "value": "200000",
                  "disaggregation": {"dimension": "sex", "category": "female"}}]},
    {"code": "women_led", "title": "Enterprises led by women", "measure": "percentage"},
    {"code": "satisfaction", "title": "Residents' satisfaction", "measure": "qualitative"},
    {"code": "km_drains", "title": "Drains built"},
]


def test_indicators_roll_up_by_their_rule_with_years_beside_the_whole_span(partner, admin, org):
    programme = started(partner, org, indicators=SEMANTICS)
    kinds = {i["code"]: (i["measure"], i["measure_code"], i["reporting"], i["rollup"]) for i in
             partner.get(f"/v1/programmes/{programme['id']}/indicators")["items"]}
    assert kinds["satisfaction"] == ("qualitative", "5", "per_period", "latest")
    assert kinds["beneficiaries"] == ("unit", "1", "cumulative", "sum")
    y2022, y2023 = _year("2022-01-01", "2022-12-31"), _year("2023-01-01", "2023-12-31")
    for value, period, female in ((555950, y2022, 300000), (589534, y2023, 310000)):   # to date: never added
        approved(partner, admin, programme, str(value), indicator="beneficiaries", period=period,
                 disaggregations={"sex": {"female": str(female)}})
    approved(partner, admin, programme, "40", indicator="women_led", period=y2023, numerator="4", denominator="10")
    approved(partner, admin, programme, "60", indicator="women_led", period=y2023, city="Kisumu", numerator="60",
             denominator="100")
    approved(partner, admin, programme, "3", indicator="satisfaction", period=y2022)
    approved(partner, admin, programme, "4", indicator="satisfaction", period=y2023, city="Kisumu")
    approved(partner, admin, programme, "90", indicator="km_drains", period=_year("2022-07-01", "2023-12-31"))
    jinja, span = city_id(programme, "Jinja"), _year("2022-01-01", "2023-12-31")
    partner.patch(f"/v1/programmes/{programme['id']}/indicators/beneficiaries", {"targets": SEMANTICS[0]["targets"] + [
        {"period": span, "value": "500000", "city_id": jinja}]})
    partner.patch(f"/v1/programmes/{programme['id']}/indicators/women_led", {"targets": [
        {"period": y2023, "value": "50", "city_id": jinja},
        {"period": y2023, "value": "30", "disaggregation": {"dimension": "sex", "category": "female"}}]})

    totals = {t["indicator"]: t for t in partner.get(f"/v1/programmes/{programme['id']}/totals")["indicators"]}
    beneficiaries = totals["beneficiaries"]
    assert (beneficiaries["total"], beneficiaries["target"], beneficiaries["achievement"]) == (
        "589534", "344757", "171.0")
    assert [(y["year"], y["value"]) for y in beneficiaries["years"]] == [(2022, "555950"), (2023, "33584")]
    assert beneficiaries["disaggregations"] == {"sex": {"female": "310000"}}
    women_led = totals["women_led"]
    assert (women_led["numerator"], women_led["denominator"], women_led["total"]) == ("64", "110", "58.18")
    scopes = {(s["city_id"], s["dimension"], s["category"]): s for s in beneficiaries["by_scope"]}
    assert [(y["year"], y["value"], y["target"]) for y in scopes[(jinja, None, None)]["years"]] == [
        (2022, "555950", None), (2023, "33584", "500000")]
    assert (scopes[(jinja, None, None)]["total"], scopes[(jinja, None, None)]["achievement"]) == ("589534", "117.9")
    assert (scopes[(None, "sex", "female")]["total"], scopes[(None, "sex", "female")]["achievement"]) == (
        "310000", "155.0")
    shares = {(s["city_id"], s["dimension"]): s for s in women_led["by_scope"]}
    assert (shares[(jinja, None)]["total"], shares[(jinja, None)]["achievement"]) == ("40.00", "80.0")  # 4 of 10
    assert shares[(None, "sex")]["total"] is None and shares[(None, "sex")]["not_aggregated"]   # flagged, not averaged
    assert totals["satisfaction"]["total"] == "4"                        # the latest score, never summed
    assert [(y["year"], y["value"]) for y in totals["km_drains"]["years"]] == [(2023, "90")]   # 18 months: 2023


def test_indicator_semantics_that_make_no_sense_are_refused_naming_the_field(partner, org):
    refused = partner.call("POST", "/v1/programmes", body(org, indicators=[
        {"code": "score", "title": "Score", "measure": "qualitative", "rollup": "sum"},
        {"code": "drains", "title": "Drains", "targets": [
            {"period": PERIOD, "value": "5", "city_id": "not-a-city"},
            {"period": PERIOD, "value": "5", "disaggregation": {"dimension": "sex", "category": "girls"}}]}]))
    assert refused.status_code == 422 and fields_of(refused) == {
        "indicators.0.rollup", "indicators.1.targets.0.city_id", "indicators.1.targets.1.disaggregation.category"}
    programme = started(partner, org, indicators=SEMANTICS)
    for extra, field in ((dict(indicator="women_led", value="40", numerator="4"), "denominator"),
                         (dict(indicator="women_led", value="41", numerator="4", denominator="10"), "value"),
                         (dict(indicator="km_drains", value="4", numerator="4", denominator="10"), "numerator"),
                         (dict(indicator="satisfaction", value="7"), "value")):
        response = partner.call("POST", f"/v1/programmes/{programme['id']}/results",
                                result_body(programme, **extra))
        assert response.status_code == 422 and fields_of(response) == {field}, response.text
    assert partner.get(f"/v1/results?programme_id={programme['id']}")["items"] == []


def test_results_are_listed_with_filters_and_pages(partner, admin, org):
    programme = started(partner, org)
    first = approved(partner, admin, programme, 10)
    second = partner.post(f"/v1/programmes/{programme['id']}/results",
                          result_body(programme, 20, indicator="women_empowered", city="Kisumu"))
    third = partner.post(f"/v1/programmes/{programme['id']}/results",
                         result_body(programme, 30, period={"start": "2020-07-01", "end": "2020-12-31"}))
    base = f"/v1/results?programme_id={programme['id']}"
    assert [r["id"] for r in partner.get(base)["items"]] == [first["id"], second["id"], third["id"]]
    assert [r["id"] for r in partner.get(f"{base}&status=approved")["items"]] == [first["id"]]
    assert [r["id"] for r in partner.get(f"{base}&indicator=women_empowered")["items"]] == [second["id"]]
    assert [r["id"] for r in partner.get(f"{base}&city={city_id(programme, 'Kisumu')}")["items"]] == [second["id"]]
    assert [r["id"] for r in partner.get(f"{base}&period_start=2020-07-01")["items"]] == [third["id"]]
    page = partner.get(f"/v1/programmes/{programme['id']}/results?limit=2")
    assert len(page["items"]) == 2 and page["next"]
    rest = requests.get(page["next"], headers={"Authorization": f"Bearer {partner.key}"}, timeout=15).json()
    assert [r["id"] for r in page["items"] + rest["items"]] == [first["id"], second["id"], third["id"]]
    assert rest["next"] is None and rest["next_cursor"] is None


# --- lists ----------------------------------------------------------------------------------------

def test_programmes_are_filtered_and_paged_and_synchronised_incrementally(partner, org):
    tag = uuid.uuid4().hex[:6]
    made = [partner.post("/v1/programmes", body(org, title=f"Sync {tag} {i}", themes=[theme], countries=[country],
                                                 cities=[{"name": "Jinja" if country == "UG" else "Kisumu",
                                                          "country": country}]))
            for i, (theme, country) in enumerate([("gender_equality", "UG"), ("cities_migration", "KE"),
                                                  ("gender_equality", "KE")])]
    found = partner.get(f"/v1/programmes?q={tag}")
    assert [p["id"] for p in found["items"]] == [p["id"] for p in made]
    both = partner.get(f"/v1/programmes?q={tag}&theme=gender_equality&country=KE")
    assert [p["id"] for p in both["items"]] == [made[2]["id"]]
    assert partner.get(f"/v1/programmes?q={tag}&organisation={org['ref']}&limit=500")["items"]

    page = partner.call("GET", f"/v1/programmes?q={tag}&limit=2", expect=200)
    assert 'rel="next"' in page.headers["Link"]
    rest = requests.get(page.json()["next"], headers={"Authorization": f"Bearer {partner.key}"}, timeout=15).json()
    assert [p["id"] for p in page.json()["items"] + rest["items"]] == [p["id"] for p in made]

    since = made[-1]["updated_at"]
    partner.patch(f"/v1/programmes/{made[0]['id']}", {"title": f"Sync {tag} renamed"})
    changed = partner.get(f"/v1/programmes?q={tag}&modified_since={since}")
    assert [p["id"] for p in changed["items"]][-1] == made[0]["id"]


# --- who may do what ----------------------------------------------------------------------------

def test_organisations_only_see_their_own_and_roles_are_enforced(admin, partner, org):
    mine = started(partner, org)
    other = Api(admin.base, key_for(admin, f"XM-OTHER-{uuid.uuid4().hex[:6].upper()}", "partner"))
    reader = Api(admin.base, key_for(admin, org["ref"], "reader"))
    assert other.call("GET", f"/v1/programmes/{mine['id']}").status_code == 404
    assert other.call("PATCH", f"/v1/programmes/{mine['id']}", {"title": "mine now"}).status_code == 404
    assert mine["id"] not in {p["id"] for p in other.get("/v1/programmes?limit=500")["items"]}
    assert reader.get(f"/v1/programmes/{mine['id']}")["id"] == mine["id"]
    assert reader.call("PATCH", f"/v1/programmes/{mine['id']}", {"title": "x"}).status_code == 403
    refused = other.call("POST", "/v1/programmes", body(org))
    assert refused.status_code == 422 and fields_of(refused) == {"reporting_org.ref"}
    result = partner.post(f"/v1/programmes/{mine['id']}/results", result_body(mine, 1))
    assert other.call("GET", f"/v1/results/{result['id']}").status_code == 404
    assert partner.call("POST", f"/v1/results/{result['id']}/return", {"comment": "x"}).status_code == 403


# --- bad input ------------------------------------------------------------------------------------

BAD_PROGRAMMES = [
    ({"colour": "red"}, {"colour"}),                                               # unknown field
    ({"id": "chosen-by-client"}, {"id"}),                                          # server-set
    ({"status": "implementation"}, {"status"}),
    ({"countries": ["UG", "ZZ"]}, {"countries.1"}),                                # unknown country
    ({"sdg_targets": ["11.99"]}, {"sdg_targets.0"}),                               # unknown SDG target
    ({"sectors": [{"code": "12345"}]}, {"sectors.0.code"}),                        # unknown sector
    ({"themes": ["housing"]}, {"themes.0"}),                                       # unknown theme
    ({"funding_window": "regional"}, {"funding_window"}),                          # unknown window
    ({"dates": {"planned_start": "2021-01-01", "planned_end": "2020-01-01"}}, {"dates.planned_end"}),   # end<start
    ({"budget": {"amount": "-1.00", "currency": "USD"}}, {"budget.amount"}),       # negative
    ({"cities": [{"name": "Mombasa", "country": "TZ"}]}, {"cities.0.country"}),    # not its country
    ({"parent_id": "no-such-programme"}, {"parent_id"}),
]


@pytest.mark.parametrize("changes, bad", BAD_PROGRAMMES, ids=[sorted(b)[0] for _, b in BAD_PROGRAMMES])
def test_bad_programmes_are_refused_naming_the_field(partner, org, changes, bad):
    title = f"Refused {uuid.uuid4().hex[:8]}"
    response = partner.call("POST", "/v1/programmes", body(org, title=title, **changes))
    assert response.status_code == 422
    assert fields_of(response) == bad
    assert partner.get(f"/v1/programmes?q={title[-8:]}")["items"] == []      # nothing written


def test_a_duplicate_iati_identifier_is_refused(partner, org):
    first = partner.post("/v1/programmes", body(org))
    response = partner.call("POST", "/v1/programmes", body(org, iati_identifier=first["iati_identifier"],
                                                           cities=[{"name": "Gulu", "country": "UG"}]))
    assert response.status_code == 422 and fields_of(response) == {"iati_identifier"}
    assert "Gulu" not in {c["name"] for c in partner.get("/v1/cities?country=UG&q=Gulu")["items"]}


@pytest.fixture(scope="module")
def live(partner, org):
    return started(partner, org)


BAD_RESULTS = [
    ({"indicator": "trees_planted"}, {"indicator"}),                               # not its indicator
    ({"city_id": "elsewhere"}, {"city_id"}),                                       # not its city
    ({"value": -5}, {"value"}),                                                    # negative
    ({"value": 2.5}, {"value"}),                                                   # a float
    ({"period": {"start": "2020-06-30", "end": "2020-01-01"}}, {"period.end"}),    # end before start
    ({"disaggregations": {"sex": {"female": "900", "male": "300"}}}, {"disaggregations.sex"}),   # exceed
    ({"disaggregations": {"sex": {"female": "500", "male": "400", "unknown": "0"}}}, {"disaggregations.sex"}),
    ({"approved_value": "1000"}, {"approved_value"}),                              # server-set
]


@pytest.mark.parametrize("changes, bad", BAD_RESULTS, ids=[sorted(b)[0] for _, b in BAD_RESULTS])
def test_bad_results_are_refused_naming_the_field(partner, live, changes, bad):
    response = partner.call("POST", f"/v1/programmes/{live['id']}/results",
                            {**result_body(live, 1000), **changes})
    assert response.status_code == 422
    assert fields_of(response) == bad
    assert partner.get(f"/v1/programmes/{live['id']}/results")["items"] == []   # nothing written


@pytest.mark.parametrize("query, bad", [("country=ZZ", "country"), ("theme=housing", "theme"),
                                        ("limit=501", "limit"), ("cursor=not-ours", "cursor"),
                                        ("modified_since=yesterday", "modified_since"), ("colour=red", "colour")])
def test_bad_list_queries_name_the_parameter(partner, query, bad):
    response = partner.call("GET", f"/v1/programmes?{query}")
    assert response.status_code == 422 and fields_of(response) == {bad}


def test_unknown_things_are_404(partner):
    for path in ("/v1/programmes/nope", "/v1/results/nope", "/v1/cities/nope", "/v1/programmes/nope/totals"):
        assert partner.call("GET", path).status_code == 404, path
    assert partner.call("POST", "/v1/programmes/nope/results", result_body({"cities": [{"id": "c", "name": "Jinja"}]},
                                                                            1)).status_code == 404
    assert PERIOD  # the default period of tests.programmes_flow
