"""Bad input to every endpoint gets a 4xx problem+json body naming each bad field,
and nothing of a rejected request is kept."""
import pytest
import requests

from tests.e2e.conftest import ADMIN_HEADERS
from tests.programmes_flow import programme_body, result_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

JINJA = {"name": "Jinja", "country": "UG"}
GOOD_PROGRAMME = programme_body("Good", funding_window="global", instrument="regional_programme",
                                themes=["cities_migration"], countries=["UG"], cities=[JINJA],
                                indicators=[{"code": "people_reached"}])


def fields_of(response):
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == response.status_code
    assert "Traceback" not in response.text
    return {e["field"] for e in body.get("errors", [])}


@pytest.fixture(scope="module")
def programme(platform):
    created = requests.post(f"{platform}/v1/programmes", json=GOOD_PROGRAMME, timeout=10, headers=ADMIN_HEADERS).json()
    return requests.post(f"{platform}/v1/programmes/{created['id']}/status", json={"status": "implementation"},
                         timeout=10, headers=ADMIN_HEADERS).json()


@pytest.mark.parametrize("body, bad_fields", [
    ({**GOOD_PROGRAMME, "colour": "red"}, {"colour"}),
    ({**GOOD_PROGRAMME, "id": "chosen-by-client"}, {"id"}),
    ({**GOOD_PROGRAMME, "title": "   "}, {"title"}),
    ({**GOOD_PROGRAMME, "funding_window": "regional"}, {"funding_window"}),
    ({**GOOD_PROGRAMME, "themes": ["housing"]}, {"themes.0"}),
    ({**GOOD_PROGRAMME, "themes": []}, {"themes"}),
    ({**GOOD_PROGRAMME, "countries": ["ZZ"], "cities": [{"name": "X", "country": "ZZ"}]},
     {"countries.0", "cities.0.country"}),
    ({**GOOD_PROGRAMME, "cities": [{"name": "Nairobi", "country": "KE"}]}, {"cities.0.country"}),
    ({"title": "only a title"}, {"iati_identifier", "reporting_org", "funding_window", "instrument", "themes",
                                 "countries"}),
])
def test_bad_programmes_are_refused_naming_each_field(platform, body, bad_fields):
    response = requests.post(f"{platform}/v1/programmes", json=body, timeout=10, headers=ADMIN_HEADERS)
    assert response.status_code == 422
    assert fields_of(response) == bad_fields


@pytest.mark.parametrize("path", ["/v1/programmes", "/v1/funds", "/v1/programmes/x/results"])
def test_bodies_that_are_not_json_objects_are_refused(platform, path):
    not_json = requests.post(platform + path, data="{nope",
                             headers={**ADMIN_HEADERS, "Content-Type": "application/json"}, timeout=10)
    assert not_json.status_code == 422 and fields_of(not_json) == {"_body"}
    wrong_type = requests.post(platform + path, data="a=b", timeout=10, headers=ADMIN_HEADERS)
    assert wrong_type.status_code == 422 and fields_of(wrong_type) == {"_body"}
    array = requests.post(platform + path, json=[1, 2], timeout=10, headers=ADMIN_HEADERS)
    assert array.status_code == 422 and fields_of(array) == {"_body"}


@pytest.mark.parametrize("changes, bad_fields", [
    ({"indicator": "happiness"}, {"indicator"}),
    ({"value": -5}, {"value"}),
    ({"value": 2.5}, {"value"}),
    ({"value": "twelve"}, {"value"}),
    ({"city_id": "kampala"}, {"city_id"}),
    ({"city_id": None}, {"city_id"}),
    ({"approved": True}, {"approved"}),
])
def test_bad_results_are_refused_naming_each_field(platform, programme, changes, bad_fields):
    body = {k: v for k, v in {**result_body(programme, 1), **changes}.items() if v is not None}
    response = requests.post(f"{platform}/v1/programmes/{programme['id']}/results", json=body, timeout=10,
                             headers=ADMIN_HEADERS)
    assert response.status_code == 422
    assert fields_of(response) == bad_fields
    kept = requests.get(f"{platform}/v1/programmes/{programme['id']}/results", timeout=10, headers=ADMIN_HEADERS).json()
    assert kept["items"] == []


def test_results_for_an_unknown_programme_are_404(platform):
    response = requests.post(f"{platform}/v1/programmes/nope/results",
                             json={"indicator": "people_reached", "city_id": "jinja", "value": 1,
                                   "period": {"start": "2020-01-01", "end": "2020-06-30"}}, timeout=10,
                             headers=ADMIN_HEADERS)
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]


# Bad grants input (amounts, currencies, transitions, reviewers): tests/e2e/test_grants.py


@pytest.mark.parametrize("path", ["/v1/programmes/nope", "/v1/grants/nope", "/v1/nothing-here"])
def test_unknown_things_are_404_problems(platform, path):
    response = requests.get(platform + path, timeout=10, headers=ADMIN_HEADERS)
    assert response.status_code == 404
    fields_of(response)


def test_unknown_plan_is_404(platform):
    for path in ("/v1/plan?plan=nope", "/v1/objective/progress?plan=nope"):
        response = requests.get(platform + path, timeout=10, headers=ADMIN_HEADERS)
        assert response.status_code == 404
        fields_of(response)
