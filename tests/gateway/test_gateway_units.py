"""Unit tests of the gateway's pieces, without a broker or a server."""
import json

import pytest

from gateway import audit, auth, idempotency_keys, problems, webhooks
from gateway.pagination import page
from gateway.progress import ProgressView
from gateway.ratelimit import RateLimiter, TokenBucket
from gateway.representation import etag_matches, etag_of, to_csv
from shared.actors import ANONYMOUS, Actor
from shared.errors import Forbidden, InvalidInput
from shared.persistence import decode_cursor, encode_cursor


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


# -- token bucket ---------------------------------------------------------------------------

def test_a_bucket_allows_its_burst_then_refills_at_its_rate():
    bucket = TokenBucket(capacity=3, rate=1.0, now=0.0)
    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(0.0) == pytest.approx(1.0)
    assert bucket.take(0.5) == pytest.approx(0.5)
    assert bucket.take(1.0) == 0.0
    assert bucket.take(100.0) == 0.0 and bucket.tokens == pytest.approx(2.0)  # capped at capacity


def test_the_limiter_keeps_one_bucket_per_identity_and_says_how_long_to_wait():
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock)
    assert [limiter.check("key_a") for _ in range(3)] == [0, 0, 1]
    assert limiter.check("key_b") == 0
    clock.now += 1.0
    assert limiter.check("key_a") == 0


def test_a_slow_rate_gives_a_longer_retry_after():
    clock = Clock()
    limiter = RateLimiter(per_minute=6, burst=1, clock=clock)
    assert limiter.check("k") == 0
    assert limiter.check("k") == 10


def test_the_limiter_forgets_the_oldest_identity_beyond_its_bound():
    limiter = RateLimiter(per_minute=60, burst=1, clock=Clock(), max_buckets=2)
    for identity in ("a", "b", "c"):
        limiter.check(identity)
    assert list(limiter._buckets) == ["b", "c"]


def test_a_zero_rate_disables_limiting():
    limiter = RateLimiter(per_minute=0, burst=1)
    assert all(limiter.check("k") == 0 for _ in range(100))


# -- webhook signatures ---------------------------------------------------------------------

def test_a_signature_verifies_and_a_forgery_does_not():
    body = b'{"event_id":"e-1"}'
    header = webhooks.sign("whsec_s3cret", body, timestamp=1700000000)
    assert header.startswith("t=1700000000,v1=")
    assert webhooks.verify_signature("whsec_s3cret", header, body, now=1700000100)
    assert not webhooks.verify_signature("whsec_other", header, body, now=1700000100)
    assert not webhooks.verify_signature("whsec_s3cret", header, body + b"x", now=1700000100)
    assert not webhooks.verify_signature("whsec_s3cret", header, body, now=1700000000 + 301)
    forged = header.replace("t=1700000000", "t=1700000200")
    assert not webhooks.verify_signature("whsec_s3cret", forged, body, now=1700000200)


@pytest.mark.parametrize("header", ["", "garbage", "t=abc,v1=00", "v1=00", "t=1", None])
def test_malformed_signature_headers_are_refused(header):
    assert not webhooks.verify_signature("s", header, b"{}", now=1)


def test_backoff_doubles_up_to_the_cap():
    dispatcher = webhooks.Dispatcher(store=None, policy=webhooks.Policy(), backoff_base=2, backoff_cap=10)
    assert [dispatcher.backoff(n) for n in range(1, 6)] == [2, 4, 8, 10, 10]


@pytest.mark.parametrize("url, ok", [
    ("https://203.0.113.9/x", False),   # documentation range: not global
    ("https://8.8.8.8/hook", True),
    ("http://8.8.8.8/hook", False),     # http refused by default
    ("https://10.1.2.3/x", False),
    ("https://[::1]/x", False),
    ("https://user:pw@8.8.8.8/x", False),
])
def test_the_webhook_url_policy(url, ok):
    assert (webhooks.Policy().problem_with(url) is None) is ok


def test_loopback_may_be_allowed_for_tests_but_never_private_ranges():
    policy = webhooks.Policy(allow_http=True, allow_loopback=True)
    assert policy.problem_with("http://127.0.0.1:8080/x") is None
    assert policy.problem_with("http://10.0.0.1/x") is not None


# -- audit encoding -------------------------------------------------------------------------

def test_audit_entries_escape_line_breaks_and_keep_no_secrets():
    item = audit.entry(request_id="r-1", actor=Actor.key(key_id="key_1", organisation="acme\r\nrole=admin",
                                                         role="partner", scopes=["read"]),
                       client="127.0.0.1", method="POST", path='/v1/x\r\n{"outcome":"ok"}', route="r",
                       status=403, detail={"detail": "line\nbreak"})
    assert "\n" not in item["path"] and "\r" not in item["path"] and "\\r\\n" in item["path"]
    assert "\n" not in item["organisation"]
    assert item["outcome"] == "refused"
    line = audit.as_line(item)
    assert "\n" not in line and json.loads(line)["status"] == 403
    assert "scopes" not in item


