"""Use cases of the programmes service on a real unit of work over a throw-away SQLite
database (conftest.py): what each writes, the events it emits, what it refuses."""
import copy
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from programmes import handlers as use_cases
from shared.actors import SYSTEM, Actor
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

ORG = {"ref": "XM-ORG-1", "name": "Partner one", "type": "21"}
JINJA = {"name": "Jinja", "country": "UG", "population": 300000}
KISUMU = {"name": "Kisumu", "country": "KE"}
VALID = {
    "iati_identifier": "XM-ORG-1-UG-001", "reporting_org": ORG, "title": "Secondary cities of Lake Victoria",
    "description": "Upgrading and planning", "funding_window": "country_city", "instrument": "country_programme",
    "themes": ["gender_equality", "resilience_climate"], "countries": ["UG", "KE"], "cities": [JINJA, KISUMU],
    "sdg_goals": ["11", "5"], "sdg_targets": ["11.1", "5.5"],
    "sectors": [{"code": "43030", "percentage": "70"}, {"code": "16030", "percentage": "30"}],
    "policy_markers": [{"code": "1", "significance": 2}, {"code": "7", "significance": 1}],
    "participating_orgs": [{"name": "Jinja City Council", "role": "implementing", "type": "11"},
                           {"ref": "XM-DAC-41114", "name": "UNDP", "role": "funding", "type": "40"}],
    "budget": {"amount": "2500000.00", "currency": "USD"},
    "dates": {"planned_start": "2019-01-01", "planned_end": "2021-12-31"},
}
PARTNER = {"key_id": "k-1", "organisation": "XM-ORG-1", "role": "partner", "scopes": ["read", "write"]}
OTHER = {"key_id": "k-2", "organisation": "XM-ORG-2", "role": "partner", "scopes": ["read", "write"]}
READER = {"key_id": "k-3", "organisation": "XM-ORG-1", "role": "reader", "scopes": ["read"]}
ADMIN = {"key_id": "k-0", "organisation": "platform", "role": "admin", "scopes": ["read", "write", "admin"]}
PERIOD = {"start": "2020-01-01", "end": "2020-06-30"}


class _Service:
    """The use cases as the service calls them: the actor a wire dict converted once
    (shared.actors), the system when a test names none."""

    def __getattr__(self, name):
        use_case = getattr(use_cases, name)

        def call(*args, actor=None, **kwargs):
            return use_case(*args, actor=SYSTEM if actor is None else Actor.from_wire(actor), **kwargs)
        return call


handlers = _Service()


def body(**changes):
    data = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None and key in data:
            del data[key]
        else:
            data[key] = value
    return data


def counts(engine) -> dict:
    with engine.connect() as conn:
        return {t: conn.execute(sa.select(sa.func.count()).select_from(sa.table(t))).scalar()
                for t in ("programmes", "cities", "programme_cities", "programme_facets", "indicators", "results",
                          "result_versions", "outbox")}


@pytest.fixture
def created(uow):
    return handlers.create_programme(uow, body(indicators=[{"code": "people_reached"},
                                                           {"code": "women_empowered"}]))


@pytest.fixture
def live(uow, created):
    """A programme in implementation with its two corporate indicators."""
    handlers.change_status(uow, created["id"], {"status": "implementation"})
    return handlers.get_programme(uow, created["id"])


def city_id(programme, name):
    return next(c["id"] for c in programme["cities"] if c["name"] == name)


def new_result(uow, programme, value=1000, city="Jinja", indicator="people_reached", actor=None, **extra):
    return handlers.create_result(uow, programme["id"], {"indicator": indicator, "city_id": city_id(programme, city),
                                                         "period": PERIOD, "value": value, **extra}, actor=actor)


def approved(uow, programme, value=1000, **kwargs):
    result = new_result(uow, programme, value, **kwargs)
    handlers.submit_result(uow, result["id"])
    return handlers.approve_result(uow, result["id"])


# --- creating programmes ------------------------------------------------------------------

