"""Bad input to every endpoint gets a 4xx problem+json body naming each bad field,
and nothing of a rejected request is kept."""
import json

import pytest
import requests

from shared.bounds import MAX_VALUE
from tests.e2e.conftest import ADMIN_HEADERS, running_platform
from tests.helpers import drain, wait_until
from tests.programmes_flow import programme_body, result_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

BROKERS: dict[str, str] = {}   # gateway URL -> the platform's AMQP URI (to look at its dead letters)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def platform(request, vhost_factory, postgres_database_factory, tmp_path_factory):
    """tests/e2e/conftest.py's platform, remembering its broker vhost."""
    amqp_uri = vhost_factory()
    with running_platform(request.param, vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session, AMQP_URI=amqp_uri) as base:
        BROKERS[base] = amqp_uri
        yield base

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


# --- bad bytes, bad text, bad numbers: 4xx naming the field, nothing written -----------------

def raw_post(platform, path, data: bytes):
    return requests.post(platform + path, data=data, timeout=30,
                         headers={**ADMIN_HEADERS, "Content-Type": "application/json"})


def programme_json(**changes) -> bytes:
    return json.dumps({**GOOD_PROGRAMME, **changes}).encode()


def with_raw_title(raw: str) -> bytes:
    """GOOD_PROGRAMME with the title written as raw JSON text (escapes json.dumps would not write)."""
    body = json.dumps({**GOOD_PROGRAMME, "title": "@@"})
    return body.replace('"@@"', raw).encode()


def nested(levels: int) -> bytes:
    return programme_json(title="x")[:-1] + b', "themes": ' + b"[" * levels + b"]" * levels + b"}"


BAD_PROGRAMME_BODIES = {
    "nested 1,000 levels": (nested(1000), "_body"),
    "nested 100,000 levels": (nested(100_000), "_body"),
    "invalid UTF-8": (programme_json(title="caf\u00e9").replace(b"caf\\u00e9", b"caf\xe9"), "_body"),
    "a lone surrogate in a title": (with_raw_title('"a\\ud800b"'), "title"),
    "a lone low surrogate in a title": (with_raw_title('"\\udfff"'), "title"),
    "a surrogate in a key": (programme_json()[:-1] + b', "\\ud800": 1}', "_body"),
    "NUL in a title": (programme_json(title="Good\x00"), "title"),
    "NUL in a city name": (programme_json(cities=[{"name": "Jin\x00ja", "country": "UG"}]), "cities.0.name"),
    "NUL in a reporting organisation": (programme_json(reporting_org={**GOOD_PROGRAMME["reporting_org"],
                                                                      "name": "\x00"}), "reporting_org.name"),
    "a title of invisible characters": (programme_json(title="\ufeff\u200b\u2060 "), "title"),
    "an escape character in a title": (programme_json(title="Good\x1b[31m"), "title"),
}


def programme_ids(platform):
    page = requests.get(f"{platform}/v1/programmes?limit=200", timeout=10, headers=ADMIN_HEADERS)
    assert page.status_code == 200
    return {p["id"] for p in page.json()["items"]}


def city_names(platform):
    page = requests.get(f"{platform}/v1/cities?limit=200", timeout=10, headers=ADMIN_HEADERS)
    assert page.status_code == 200
    return {c["name"] for c in page.json()["items"]}


@pytest.mark.parametrize("case", list(BAD_PROGRAMME_BODIES))
def test_bad_bytes_and_text_are_422_naming_the_field_and_nothing_is_written(platform, programme, case):
    data, field = BAD_PROGRAMME_BODIES[case]
    programmes_before, cities_before = programme_ids(platform), city_names(platform)
    response = raw_post(platform, "/v1/programmes", data)
    assert response.status_code == 422, response.text
    assert fields_of(response) == {field}
    assert programme_ids(platform) == programmes_before and city_names(platform) == cities_before


@pytest.mark.parametrize("value", [
    1e308, "1e308", "1E+1000000", 10 ** 39, 10 ** 15, "1000000000000000", str(MAX_VALUE + 1), " 5 ", "5 ", "+5",
    "0x10", "NaN", "Infinity",
])
def test_out_of_bounds_and_padded_values_are_422_and_nothing_is_written(platform, programme, value):
    body = result_body(programme, 1)
    data = json.dumps(body).replace('"value": 1', f'"value": {json.dumps(value)}').encode()
    response = raw_post(platform, f"/v1/programmes/{programme['id']}/results", data)
    assert response.status_code == 422, response.text
    assert fields_of(response) == {"value"}
    kept = requests.get(f"{platform}/v1/programmes/{programme['id']}/results", timeout=10, headers=ADMIN_HEADERS)
    assert kept.json()["items"] == []


