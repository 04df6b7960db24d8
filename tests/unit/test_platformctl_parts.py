"""platformctl's pure parts: durations, the gateway's problems as one line, URIs without passwords,
and which headers a replayed event keeps."""
import argparse
import json
import sys
from pathlib import Path

import pytest
import requests
from kombu.message import Message

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "platformctl"))  # as `make install` does
from platformctl.broker import redacted  # noqa: E402
from platformctl.gateway import problem_line  # noqa: E402
from platformctl.parked import Parked  # noqa: E402
from platformctl.replay import replay_headers  # noqa: E402
from platformctl.selection import duration  # noqa: E402


@pytest.mark.parametrize("text, seconds", [("90", 90), ("90s", 90), ("10m", 600), ("2h", 7200), ("1.5d", 129600)])
def test_durations(text, seconds):
    assert duration(text) == seconds


@pytest.mark.parametrize("text", ["", "ten minutes", "-5m", "5w"])
def test_a_bad_duration_is_a_usage_error(text):
    with pytest.raises(argparse.ArgumentTypeError, match="not a duration"):
        duration(text)


def response(status, body, headers=None):
    answer = requests.Response()
    answer.status_code, answer._content = status, json.dumps(body).encode()
    answer.headers.update(headers or {})
    return answer


def test_a_problem_is_one_line_naming_each_field():
    problem = {"status": 422, "detail": "2 invalid field(s)", "errors": [
        {"field": "organisation", "messages": ["Shorter than minimum length 1."]},
        {"field": "role", "messages": ["Must be one of: admin, partner, reader."]}]}
    assert problem_line(response(422, problem)) == ("HTTP 422: 2 invalid field(s) (organisation: Shorter than "
                                                    "minimum length 1.; role: Must be one of: admin, partner, reader.)")
    assert problem_line(response(503, {"detail": "the programmes service is not available"}, {"Retry-After": "5"})
                        ) == "HTTP 503: the programmes service is not available; retry after 5s"
    assert problem_line(response(502, ["not a problem"])) == "the gateway answered HTTP 502"


def test_a_uri_is_shown_without_its_password():
    assert redacted("amqp://platform:s3cret@rabbit:5672/prod") == "amqp://platform:***@rabbit:5672/prod"
    assert redacted("amqp://rabbit/") == "amqp://rabbit/"
    assert redacted("amqp://u:p@r1:5672/v;amqp://u:p@r2/v") == "amqp://u:***@r1:5672/v;amqp://u:***@r2/v"


def test_a_replayed_event_drops_retry_broker_and_parking_headers_and_keeps_the_rest():
    headers = {"nameko.correlation_id": "c-1", "x-retry-attempt": 6, "x-delivery-count": 2, "x-death": [{}],
               "x-first-death-queue": "metrics.events", "x-parked-reason": "handler_error", "x-parked-at": "2026"}
    parked = Parked("metrics", Message(body=b"{}", headers=headers, properties={"message_id": "e-1"}))
    kept = replay_headers(parked)
    assert set(kept) == {"nameko.correlation_id", "x-replayed-at"} and kept["nameko.correlation_id"] == "c-1"
    assert parked.id == "e-1" and parked.source_queue == "metrics.events" and parked.reason == "handler_error"