def test_create_writes_the_programme_and_emits_created_and_indicator_defined(uow, created):
    assert uow.types() == ["programme.created", "indicator.defined", "indicator.defined"]
    event = uow.events[0]
    assert event.version == 2
    payload = event.payload
    assert payload["programme_id"] == created["id"] and payload["status"] == "pipeline"
    assert payload["status_code"] == "1" and payload["version"] == 1
    assert payload["reporting_org"] == ORG and payload["parent_id"] is None
    assert payload["budget"] == {"amount": Decimal("2500000.00"), "currency": "USD"}
    assert [c["name"] for c in payload["cities"]] == ["Jinja", "Kisumu"]
    assert payload["cities"][0]["population"] == 300000 and payload["cities"][0]["secondary_city"] is True
    assert payload["sectors"] == [{"code": "43030", "percentage": Decimal("70")},
                                  {"code": "16030", "percentage": Decimal("30")}]
    assert {e.payload["indicator"]["code"] for e in uow.events[1:]} == {"people_reached", "women_empowered"}
    assert all(e.payload["indicator"]["corporate"] for e in uow.events[1:])

    assert created["status"] == "pipeline" and created["allowed_statuses"] == ["implementation", "cancelled"]
    assert created["participating_orgs"][1]["role_code"] == "1"
    assert [i["code"] for i in created["indicators"]] == ["people_reached", "women_empowered"]
    assert created == handlers.get_programme(uow, created["id"])


def test_the_same_city_is_one_record_however_many_programmes_work_in_it(uow, created):
    other = handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-UG-002",
                                                cities=[{"name": " jinja ", "country": "UG"}], countries=["UG"]))
    assert city_id(other, "Jinja") == city_id(created, "Jinja")
    by_id = handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-UG-003",
                                                cities=[{"id": city_id(created, "Kisumu")}]))
    assert city_id(by_id, "Kisumu") == city_id(created, "Kisumu")


BAD = [
    ({"colour": "red"}, "colour"),                                                        # unknown field
    ({"id": "mine"}, "id"),                                                               # server-set
    ({"status": "closed"}, "status"),
    ({"version": 3}, "version"),
    ({"countries": ["UG", "ZZ"]}, "countries.1"),                                         # unknown country
    ({"sdg_targets": ["11.1", "11.99"]}, "sdg_targets.1"),                                # unknown SDG target
    ({"sdg_goals": ["18"]}, "sdg_goals.0"),
    ({"sectors": [{"code": "99999"}]}, "sectors.0.code"),                                 # unknown sector
    ({"themes": ["housing"]}, "themes.0"),                                                # unknown theme
    ({"funding_window": "regional"}, "funding_window"),                                   # unknown window
    ({"instrument": "loan"}, "instrument"),
    ({"instrument": "joint_work_programme"}, "instrument"),                               # other window's
    ({"dates": {"planned_start": "2021-01-01", "planned_end": "2020-01-01"}}, "dates.planned_end"),
    ({"budget": {"amount": "-5.00", "currency": "USD"}}, "budget.amount"),                # negative
    ({"budget": {"amount": "5.00", "currency": "XYZ"}}, "budget.currency"),
    ({"policy_markers": [{"code": "1", "significance": 7}]}, "policy_markers.0.significance"),
    ({"policy_markers": [{"code": "99", "significance": 1}]}, "policy_markers.0.code"),
    ({"participating_orgs": [{"name": "X", "role": "owner"}]}, "participating_orgs.0.role"),
    ({"participating_orgs": [{"name": "X", "role": "funding", "type": "1"}]}, "participating_orgs.0.type"),
    ({"reporting_org": {"ref": "XM ORG", "name": "x"}}, "reporting_org.ref"),
    ({"iati_identifier": "XM-OTHER-9"}, "iati_identifier"),
    ({"cities": [JINJA, {"name": "Mombasa", "country": "TZ"}]}, "cities.1.country"),      # not its country
    ({"cities": [JINJA, {"name": "JINJA", "country": "UG"}]}, "cities.1"),                # listed twice
    ({"cities": [{"id": "no-such-city"}]}, "cities.0.id"),
    ({"cities": [{"id": "x", "name": "Jinja"}]}, "cities.0.id"),
    ({"title": "  "}, "title"),
    ({"themes": []}, "themes"),
    ({"parent_id": "no-such-programme"}, "parent_id"),
    ({"indicators": [{"code": "people_reached", "baseline": {"value": "-1", "year": 2019}}]},
     "indicators.0.baseline.value"),
    ({"indicators": [{"code": "own_thing"}]}, "indicators.0.title"),
]


