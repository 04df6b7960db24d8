"""Use cases of the programmes service against an in-memory unit of work (conftest.py)."""
import copy
import json
from datetime import datetime, timezone

import pytest

from programmes import handlers
from shared.errors import InvalidInput, NotFound

JINJA = {"name": "Jinja", "country": "UG"}
KISUMU = {"name": "Kisumu", "country": "KE"}
VALID = {"title": "Secondary cities of Lake Victoria", "funding_window": "country_city",
         "themes": ["gender_equality", "resilience_climate"], "countries": ["UG", "KE"],
         "cities": [JINJA, KISUMU]}


def programme_input(**changes):
    data = copy.deepcopy(VALID)
    data.update(changes)
    return data


def parse_utc(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# --- create_programme ---------------------------------------------------------------

def test_create_programme_commits_and_emits_exactly_one_programme_created(uow):
    before = datetime.now(timezone.utc)
    view = handlers.create_programme(uow, programme_input())

    assert uow.committed
    assert [e.type for e in uow.outbox] == ["programme.created"]
    event = uow.outbox[0]
    assert (event.producer, event.version) == ("programmes", 1)
    assert event.payload == {
        "programme_id": view["id"], "title": VALID["title"], "funding_window": "country_city",
        "themes": ["gender_equality", "resilience_climate"], "countries": ["UG", "KE"],
        "cities": [JINJA, KISUMU], "created_at": event.payload["created_at"]}
    assert before <= event.payload["created_at"] <= datetime.now(timezone.utc)
    assert event.payload["created_at"].tzinfo == timezone.utc

    assert view["title"] == VALID["title"] and view["cities"] == [JINJA, KISUMU]
    assert parse_utc(view["created_at"]) == parse_utc(view["updated_at"]) == event.payload["created_at"]
    assert uow.programmes.get(view["id"]).title == VALID["title"]


def test_the_programme_is_readable_after_creation(uow):
    created = handlers.create_programme(uow, programme_input(title="  Trimmed  "))
    assert handlers.get_programme(uow, created["id"]) == {**created, "title": "Trimmed", "results": []}


def test_two_programmes_two_events_in_commit_order(uow):
    first = handlers.create_programme(uow, programme_input(title="First"))
    second = handlers.create_programme(uow, programme_input(title="Second"))
    assert [e.payload["programme_id"] for e in uow.outbox] == [first["id"], second["id"]]


@pytest.mark.parametrize("changes, field", [
    ({"budget": "100"}, "budget"),                                              # unknown field
    ({"countries": ["UG", "ZZ"]}, "countries.1"),                               # unknown country
    ({"themes": ["gender_equality", "space_travel"]}, "themes.1"),              # unknown theme
    ({"funding_window": "regional"}, "funding_window"),                         # unknown window
    ({"title": "   "}, "title"),                                                # blank title
    ({"title": ""}, "title"),
    ({"cities": [{"name": "Nairobi", "country": "ZZ"}]}, "cities.0.country"),   # unknown country code
    ({"cities": [JINJA, {"name": "Mombasa", "country": "TZ"}]}, "cities.1.country"),  # not its country
    ({"cities": [JINJA, KISUMU, {"name": "Jinja", "country": "UG"}]}, "cities.2"),   # duplicate city
    ({"cities": [{"name": " ", "country": "UG"}]}, "cities.0.name"),
    ({"cities": []}, "cities"),
    ({"themes": []}, "themes"),
])
def test_invalid_input_names_the_bad_field_and_changes_nothing(uow, changes, field):
    with pytest.raises(InvalidInput) as caught:
        handlers.create_programme(uow, programme_input(**changes))

    assert set(caught.value.errors) == {field}
    assert all(isinstance(m, str) and m for m in caught.value.errors[field])
    assert not uow.committed and uow.commits == 0 and uow.outbox == [] and uow.emitted == []
    assert uow.programmes.programmes == {}


def test_the_message_names_the_bad_value(uow):
    with pytest.raises(InvalidInput) as caught:
        handlers.create_programme(uow, programme_input(countries=["ZZ"], funding_window="regional",
                                                       themes=["space_travel"]))
    errors = caught.value.errors
    assert set(errors) == {"countries.0", "funding_window", "themes.0"}
    assert "'ZZ'" in errors["countries.0"][0]
    assert "'regional'" in errors["funding_window"][0]
    assert "'space_travel'" in errors["themes.0"][0]


def test_missing_fields_are_each_named(uow):
    with pytest.raises(InvalidInput) as caught:
        handlers.create_programme(uow, {"title": "Only a title"})
    assert set(caught.value.errors) == {"funding_window", "themes", "countries", "cities"}


def test_a_body_that_is_not_an_object_is_refused(uow):
    with pytest.raises(InvalidInput) as caught:
        handlers.create_programme(uow, ["not", "an", "object"])
    assert set(caught.value.errors) == {"_schema"}


# --- record_result ------------------------------------------------------------------

@pytest.fixture
def programme(uow):
    return handlers.create_programme(uow, programme_input())


def test_record_result_commits_and_emits_result_recorded(uow, programme):
    view = handlers.record_result(uow, programme["id"], {"indicator": "women_empowered",
                                                         "city": {"name": "Kisumu ", "country": "KE"},
                                                         "value": 340})

    assert uow.committed
    assert [e.type for e in uow.outbox] == ["programme.created", "result.recorded"]
    event = uow.outbox[1]
    assert event.payload == {"result_id": view["id"], "programme_id": programme["id"],
                             "indicator": "women_empowered", "city": KISUMU, "value": 340,
                             "recorded_at": event.payload["recorded_at"]}
    assert view == {"id": view["id"], "programme_id": programme["id"], "indicator": "women_empowered",
                    "city": KISUMU, "value": 340, "recorded_at": view["recorded_at"]}
    assert parse_utc(view["recorded_at"]) == event.payload["recorded_at"]


def test_results_show_on_the_programme_and_move_its_updated_at(uow, programme):
    first = handlers.record_result(uow, programme["id"], {"indicator": "people_reached", "city": JINJA,
                                                          "value": 10})
    second = handlers.record_result(uow, programme["id"], {"indicator": "people_reached", "city": KISUMU,
                                                           "value": 0})
    view = handlers.get_programme(uow, programme["id"])

    assert view["results"] == [first, second]
    assert view["updated_at"] == second["recorded_at"]
    assert view["created_at"] == programme["created_at"]


def test_record_result_for_an_unknown_programme_is_not_found(uow):
    with pytest.raises(NotFound) as caught:
        handlers.record_result(uow, "no-such-id", {"indicator": "people_reached", "city": JINJA, "value": 1})
    assert (caught.value.resource, caught.value.identifier) == ("programme", "no-such-id")
    assert not uow.committed and uow.commits == 0 and uow.outbox == []


def test_get_an_unknown_programme_is_not_found(uow):
    with pytest.raises(NotFound) as caught:
        handlers.get_programme(uow, "nope")
    assert caught.value.identifier == "nope"


@pytest.mark.parametrize("data, field", [
    ({"indicator": "people_reached", "city": {"name": "Kampala", "country": "UG"}, "value": 1}, "city"),
    ({"indicator": "people_reached", "city": JINJA, "value": -1}, "value"),
    ({"indicator": "people_reached", "city": JINJA, "value": 2.5}, "value"),
    ({"indicator": "people_reached", "city": JINJA, "value": "3"}, "value"),
    ({"indicator": "people_reached", "city": JINJA, "value": True}, "value"),
    ({"indicator": "trees_planted", "city": JINJA, "value": 1}, "indicator"),
    ({"indicator": "people_reached", "city": {"name": "Jinja", "country": "ZZ"}, "value": 1}, "city.country"),
    ({"indicator": "people_reached", "city": JINJA, "value": 1, "note": "x"}, "note"),
])
def test_a_bad_result_names_the_field_and_changes_nothing(uow, programme, data, field):
    with pytest.raises(InvalidInput) as caught:
        handlers.record_result(uow, programme["id"], data)

    assert set(caught.value.errors) == {field}
    assert uow.commits == 1  # the programme's creation only
    assert [e.type for e in uow.outbox] == ["programme.created"]
    assert uow.programmes.results_of(programme["id"]) == []


def test_a_json_float_value_is_refused(uow, programme):
    data = json.loads('{"indicator": "people_reached", "city": {"name": "Jinja", "country": "UG"}, '
                      '"value": 12.0}')
    with pytest.raises(InvalidInput) as caught:
        handlers.record_result(uow, programme["id"], data)
    assert set(caught.value.errors) == {"value"}


def test_zero_is_a_valid_value(uow, programme):
    view = handlers.record_result(uow, programme["id"], {"indicator": "people_reached", "city": JINJA,
                                                         "value": 0})
    assert view["value"] == 0 and uow.outbox[-1].payload["value"] == 0
