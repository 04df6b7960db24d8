"""Programme and indicator use cases on a real unit of work over a throw-away SQLite database
(conftest.py): what each writes, the events it emits, what it refuses."""
from decimal import Decimal

import pytest
from programmes_requests import (
    ADMIN,
    JINJA,
    ORG,
    VALID,
    body,
    city_id,
    counts,
    handlers,
)

from shared.errors import Conflict, InvalidInput, NotFound

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
    ({"title": "\ufeff\u200b"}, "title"),                                        # only invisible characters
    ({"title": "Good\x00"}, "title"),                                             # NUL: PostgreSQL refuses it
    ({"cities": [{"name": "Jin\x00ja", "country": "UG"}]}, "cities.0.name"),
    ({"budget": {"amount": "1e308", "currency": "USD"}}, "budget.amount"),
    ({"budget": {"amount": "1000000000.01", "currency": "USD"}}, "budget.amount"),
    ({"cities": [{"name": "Jinja", "country": "UG", "population": 10 ** 39}]}, "cities.0.population"),
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



def test_a_parent_of_another_organisation_is_answered_like_a_missing_one_even_for_an_admin(uow):
    """A family is one organisation's: the parent lists its children and rolls their results up."""
    theirs = handlers.create_programme(uow, body(iati_identifier="XM-ORG-1-JWP", funding_window="global",
                                                 instrument="joint_work_programme"))
    other_org = {"ref": "XM-ORG-2", "name": "Partner two", "type": "21"}
    answers = {}
    for parent_id in (theirs["id"], "no-such-programme"):
        with pytest.raises(InvalidInput) as caught:
            handlers.create_programme(uow, body(iati_identifier=f"XM-ORG-2-{len(answers)}", reporting_org=other_org,
                                                parent_id=parent_id), actor=ADMIN)
        answers[parent_id] = caught.value.errors["parent_id"]
    assert answers[theirs["id"]] == [f"no programme with id {theirs['id']!r}"]
    assert answers["no-such-programme"] == ["no programme with id 'no-such-programme'"]
    assert handlers.get_programme(uow, theirs["id"])["children"] == []

# --- indicators -------------------------------------------------------------------------------

def test_an_own_indicator_with_baseline_and_targets(uow, created):
    indicator = handlers.define_indicator(uow, created["id"], {
        "code": "km_drains", "title": "Drains built", "reach": "direct", "sdg_indicator": "11.1.1",
        "baseline": {"value": "0", "year": 2019},
        "targets": [{"period": {"start": "2020-01-01", "end": "2020-12-31"}, "value": "12.5"}]})
    assert indicator["corporate"] is False and indicator["measure_code"] == "1"
    assert indicator["targets"] == [{"period": {"start": "2020-01-01", "end": "2020-12-31"}, "value": "12.5",
                                     "city_id": None, "disaggregation": None}]
    assert (indicator["reporting"], indicator["rollup"], indicator["scale"]) == ("per_period", "sum", None)
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