@pytest.mark.parametrize("changes, field", BAD, ids=[f for _, f in BAD])
def test_bad_input_names_the_field_and_writes_nothing(uow, engine, changes, field):
    before = counts(engine)
    with pytest.raises(InvalidInput) as caught:
        handlers.create_programme(uow, body(**changes))
    assert field in caught.value.errors, caught.value.errors
    assert all(isinstance(m, str) and m for m in caught.value.errors[field])
    assert counts(engine) == before and uow.commits == 0


def test_a_duplicate_iati_identifier_is_refused_and_nothing_else_is_written(uow, engine, created):
    before = counts(engine)
    with pytest.raises(InvalidInput) as caught:
        handlers.create_programme(uow, body(cities=[{"name": "Entebbe", "country": "UG"}]))
    assert set(caught.value.errors) == {"iati_identifier"}
    assert counts(engine) == before   # not even the new city


def test_every_problem_is_reported_at_once(uow):
    with pytest.raises(InvalidInput) as caught:
        handlers.create_programme(uow, {"title": "only a title", "countries": ["ZZ"]})
    assert set(caught.value.errors) >= {"iati_identifier", "reporting_org", "funding_window", "instrument",
                                        "themes", "countries.0"}


# --- changing programmes ----------------------------------------------------------------------

def test_update_emits_the_changed_fields_with_their_previous_values(uow, created):
    view = handlers.update_programme(uow, created["id"], {"title": "Lake Victoria cities", "sdg_goals": ["11"],
                                                          "budget": {"amount": "3000000.00", "currency": "USD"}})
    event = uow.events[-1]
    assert event.type == "programme.updated"
    assert event.payload["changed"] == ["budget", "sdg_goals", "title"]
    assert event.payload["previous"] == {"title": VALID["title"], "sdg_goals": ["11", "5"],
                                         "budget": {"amount": Decimal("2500000.00"), "currency": "USD"}}
    assert event.payload["title"] == "Lake Victoria cities" and event.payload["version"] == 2
    assert view["version"] == 2 and view["updated_at"] > created["updated_at"]


def test_an_update_that_changes_nothing_emits_nothing(uow, created):
    commits = uow.commits
    view = handlers.update_programme(uow, created["id"], {"title": VALID["title"]})
    assert uow.commits == commits and view["version"] == 1


@pytest.mark.parametrize("changes, field", [({"iati_identifier": "XM-ORG-1-X"}, "iati_identifier"),
                                            ({"status": "closed"}, "status"), ({"cities": []}, "cities"),
                                            ({}, "_schema"), ({"countries": ["UG"]}, "countries")])
def test_bad_updates_name_the_field(uow, created, changes, field):
    with pytest.raises(InvalidInput) as caught:
        handlers.update_programme(uow, created["id"], changes)
    assert field in caught.value.errors


def test_status_changes_follow_the_lifecycle_and_emit_both_states(uow, created):
    view = handlers.change_status(uow, created["id"], {"status": "implementation", "reason": "agreement signed"})
    event = uow.events[-1]
    assert event.type == "programme.status_changed"
    assert (event.payload["previous_status"], event.payload["status"], event.payload["reason"]) == (
        "pipeline", "implementation", "agreement signed")
    assert (event.payload["previous_status_code"], event.payload["status_code"]) == ("1", "2")
    assert view["allowed_statuses"] == ["finalisation", "suspended", "cancelled"]

    with pytest.raises(Conflict) as caught:
        handlers.change_status(uow, created["id"], {"status": "closed"})
    assert caught.value.allowed == ["finalisation", "suspended", "cancelled"]
    with pytest.raises(InvalidInput):
        handlers.change_status(uow, created["id"], {"status": "archived"})