@pytest.mark.parametrize("method, status, audited, outcome", [
    ("GET", 200, False, "ok"), ("POST", 201, True, "ok"), ("DELETE", 404, True, "rejected"),
    ("GET", 401, True, "refused"), ("GET", 403, True, "refused"), ("GET", 429, True, "refused"),
    ("PATCH", 503, True, "error"),
])
def test_what_is_audited(method, status, audited, outcome):
    assert audit.should_audit(method, status) is audited
    assert audit.outcome_for(status) == outcome


# -- idempotency ----------------------------------------------------------------------------

def test_the_request_hash_ignores_json_formatting_but_not_content():
    a = idempotency_keys.request_hash("POST", "/v1/keys", b'{"a": 1, "b": [1, 2]}')
    assert a == idempotency_keys.request_hash("post", "/v1/keys", b'{"b":[1,2],"a":1}')
    assert a != idempotency_keys.request_hash("POST", "/v1/keys", b'{"a": 2, "b": [1, 2]}')
    assert a != idempotency_keys.request_hash("POST", "/v1/webhooks", b'{"a": 1, "b": [1, 2]}')
    assert idempotency_keys.request_hash("POST", "/x", b"not json") != idempotency_keys.request_hash("POST", "/x", b"")


@pytest.mark.parametrize("key, ok", [("abc-123", True), ("a" * 255, True), ("a" * 256, False), ("has space", False),
                                     ("new\nline", False), ("", False)])
def test_idempotency_keys_are_visible_ascii(key, ok):
    if ok:
        assert idempotency_keys.valid_key(key) == key
    else:
        with pytest.raises(InvalidInput):
            idempotency_keys.valid_key(key)


# -- problems -------------------------------------------------------------------------------

def body_of(response):
    assert response.mimetype == "application/problem+json"
    return json.loads(response.get_data())


def test_unauthenticated_is_401_with_www_authenticate():
    response = problems.from_exception(problems.Unauthenticated("the API key is not valid", "invalid_token"), "r")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="urban-platform", error="invalid_token"'
    assert body_of(response)["type"].endswith("/unauthenticated")


def test_forbidden_is_403():
    response = problems.from_exception(Forbidden("needs admin"), "r")
    assert response.status_code == 403 and body_of(response)["detail"] == "needs admin"


def test_rate_limited_is_429_with_retry_after():
    response = problems.from_exception(problems.RateLimited(7), "r")
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert body_of(response)["title"] == "Too many requests"


def test_method_not_allowed_is_405_with_allow():
    response = problems.from_exception(problems.MethodNotAllowed("PUT", ["GET", "POST"]))
    assert response.status_code == 405 and response.headers["Allow"] == "GET, POST"


def test_a_key_in_the_url_is_a_400():
    assert problems.from_exception(problems.BadRequest("no keys in URLs")).status_code == 400


# -- keys -----------------------------------------------------------------------------------

def test_keys_are_random_prefixed_and_hashed():
    key = auth.new_key()
    assert key.startswith("upk_") and len(key) > 40 and key != auth.new_key()
    assert auth.hash_key(key) != key and len(auth.hash_key(key)) == 64


@pytest.mark.parametrize("header, key", [(None, None), ("", None),
                                         ("Bearer upk_abcdefghijklmnopqrstuvwxyz", "upk_abcdefghijklmnopqrstuvwxyz")])
def test_bearer_keys_are_read_from_the_authorization_header(header, key):
    assert auth.bearer_key(header) == key


@pytest.mark.parametrize("header", ["Basic dXNlcjpwdw==", "Bearer", "Bearer short", "bearer\nx" * 3,
                                    "Bearer upk_abc def ghijklmnopqrstuvwxyz"])
def test_other_authorization_headers_are_401(header):
    with pytest.raises(problems.Unauthenticated):
        auth.bearer_key(header)


def test_an_anonymous_audit_entry_names_no_key():
    item = audit.entry(request_id="r-2", actor=ANONYMOUS, client="127.0.0.1", method="GET", path="/v1/keys",
                       route="list_keys", status=401)
    assert (item["key_id"], item["organisation"], item["role"]) == (None, None, None)


def test_idempotency_keys_are_per_api_key_or_per_address():
    partner = Actor.key(key_id="key_1", organisation="acme", role="partner")
    assert idempotency_keys.actor_key(partner, "1.2.3.4") == "key_1"
    assert idempotency_keys.actor_key(ANONYMOUS, "1.2.3.4") == "anonymous:1.2.3.4"


# -- ETag, CSV, cursors, progress view ------------------------------------------------------

def test_etags_match_weakly_and_in_lists():
    etag = etag_of(b"{}")
    assert etag.startswith('W/"') and etag_matches(etag, etag)
    assert etag_matches(f'"x", {etag.removeprefix("W/")}', etag) and etag_matches("*", etag)
    assert not etag_matches('"other"', etag) and not etag_matches(None, etag)


