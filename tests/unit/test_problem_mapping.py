"""gateway.problems: domain errors map to HTTP statuses along the class hierarchy,
and nothing unexpected leaks to the client."""
import json
import logging

import pytest

from gateway.problems import STATUS_BY_ERROR, from_exception, status_for
from shared.errors import Conflict, DeadlineExceeded, InvalidInput, NotFound, PlatformError, ServiceUnavailable


class PlanNotFound(NotFound):
    """A subclass the gateway has never heard of."""


class QuotaExceeded(Conflict):
    pass


class Teapot(PlatformError):
    pass


class StrictInput(InvalidInput):
    pass


@pytest.mark.parametrize("exc, status", [
    (InvalidInput({"a": ["b"]}), 422),
    (NotFound("programme", "p"), 404),
    (Conflict("no"), 409),
    (ServiceUnavailable("down"), 503),
    (DeadlineExceeded("slow"), 504),
    (PlatformError("bad"), 400),
])
def test_each_error_class_has_its_status(exc, status):
    assert status_for(exc) == status


@pytest.mark.parametrize("exc, status", [
    (PlanNotFound("plan", "x"), 404),
    (QuotaExceeded("over quota"), 409),
    (StrictInput({"a": ["b"]}), 422),
    (Teapot("short and stout"), 400),
])
def test_a_subclass_gets_its_nearest_parents_status(exc, status):
    assert type(exc) not in STATUS_BY_ERROR
    assert status_for(exc) == status


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyError("k"), ValueError(), Exception()])
def test_an_unexpected_exception_has_no_status(exc):
    assert status_for(exc) is None


def body_of(response) -> dict:
    assert response.mimetype == "application/problem+json"
    return json.loads(response.get_data(as_text=True))


def test_a_subclass_of_not_found_becomes_a_404_problem_named_after_it():
    response = from_exception(PlanNotFound("plan", "plan-9"), request_id="req-1")
    assert response.status_code == 404
    assert body_of(response) == {
        "type": "https://urban-platform.example/problems/plan-not-found", "title": "Not found",
        "status": 404, "detail": "plan 'plan-9' does not exist", "request_id": "req-1"}


def test_invalid_input_lists_the_fields_in_order():
    body = body_of(from_exception(InvalidInput({"title": ["blank"], "amount.amount": ["zero"]})))
    assert body["status"] == 422
    assert body["errors"] == [{"field": "amount.amount", "messages": ["zero"]},
                              {"field": "title", "messages": ["blank"]}]


def test_conflict_lists_what_is_allowed():
    body = body_of(from_exception(Conflict("closed", ["reopen"])))
    assert (body["status"], body["allowed"], body["detail"]) == (409, ["reopen"], "closed (allowed: reopen)")


def test_an_unexpected_exception_is_a_500_without_internals(caplog):
    try:
        raise RuntimeError("password=hunter2 at /srv/app/secret.py")
    except RuntimeError as exc:
        error = exc
    with caplog.at_level(logging.ERROR, logger="gateway.problems"):
        response = from_exception(error, request_id="req-7")

    assert response.status_code == 500
    body = body_of(response)
    assert body["status"] == 500 and body["title"] == "Internal error"
    assert body["type"].endswith("/internal-error") and body["request_id"] == "req-7"
    text = response.get_data(as_text=True)
    for leak in ("hunter2", "secret.py", "Traceback", "RuntimeError"):
        assert leak not in text
    # ...but the operator can find it by request id.
    assert any("req-7" in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_service_away_says_when_to_try_again():
    response = from_exception(ServiceUnavailable("the programmes service is not reachable (no broker)"), "req-1")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.mimetype == "application/problem+json"
    assert "Retry-After" not in from_exception(DeadlineExceeded("slow"), "req-2").headers


def test_the_gateway_database_away_is_a_503_with_retry_after_and_a_bad_statement_a_500(tmp_path):
    from tests.helpers import database_error, free_port
    away = database_error(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing?connect_timeout=2")
    response = from_exception(away, "req-db")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert "database" in json.loads(response.get_data())["detail"]
    refused = database_error(f"sqlite:///{tmp_path / 'x.sqlite3'}", "SELECT * FROM no_such_table")
    assert from_exception(refused, "req-sql").status_code == 500
