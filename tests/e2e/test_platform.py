"""End to end: the four services as processes, driven through the gateway over HTTP."""
import time

import pytest
import requests

from tests.e2e.conftest import ADMIN_HEADERS, ADMIN_KEY
from tests.grants_flow import Http, award_over_http
from tests.programmes_flow import programme_body as valid_programme_body
from tests.programmes_flow import result_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

JINJA = {"name": "Jinja", "country": "UG"}
MBALE = {"name": "Mbale", "country": "UG"}


def programme_body(**overrides):
    return valid_programme_body("Secondary cities of Uganda", themes=["equitable_economic_growth", "gender_equality"],
                                countries=["UG"], cities=[JINJA, MBALE], **overrides)


def approve(base, programme, value, **kwargs):
    """Draft, submit and approve a result: only approved values count."""
    response = post(base, f"/v1/programmes/{programme['id']}/results", result_body(programme, value, **kwargs))
    assert response.status_code == 201, response.text
    for step in ("submit", "approve"):
        done = post(base, f"/v1/results/{response.json()['id']}/{step}", {})
        assert done.status_code == 200, done.text


def post(base, path, body, **kwargs):
    return requests.post(base + path, json=body, timeout=15, headers=ADMIN_HEADERS, **kwargs)


def target(progress, code):
    return next(t for t in progress["targets"] if t["code"] == code)


def progress_when(base, counts, within=1.0):
    """Poll GET /v1/objective/progress until `counts(progress)` holds; returns (progress, seconds).

    Waiting for the expected figure, not for any change: an earlier change (the programme's
    countries and cities, a previous test's events) may reach the view first."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        now = requests.get(f"{base}/v1/objective/progress", timeout=5, headers=ADMIN_HEADERS).json()
        if counts(now):
            return now, time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"progress did not show the change within {within}s: {now}")


def test_programme_results_and_grant_change_progress_within_a_second(platform):
    before = requests.get(f"{platform}/v1/objective/progress", timeout=5, headers=ADMIN_HEADERS).json()
    created = post(platform, "/v1/programmes", programme_body())
    assert created.status_code == 201, created.text
    programme = created.json()
    started = post(platform, f"/v1/programmes/{programme['id']}/status", {"status": "implementation"})
    assert started.status_code == 200, started.text

    approve(platform, programme, 125000, city="Jinja")
    people = target(before, "people_reached")["value"] + 125000
    progress_when(platform, lambda now: target(now, "people_reached")["value"] == people)

    approve(platform, programme, 3000, indicator="women_empowered", city="Mbale")
    cities = target(before, "cities_women_empowered")["value"] + 1
    progress_when(platform, lambda now: target(now, "cities_women_empowered")["value"] == cities)

    grant = award_over_http(Http(platform, ADMIN_KEY), programme["id"], programme["reporting_org"]["ref"],
                            "75000.50", "EUR")
    assert grant["amount"] == {"amount": "75000.50", "currency": "EUR"}
    progress_when(platform, lambda now: {"currency": "EUR", "amount": "75000.50"} in now["money"]["committed"])

    results = requests.get(f"{platform}/v1/programmes/{programme['id']}/results", timeout=5,
                           headers=ADMIN_HEADERS).json()["items"]
    assert results[0]["approved_value"] == "125000"


def test_plan_and_health(platform):
    plan = requests.get(f"{platform}/v1/plan", timeout=5, headers=ADMIN_HEADERS).json()
    assert plan["objective"]["deadline"] == "2021-12-31"
    assert [t["value"] for t in plan["objective"]["targets"]] == [20000000, 60, 7]
    assert {w["code"] for w in plan["windows"]} == {"country_city", "global"}
    assert len(plan["themes"]) == 4
    health = requests.get(f"{platform}/health", timeout=5, headers=ADMIN_HEADERS).json()
    assert health == {"status": "ok", "broker": "up", "database": "up",
                      "services": {"programmes": "up", "grants": "up", "metrics": "up"}}


def test_request_id_is_echoed_and_generated(platform):
    given = requests.get(f"{platform}/v1/plan", headers={"X-Request-ID": "partner-42"}, timeout=5)
    assert given.headers["X-Request-ID"] == "partner-42"
    forged = requests.get(f"{platform}/v1/plan", headers={"X-Request-ID": "a b\tc"}, timeout=5)
    assert forged.headers["X-Request-ID"] != "a b\tc" and len(forged.headers["X-Request-ID"]) == 36