@pytest.mark.parametrize("path, parameter", [
    ("/v1/programmes?q=a%00b", "q"),
    ("/v1/programmes?city=%00", "city"),
    ("/v1/cities?q=Jin%00ja", "q"),
    ("/v1/results?indicator=people%00reached", "indicator"),
    ("/v1/results?programme_id=%00", "programme_id"),
    ("/v1/programmes?q=%ED%A0%80", "q"),            # a surrogate, UTF-8-encoded (invalid UTF-8)
    ("/v1/programmes?q=%FF", "q"),                  # not UTF-8 at all
    ("/v1/programmes?modified_since=9999-12-31T23:59:59-23:59", "modified_since"),   # the year 10000 in UTC
])
def test_bad_characters_in_filters_are_422_naming_the_parameter(platform, path, parameter):
    response = requests.get(platform + path, timeout=10, headers=ADMIN_HEADERS)
    assert response.status_code == 422, response.text
    assert fields_of(response) == {parameter}


def test_a_webhook_url_with_nul_is_422_and_nothing_is_written(platform):
    def subscriptions():
        return requests.get(f"{platform}/v1/webhooks", timeout=10, headers=ADMIN_HEADERS).json()["items"]

    before = subscriptions()
    response = requests.post(f"{platform}/v1/webhooks", timeout=10, headers=ADMIN_HEADERS,
                             json={"url": "http://127.0.0.1:9/hook\x00", "event_types": ["result.approved"]})
    assert response.status_code == 422, response.text
    assert fields_of(response) == {"url"}
    assert subscriptions() == before


@pytest.mark.parametrize("method, path", [
    ("GET", "/v1/programmes/a%00b"),
    ("GET", "/v1/programmes/%00/totals"),
    ("PATCH", "/v1/programmes/%00"),
    ("POST", "/v1/programmes/%00/results"),
    ("GET", "/v1/results/%00"),
    ("POST", "/v1/results/%00/submit"),
    ("GET", "/v1/cities/%00"),
    ("GET", "/v1/grants/%00"),
    ("GET", "/v1/applications/%1b"),
    ("GET", "/v1/funds/%ED%A0%80"),
])
def test_bad_characters_in_path_ids_are_404(platform, method, path):
    response = requests.request(method, platform + path, json={"title": "x"}, timeout=10, headers=ADMIN_HEADERS)
    assert response.status_code == 404, response.text
    fields_of(response)


def test_text_is_stored_normalised(platform):
    body = {**GOOD_PROGRAMME, "iati_identifier": "XM-TEST-1-NFC", "title": "\ufeff  Gare\u0301 du Nord\u200b ",
            "cities": [{"name": " Jinja\u00a0", "country": "UG"}]}
    created = requests.post(f"{platform}/v1/programmes", json=body, timeout=10, headers=ADMIN_HEADERS)
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "Gar\u00e9 du Nord"
    assert [c["name"] for c in created.json()["cities"]] == ["Jinja"]


def test_the_largest_value_accepted_counts_and_nothing_is_parked(platform):
    """An approved value at the bound reaches the progress; no consumer parks its events."""
    body = {**GOOD_PROGRAMME, "iati_identifier": "XM-TEST-1-LARGEST"}
    created = requests.post(f"{platform}/v1/programmes", json=body, timeout=10, headers=ADMIN_HEADERS).json()
    programme = requests.post(f"{platform}/v1/programmes/{created['id']}/status", json={"status": "implementation"},
                              timeout=10, headers=ADMIN_HEADERS).json()

    def people_reached():
        progress = requests.get(f"{platform}/v1/objective/progress", timeout=10, headers=ADMIN_HEADERS).json()
        return next(t for t in progress["targets"] if t["code"] == "people_reached")["value"]

    before = people_reached()
    created = requests.post(f"{platform}/v1/programmes/{programme['id']}/results", timeout=10,
                            json=result_body(programme, str(MAX_VALUE)), headers=ADMIN_HEADERS)
    assert created.status_code == 201, created.text
    for step in ("submit", "approve"):
        done = requests.post(f"{platform}/v1/results/{created.json()['id']}/{step}", json={}, timeout=10,
                             headers=ADMIN_HEADERS)
        assert done.status_code == 200, done.text
    assert done.json()["approved_value"] in (str(MAX_VALUE), f"{MAX_VALUE}.0000")
    wait_until(lambda: people_reached() == before + MAX_VALUE, timeout=20,
               message="the largest value counted in the progress")
    amqp_uri = BROKERS[platform]
    for consumer in ("metrics", "gateway"):
        assert drain(amqp_uri, f"{consumer}.dead-letters") == [], f"{consumer} parked an event"