def test_adding_a_city_emits_city_added(uow, created):
    view = handlers.add_programme_city(uow, created["id"], {"name": "Entebbe", "country": "UG", "population": 70000})
    assert [c["name"] for c in view["cities"]] == ["Jinja", "Kisumu", "Entebbe"]
    event = uow.events[-1]
    assert event.type == "programme.city_added" and event.payload["city"]["name"] == "Entebbe"
    assert len(event.payload["cities"]) == 3
    with pytest.raises(Conflict):
        handlers.add_programme_city(uow, created["id"], {"id": city_id(view, "Entebbe")})
    with pytest.raises(InvalidInput) as caught:
        handlers.add_programme_city(uow, created["id"], {"name": "Arusha", "country": "TZ"})
    assert set(caught.value.errors) == {"country"}


def test_cities_are_registered_once_and_listed(uow):
    created, city = handlers.create_city(uow, {"name": "Jinja", "country": "UG", "latitude": "0.4244",
                                               "longitude": "33.2042"})
    again, same = handlers.create_city(uow, {"name": "JINJA", "country": "UG"})
    assert created and not again and same["id"] == city["id"] and same["latitude"] == "0.4244"
    assert handlers.list_cities(uow, {"country": "UG"})["items"] == [city]
    assert handlers.list_cities(uow, {"country": "KE"})["items"] == []
    with pytest.raises(NotFound):
        handlers.get_city(uow, "nope")


# --- hierarchy ----------------------------------------------------------------------------------

def test_a_project_under_a_joint_work_programme_one_level_only(uow):
    jwp = handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-JWP", funding_window="global",
                                              instrument="joint_work_programme"))
    project = handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-P1", parent_id=jwp["id"]))
    assert uow.events[-1].payload["parent_id"] == jwp["id"]
    assert handlers.get_programme(uow, jwp["id"])["children"] == [
        {"id": project["id"], "iati_identifier": "XM-ORG-1-P1", "title": VALID["title"]}]
    with pytest.raises(InvalidInput) as caught:
        handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-P2", parent_id=project["id"]))
    assert set(caught.value.errors) == {"parent_id"}
    with pytest.raises(InvalidInput):
        handlers.update_programme(uow, jwp["id"], {"parent_id": project["id"]})


# --- indicators -------------------------------------------------------------------------------

def test_an_own_indicator_with_baseline_and_targets(uow, created):
    indicator = handlers.define_indicator(uow, created["id"], {
        "code": "km_drains", "title": "Drains built", "reach": "direct", "sdg_indicator": "11.1.1",
        "baseline": {"value": "0", "year": 2019},
        "targets": [{"period": {"start": "2020-01-01", "end": "2020-12-31"}, "value": "12.5"}]})
    assert indicator["corporate"] is False and indicator["measure_code"] == "1"
    assert indicator["targets"] == [{"period": {"start": "2020-01-01", "end": "2020-12-31"}, "value": "12.5"}]
    event = uow.events[-1]
    assert event.type == "indicator.defined" and event.payload["previous"] is None
    with pytest.raises(InvalidInput) as caught:
        handlers.define_indicator(uow, created["id"], {"code": "km_drains", "title": "again"})
    assert set(caught.value.errors) == {"code"}

    handlers.update_indicator(uow, created["id"], "km_drains", {"title": "Drains built (km)"})
    assert uow.events[-1].payload["previous"]["title"] == "Drains built"
    assert handlers.list_indicators(uow, created["id"])["items"][-1]["title"] == "Drains built (km)"


@pytest.mark.parametrize("spec, field", [
    ({"code": "people_reached", "targets": [{"period": {"start": "2021-01-01", "end": "2020-01-01"},
                                             "value": "1"}]}, "targets.0.period.end"),
    ({"code": "x", "title": "X", "sdg_indicator": "11.99.1"}, "sdg_indicator"),
    ({"code": "X Y", "title": "x"}, "code"),
    ({"code": "share", "title": "Share", "measure": "percentage", "baseline": {"value": "120", "year": 2019}},
     "baseline.value"),
])
def test_bad_indicators_name_the_field(uow, created, spec, field):
    with pytest.raises(InvalidInput) as caught:
        handlers.define_indicator(uow, created["id"], spec)
    assert field in caught.value.errors