def test_csv_flattens_nested_items_and_defuses_formulas():
    text = to_csv([{"id": "1", "amount": {"amount": "10.00", "currency": "USD"}, "tags": ["a", "b"]},
                   {"id": "2", "name": "=HYPERLINK(\"x\")", "amount": None}])
    lines = text.splitlines()
    assert lines[0] == "id,amount.amount,amount.currency,tags,name,amount"
    assert lines[1] == '1,10.00,USD,"[""a"",""b""]",,'
    assert lines[2].startswith("2,,,,") and "'=HYPERLINK" in lines[2]


class FakeRequest:
    base_url = "http://gw/v1/keys"

    class args:  # noqa: N801 - what werkzeug's MultiDict offers the page helper
        @staticmethod
        def items(multi=False):
            return [("limit", "2"), ("cursor", "old")]


def test_the_next_link_carries_the_services_cursor_as_is():
    cursor = encode_cursor(["2021-01-01T00:00:00+00:00", "key_1"])
    status, headers, body = page(FakeRequest, [{"id": "key_1"}], cursor)
    assert status == 200 and body["next"] == f"http://gw/v1/keys?limit=2&cursor={cursor}"
    assert headers["Link"] == f'<{body["next"]}>; rel="next"'
    assert page(FakeRequest, [], None) == (200, {}, {"items": [], "next": None})


def test_cursors_are_the_persistence_kits_and_bad_ones_are_422():
    assert decode_cursor(encode_cursor(["2021-01-01T00:00:00", "key_1"])) == ["2021-01-01T00:00:00", "key_1"]
    with pytest.raises(InvalidInput) as bad:
        decode_cursor("!!not-base64!!")
    assert set(bad.value.errors) == {"cursor"}


def test_the_progress_view_keeps_the_highest_revision_and_expires_rpc_fills_until_live():
    clock = Clock()
    view = ProgressView(fallback_ttl=1.0, clock=clock)
    view.put("plan", {"revision": 1, "v": "rpc"}, from_event=False)
    assert view.get("plan") is not None
    clock.now += 2
    assert view.get("plan") is None           # not live yet: an RPC fill expires
    view.put("plan", {"revision": 5, "v": "event"}, from_event=True, revision=5)
    view.put("plan", {"revision": 4, "v": "late"}, from_event=True, revision=4)
    clock.now += 1000
    entry = view.get("plan")
    assert json.loads(entry.body)["v"] == "event" and view.live
    assert entry.etag.startswith('W/"')


# -- what the gateway consumes ----------------------------------------------------------------

def test_the_gateways_handlers_and_its_subscription_list_agree():
    from gateway.consumers import PROGRESS_EVENT
    from gateway.service import GatewayService
    from shared.events.contracts import CONTRACTS
    from shared.messaging import topology
    from shared.messaging.subscriptions.gateway import CONSUMER, EVENT_TYPES
    from shared.runtime.events import ReliableEventHandler
    handled = [entrypoint.event_type for name in dir(GatewayService)
               for entrypoint in getattr(getattr(GatewayService, name), "nameko_entrypoints", ())
               if isinstance(entrypoint, ReliableEventHandler)]
    assert sorted(handled) == sorted(set(handled)) == sorted(EVENT_TYPES)
    assert sorted(s.event_type for s in topology.SUBSCRIPTIONS if s.consumer == CONSUMER) == sorted(EVENT_TYPES)
    assert set(EVENT_TYPES) == {event_type for event_type, _version in CONTRACTS}
    assert PROGRESS_EVENT in EVENT_TYPES


def test_a_handler_missing_from_the_subscription_list_stops_the_service(monkeypatch):
    from nameko.containers import ServiceContainer

    from shared.messaging import topology
    from shared.runtime.events import reliable_event_handler

    class Unlisted:
        name = "gateway"

        @reliable_event_handler("programme.created")
        def on_created(self, envelope):
            pass

    monkeypatch.setattr(topology, "SUBSCRIPTIONS", [s for s in topology.SUBSCRIPTIONS
                                                     if s.event_type != "programme.created"])
    container = ServiceContainer(Unlisted, {"AMQP_URI": "memory://"})
    with pytest.raises(LookupError, match="programme.created"):
        container.start()


def test_actors_cross_rpc_as_their_wire_form():
    from gateway.rpc import _ActorProxy
    from shared.actors import SYSTEM

    class Recorder:
        def __getattr__(self, method):
            return lambda *args, **kwargs: (method, args, kwargs)

    acme = Actor.key(key_id="key_1", organisation="XM-ACME", role="partner")
    method, args, kwargs = _ActorProxy(Recorder()).get_programme("p-1", SYSTEM, actor=acme, other={"a": 1})
    assert (method, args) == ("get_programme", ("p-1", SYSTEM.to_wire()))
    assert kwargs == {"actor": acme.to_wire(), "other": {"a": 1}}
    assert Actor.from_wire(kwargs["actor"]) == acme
    assert ANONYMOUS.to_wire()["kind"] == "anonymous" and Actor.from_wire(ANONYMOUS.to_wire()) is ANONYMOUS
