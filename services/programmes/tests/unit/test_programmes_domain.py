"""The programmes domain: rules that need neither schemas nor storage."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from programmes.domain import City, Programme
from shared.errors import InvalidInput

NOW = datetime(2020, 3, 1, 9, 30, tzinfo=timezone.utc)
JINJA = {"name": "Jinja", "country": "UG"}
KISUMU = {"name": "Kisumu", "country": "KE"}


def create(**overrides):
    fields = {"title": "Secondary cities", "funding_window": "country_city", "themes": ["gender_equality"],
              "countries": ["UG", "KE"], "cities": [JINJA, KISUMU], "now": NOW}
    fields.update(overrides)
    return Programme.create(**fields)


def errors_of(**overrides) -> dict:
    with pytest.raises(InvalidInput) as caught:
        create(**overrides)
    return caught.value.errors


def test_create_keeps_the_fields_trims_text_and_stamps_both_dates():
    programme = create(title="  Secondary cities ", cities=[{"name": " Jinja ", "country": "UG"}, KISUMU])

    assert programme.title == "Secondary cities"
    assert programme.cities == [City("Jinja", "UG"), City("Kisumu", "KE")]
    assert programme.funding_window == "country_city"
    assert programme.themes == ["gender_equality"] and programme.countries == ["UG", "KE"]
    assert programme.created_at == programme.updated_at == NOW
    assert programme.results == []
    assert str(uuid.UUID(programme.id)) == programme.id


def test_each_programme_gets_its_own_id_and_lists():
    themes = ["gender_equality"]
    first, second = create(themes=themes), create(themes=themes)
    themes.append("cities_migration")
    assert first.id != second.id
    assert first.themes == ["gender_equality"]  # copied, not shared with the caller


def test_a_city_outside_the_programmes_countries_is_named_by_position():
    errors = errors_of(countries=["UG"], cities=[JINJA, KISUMU])
    assert set(errors) == {"cities.1.country"}
    assert "'KE'" in errors["cities.1.country"][0]


def test_a_city_listed_twice_is_named_at_its_second_position_even_with_spaces():
    errors = errors_of(cities=[JINJA, KISUMU, {"name": "Jinja  ", "country": "UG"}])
    assert set(errors) == {"cities.2"}
    assert "Jinja (UG)" in errors["cities.2"][0]


def test_same_city_name_in_two_countries_is_not_a_duplicate():
    programme = create(cities=[{"name": "Victoria", "country": "UG"}, {"name": "Victoria", "country": "KE"}])
    assert len(programme.cities) == 2


@pytest.mark.parametrize("field, values", [("themes", ["gender_equality", "resilience_climate",
                                                        "gender_equality"]),
                                           ("countries", ["UG", "KE", "UG"])])
def test_duplicate_themes_or_countries_are_refused(field, values):
    errors = errors_of(**{field: values})
    assert set(errors) == {field}
    assert errors[field] == [f"listed more than once: {values[0]}"]


def test_every_problem_is_reported_at_once():
    errors = errors_of(countries=["UG", "UG"], cities=[JINJA, KISUMU, JINJA])
    assert set(errors) == {"countries", "cities.1.country", "cities.2"}


def test_record_result_for_one_of_its_cities():
    programme = create()
    later = NOW + timedelta(days=3)
    result = programme.record_result(indicator="people_reached", city={"name": " Kisumu", "country": "KE"},
                                     value=1200, now=later)

    assert result.city == City("Kisumu", "KE")
    assert (result.programme_id, result.indicator, result.value, result.recorded_at) == (
        programme.id, "people_reached", 1200, later)
    assert programme.results == [result]
    assert str(uuid.UUID(result.id)) == result.id


@pytest.mark.parametrize("city", [{"name": "Kampala", "country": "UG"},   # not one of its cities
                                  {"name": "Jinja", "country": "KE"}])    # right name, wrong country
def test_record_result_elsewhere_is_refused_naming_city(city):
    programme = create()
    with pytest.raises(InvalidInput) as caught:
        programme.record_result(indicator="people_reached", city=city, value=1, now=NOW)
    assert set(caught.value.errors) == {"city"}
    assert programme.results == []