# --- results: review workflow -----------------------------------------------------------------

def test_draft_submit_approve_emits_submitted_then_approved(uow, live):
    draft = new_result(uow, live, 1200, disaggregations={"sex": {"female": "700", "male": "500"}})
    assert draft["status"] == "draft" and draft["approved_value"] is None
    assert uow.types()[-1] == "programme.status_changed"   # a draft is private: no event

    handlers.submit_result(uow, draft["id"])
    view = handlers.approve_result(uow, draft["id"], {"comment": "checked"})
    assert uow.types()[-2:] == ["result.submitted", "result.approved"]
    payload = uow.events[-1].payload
    assert payload["result_id"] == draft["id"] and payload["version"] == 1
    assert payload["value"] == Decimal(1200) and payload["indicator"]["corporate"] is True
    assert payload["city"] == {"id": city_id(live, "Jinja"), "name": "Jinja", "country": "UG"}
    assert payload["period"]["start"].isoformat() == "2020-01-01"
    assert payload["disaggregations"] == {"sex": {"female": Decimal(700), "male": Decimal(500)}}
    assert (view["status"], view["approved_value"], view["approved_version"]) == ("approved", "1200", 1)
    assert [v["log"][-1]["action"] for v in view["versions"]] == ["approved"]


def test_returned_for_revision_with_a_comment(uow, live):
    result = new_result(uow, live)
    handlers.submit_result(uow, result["id"])
    view = handlers.return_result(uow, result["id"], {"comment": "add the sex parts"})
    assert view["status"] == "returned" and view["allowed_actions"] == ["edit", "submit"]
    assert uow.events[-1].type == "result.returned" and uow.events[-1].payload["comment"] == "add the sex parts"
    view = handlers.update_result(uow, result["id"], {"disaggregations": {"sex": {"female": "400", "male": "600"}}})
    assert view["disaggregations"] == {"sex": {"female": "400", "male": "600"}}
    with pytest.raises(InvalidInput) as caught:
        handlers.return_result(uow, result["id"], {"comment": " "})
    assert set(caught.value.errors) == {"comment"}


def test_a_revision_replaces_the_approved_value_and_the_history_stays(uow, live):
    result = approved(uow, live, 1200)
    view = handlers.revise_result(uow, result["id"], {"value": "1000", "comment": "a ward was counted twice"})
    assert (view["status"], view["version"], view["approved_value"]) == ("submitted", 2, "1200")
    assert uow.events[-1].type == "result.submitted" and uow.events[-1].payload["replaces_version"] == 1

    view = handlers.approve_result(uow, result["id"])
    event = uow.events[-1]
    assert event.type == "result.revised"
    assert (event.payload["version"], event.payload["value"]) == (2, Decimal(1000))
    assert (event.payload["previous"]["version"], event.payload["previous"]["value"]) == (1, Decimal(1200))
    assert event.payload["comment"] == "a ward was counted twice"
    assert (view["approved_value"], view["approved_version"]) == ("1000", 2)

    history = handlers.get_result(uow, result["id"])["versions"]
    assert [(v["version"], v["status"], v["value"]) for v in history] == [(1, "superseded", "1200"),
                                                                         (2, "approved", "1000")]
    assert [e["action"] for e in history[0]["log"]] == ["drafted", "submitted", "approved", "superseded"]


@pytest.mark.parametrize("data, field", [
    ({"indicator": "trees_planted"}, "indicator"),                         # not an indicator of the programme
    ({"city_id": "elsewhere"}, "city_id"),                                 # not a city of the programme
    ({"value": -1}, "value"),                                              # negative
    ({"value": 2.5}, "value"),                                             # a float
    ({"value": "10.5"}, "value"),                                          # people are whole
    ({"period": {"start": "2020-06-30", "end": "2020-01-01"}}, "period.end"),   # end before start
    ({"disaggregations": {"sex": {"female": "900", "male": "300"}}}, "disaggregations.sex"),   # parts exceed
    ({"disaggregations": {"sex": {"female": "600", "male": "300", "unknown": "0"}}}, "disaggregations.sex"),
    ({"disaggregations": {"sex": {"women": "1"}}}, "disaggregations.sex.women"),
    ({"disaggregations": {"caste": {"x": "1"}}}, "disaggregations.caste"),
    ({"status": "approved"}, "status"),                                    # server-set
    ({"approved_value": "5"}, "approved_value"),
])
def test_bad_results_name_the_field_and_write_nothing(uow, engine, live, data, field):
    before = counts(engine)
    full = {"indicator": "people_reached", "city_id": city_id(live, "Jinja"), "period": PERIOD, "value": 1000,
            **data}
    with pytest.raises(InvalidInput) as caught:
        handlers.create_result(uow, live["id"], full)
    assert field in caught.value.errors, caught.value.errors
    assert counts(engine) == before


