"""Read your own writes, with every service as a process (SQLite): an approval answers with a
consistency token, and GET /v1/objective/progress?wait_for=<token> answers once the gateway's
progress view includes it; a token nothing carries runs the wait out and says so; a malformed
one is a 422 naming the field."""
import threading
import uuid

import pytest
import requests

from tests.e2e.conftest import ADMIN_HEADERS, running_platform
from tests.programmes_flow import programme_body, result_body

pytestmark = pytest.mark.e2e
TOKEN, INCLUDED = "Platform-Consistency-Token", "Platform-Consistency"


@pytest.fixture(scope="module")
def platform(vhost_factory, postgres_database_factory, tmp_path_factory, request):
    with running_platform("sqlite", vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session) as base:
        yield base


def post(base, path, body, headers=None):
    response = requests.post(f"{base}{path}", json=body, headers={**ADMIN_HEADERS, **(headers or {})}, timeout=10)
    assert response.status_code in (200, 201), response.text
    return response


def women(progress):
    return int(progress["figures"]["women_empowered"]["value"])


def submitted_result(base, value):
    programme = post(base, "/v1/programmes", programme_body("Read your writes: Jinja")).json()
    post(base, f"/v1/programmes/{programme['id']}/status", {"status": "implementation"})
    result = post(base, f"/v1/programmes/{programme['id']}/results",
                  result_body(programme, value, indicator="women_empowered")).json()
    post(base, f"/v1/results/{result['id']}/submit", {})
    return result


def test_a_waiting_read_answers_with_the_approval_included(platform):
    start = women(requests.get(f"{platform}/v1/objective/progress", timeout=10).json())
    result = submitted_result(platform, 1200)
    token = f"ryw-{uuid.uuid4()}"   # the approval's request id, chosen here: the read can wait before it
    answers = []
    reader = threading.Thread(target=lambda: answers.append(requests.get(
        f"{platform}/v1/objective/progress", params={"wait_for": token, "wait": 5}, timeout=30)))
    reader.start()
    approved = post(platform, f"/v1/results/{result['id']}/approve", {}, headers={"X-Request-ID": token})
    assert approved.headers[TOKEN] == token
    reader.join(30)
    waited = answers[0]
    assert waited.status_code == 200
    assert waited.headers[INCLUDED] == "included"   # ended by the view, not by running the wait out
    assert women(waited.json()) == start + 1200     # and the figure it answers includes the write

    again = requests.get(f"{platform}/v1/objective/progress", params={"wait_for": token}, timeout=10)
    assert again.headers[INCLUDED] == "included" and women(again.json()) == start + 1200


def test_the_token_of_a_write_answers_a_read_made_after_it(platform):
    start = women(requests.get(f"{platform}/v1/objective/progress", timeout=10).json())
    result = submitted_result(platform, 300)
    token = post(platform, f"/v1/results/{result['id']}/approve", {}).headers[TOKEN]
    read = requests.get(f"{platform}/v1/objective/progress", params={"wait_for": token}, timeout=10)
    assert read.status_code == 200 and read.headers[INCLUDED] == "included"
    assert women(read.json()) == start + 300


def test_a_token_nothing_carries_runs_the_wait_out_and_says_so(platform):
    unknown = requests.get(f"{platform}/v1/objective/progress",
                           params={"wait_for": f"future-{uuid.uuid4()}", "wait": 0.2}, timeout=10)
    assert unknown.status_code == 200 and unknown.headers[INCLUDED] == "not-included"
    assert "figures" in unknown.json()


@pytest.mark.parametrize("params, field", [({"wait_for": "<script>"}, "wait_for"),
                                           ({"wait_for": "x" * 129}, "wait_for"),
                                           ({"wait_for": "ok", "wait": 60}, "wait"),
                                           ({"wait_for": "ok", "wait": "nan"}, "wait")])
def test_a_malformed_token_or_wait_is_a_422_naming_the_field(platform, params, field):
    response = requests.get(f"{platform}/v1/objective/progress", params=params, timeout=10)
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]