def test_one_result_per_indicator_city_and_period(uow, live):
    new_result(uow, live)
    with pytest.raises(InvalidInput) as caught:
        new_result(uow, live, 5)
    assert set(caught.value.errors) == {"period"}


def test_results_wait_for_implementation(uow, created):
    with pytest.raises(Conflict):
        new_result(uow, created)


# --- who may do what ----------------------------------------------------------------------------

def test_a_partner_sees_and_writes_only_its_organisations_programmes(uow, created):
    assert handlers.get_programme(uow, created["id"], actor=PARTNER)["id"] == created["id"]
    assert handlers.get_programme(uow, created["id"], actor=READER)["id"] == created["id"]
    for call in (lambda: handlers.get_programme(uow, created["id"], actor=OTHER),
                 lambda: handlers.update_programme(uow, created["id"], {"title": "mine"}, actor=OTHER),
                 lambda: handlers.change_status(uow, created["id"], {"status": "cancelled"}, actor=OTHER)):
        with pytest.raises(NotFound):
            call()
    assert handlers.list_programmes(uow, {}, actor=OTHER)["items"] == []
    with pytest.raises(InvalidInput) as caught:
        handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-9"), actor=OTHER)
    assert set(caught.value.errors) == {"reporting_org.ref"}
    with pytest.raises(Forbidden):
        handlers.update_programme(uow, created["id"], {"title": "x"}, actor=READER)
    handlers.change_status(uow, created["id"], {"status": "implementation"}, actor=PARTNER)


def test_organisations_compare_case_folded_and_an_anonymous_caller_sees_no_programme(uow, created, live):
    same_org = {**PARTNER, "organisation": "xm-org-1"}          # IATI identifiers ignore case
    assert handlers.get_programme(uow, created["id"], actor=same_org)["id"] == created["id"]
    assert ids(handlers.list_programmes(uow, {}, actor=same_org)) == [created["id"]]
    result = new_result(uow, live, actor=same_org)
    assert [r["id"] for r in handlers.list_results(uow, {}, actor=same_org)["items"]] == [result["id"]]
    anonymous = {"kind": "anonymous"}
    with pytest.raises(NotFound):
        handlers.get_programme(uow, created["id"], actor=anonymous)
    assert handlers.list_programmes(uow, {}, actor=anonymous)["items"] == []
    assert handlers.list_results(uow, {}, actor=anonymous)["items"] == []
    with pytest.raises(Forbidden):
        handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-9"), actor=anonymous)


def test_only_an_admin_approves_or_returns(uow, live):
    result = new_result(uow, live, actor=PARTNER)
    handlers.submit_result(uow, result["id"], actor=PARTNER)
    with pytest.raises(Forbidden):
        handlers.approve_result(uow, result["id"], actor=PARTNER)
    with pytest.raises(Forbidden):
        handlers.return_result(uow, result["id"], {"comment": "x"}, actor=PARTNER)
    with pytest.raises(NotFound):
        handlers.get_result(uow, result["id"], actor=OTHER)
    view = handlers.approve_result(uow, result["id"], actor=ADMIN)
    assert view["versions"][0]["log"][-1]["by"] == "platform"


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


def ids(page):
    return [p["id"] for p in page["items"]]


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
    assert totals["indicators"] == [{"indicator": "people_reached", "corporate": True, "measure": "unit",
                                     "own": "50", "children": "300", "total": "350", "results": 3}]
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
