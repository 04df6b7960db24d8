"""Idempotency, ETag, CSV, pagination, the event feed, webhooks, the progress view,
the OpenAPI document and the docs, on a real gateway container (broker + SQLite and
PostgreSQL). Webhook receivers listen on 127.0.0.1 only."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc

from gateway.webhooks import verify_signature
from shared.events import make_envelope
from shared.events.contracts.grants import EXAMPLES as GRANT_EXAMPLES
from shared.events.contracts.metrics import EXAMPLES as METRICS_EXAMPLES
from shared.events.contracts.programmes import EXAMPLES as PROGRAMME_EXAMPLES
from tests.helpers import publish_event, wait_until

pytestmark = pytest.mark.broker


def envelope(event_type, examples, **overrides):
    payload = {**examples[event_type], **overrides}
    producer = {"programmes": "programmes", "grants": "grants", "metrics": "metrics"}[
        __import__("shared.events", fromlist=["producer_of"]).producer_of(event_type)]
    return make_envelope(event_type, payload, producer=producer, correlation_id="corr-feed-1").to_message()


# -- idempotency, ETag, CSV, pagination ------------------------------------------------------

@pytest.mark.postgres
def test_a_replayed_idempotency_key_returns_the_first_response_and_creates_once(admin):
    headers = {"Idempotency-Key": "create-acme-reader-1"}
    body = {"organisation": "XM-ACME", "role": "reader", "name": "once"}
    first = admin.post("/v1/keys", body, headers=headers)
    again = admin.post("/v1/keys", {"name": "once", "role": "reader", "organisation": "XM-ACME"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    named = [k for k in admin.get("/v1/keys?organisation=XM-ACME").json()["items"] if k["name"] == "once"]
    assert len(named) == 1


@pytest.mark.postgres
def test_an_idempotency_key_reused_for_another_request_is_refused(admin):
    headers = {"Idempotency-Key": "k-2"}
    assert admin.post("/v1/keys", {"organisation": "XM-ACME", "role": "reader"}, headers=headers).status_code == 201
    response = admin.post("/v1/keys", {"organisation": "XM-OTHER", "role": "reader"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


@pytest.mark.postgres
def test_idempotency_keys_belong_to_their_caller(admin):
    partner = admin.as_key(admin.new_key("XM-ACME", "partner")["key"])
    headers = {"Idempotency-Key": "shared-key"}
    body = {"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}
    mine = partner.post("/v1/webhooks", body, headers=headers)
    theirs = admin.post("/v1/webhooks", body, headers=headers)
    assert mine.status_code == theirs.status_code == 201 and mine.json()["id"] != theirs.json()["id"]


@pytest.mark.postgres
def test_etag_and_if_none_match(admin):
    first = admin.get("/v1/keys")
    etag = first.headers["ETag"]
    unchanged = admin.get("/v1/keys", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["ETag"] == etag
    admin.new_key("XM-ACME", "reader")
    changed = admin.get("/v1/keys", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.postgres
def test_lists_page_with_a_next_link_filter_and_sort(admin):
    made = [admin.new_key("XM-PAGED", "reader", name=f"k{i}")["id"] for i in range(5)]
    seen, url, pages = [], "/v1/keys?organisation=XM-PAGED&limit=2", 0
    while url:
        response = admin.get(url)
        assert response.status_code == 200
        page = response.json()
        seen += [k["id"] for k in page["items"]]
        pages += 1
        url = page["next"] and page["next"].replace(admin.base, "")
        if url:
            assert response.headers["Link"].endswith('rel="next"')
    assert seen == made and pages == 3
    newest_first = admin.get("/v1/keys?organisation=XM-PAGED&sort=-created_at").json()["items"]
    assert [k["id"] for k in newest_first] == made[::-1]
    later = admin.get("/v1/keys", params={"organisation": "XM-PAGED", "modified_since": "2999-01-01T00:00:00Z"})
    assert later.json()["items"] == []
    assert admin.get("/v1/keys?cursor=not-a-cursor").status_code == 422
    assert admin.get("/v1/keys?limit=0").status_code == 422


def test_lists_as_csv(admin):
    admin.new_key("XM-CSV", "reader", name="=cmd|' /C calc'!A0")
    for response in (admin.get("/v1/keys?organisation=XM-CSV&format=csv"),
                     admin.get("/v1/keys?organisation=XM-CSV", headers={"Accept": "text/csv"})):
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
        lines = response.text.splitlines()
        assert lines[0].startswith("id,prefix,name,organisation,role,scopes")
        assert "'=cmd" in lines[1]  # no spreadsheet formula injection


def test_an_unsupported_method_is_405_with_allow(admin):
    response = admin.request("PUT", "/v1/keys")
    assert response.status_code == 405 and set(response.headers["Allow"].split(", ")) == {"GET", "POST"}
    assert admin.get("/v1/nothing-here").status_code == 404


# -- the event feed -------------------------------------------------------------------------

@pytest.mark.postgres
def test_the_feed_keeps_events_in_order_once_and_replays_from_any_point(start_gateway, amqp_uri):
    admin, _ = start_gateway()
    events = [envelope("programme.created", PROGRAMME_EXAMPLES),
              envelope("fund.created", GRANT_EXAMPLES),
              envelope("objective.progress_changed", METRICS_EXAMPLES)]
    for event in events:
        publish_event(amqp_uri, event, times=2)  # redelivered: still once in the feed
    page = wait_until(lambda: (p := admin.get("/v1/events").json()) and len(p["items"]) >= 3 and p,
                      message="3 events in the feed")
    assert len(page["items"]) == 3
    assert {e["event_id"] for e in page["items"]} == {e["event_id"] for e in events}
    sequences = [e["sequence"] for e in page["items"]]
    assert sequences == sorted(sequences)
    assert page["items"][0]["correlation_id"] == "corr-feed-1"
    replay = admin.get(f"/v1/events?after={sequences[0]}").json()
    assert [e["sequence"] for e in replay["items"]] == sequences[1:]
    caught_up = admin.get(replay["next"].replace(admin.base, "")).json()
    assert caught_up["items"] == [] and f"after={sequences[-1]}" in caught_up["next"]
    only = admin.get("/v1/events?type=fund.created").json()["items"]
    assert [e["type"] for e in only] == ["fund.created"]


@pytest.mark.postgres
def test_a_partner_sees_only_its_own_and_public_events(start_gateway, amqp_uri):
    admin, _ = start_gateway()
    mine = envelope("programme.created", PROGRAMME_EXAMPLES,
                    reporting_org={"ref": "XM-ACME", "name": "Acme", "type": "40"})
    theirs = envelope("programme.created", PROGRAMME_EXAMPLES, programme_id="p-2",
                      reporting_org={"ref": "XM-OTHER", "name": "Other", "type": "40"})
    public = envelope("fund.created", GRANT_EXAMPLES)
    for event in (mine, theirs, public):
        publish_event(amqp_uri, event)
    wait_until(lambda: len(admin.get("/v1/events").json()["items"]) == 3, message="3 events")
    partner = admin.as_key(admin.new_key("XM-ACME", "partner")["key"])
    seen = {e["event_id"] for e in partner.get("/v1/events").json()["items"]}
    assert seen == {mine["event_id"], public["event_id"]}


# -- webhooks -------------------------------------------------------------------------------

class Receiver:
    """A local HTTP endpoint (127.0.0.1) that fails `failures` times, then acknowledges."""

    def __init__(self, failures=0):
        self.failures, self.calls = failures, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                status = 500 if len(receiver.calls) <= receiver.failures else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/platform"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(failures=0):
        made.append(Receiver(failures))
        return made[-1]
    yield make
    for r in made:
        r.close()


@pytest.mark.postgres
def test_a_webhook_is_signed_retried_with_backoff_until_acknowledged_and_logged(start_gateway, amqp_uri, receiver):
    admin, _ = start_gateway(WEBHOOK_BACKOFF_BASE=0.3)
    partner = admin.as_key(admin.new_key("XM-EXAMPLE-1", "partner")["key"])
    hook = receiver(failures=2)
    created = partner.post("/v1/webhooks", {"url": hook.url, "event_types": ["programme.created"]})
    assert created.status_code == 201, created.text
    subscription = created.json()
    secret = subscription["secret"]
    assert "secret" not in partner.get(f"/v1/webhooks/{subscription['id']}").json()

    event = envelope("programme.created", PROGRAMME_EXAMPLES)
    publish_event(amqp_uri, event)
    publish_event(amqp_uri, envelope("fund.created", GRANT_EXAMPLES))  # not subscribed
    deliveries = wait_until(
        lambda: (d := partner.get(f"/v1/webhooks/{subscription['id']}/deliveries").json()["items"])
        and d[0]["status"] == "delivered" and d, timeout=20, message="the delivery to be acknowledged")
    assert len(deliveries) == 1
    delivery = deliveries[0]
    assert delivery["attempts"] == 3 and delivery["event_id"] == event["event_id"]
    assert [a["status_code"] for a in delivery["log"]] == [500, 500, 204]
    at = [time.mktime(time.strptime(a["at"][:19], "%Y-%m-%dT%H:%M:%S")) for a in delivery["log"]]
    assert at == sorted(at)

    assert len(hook.calls) == 3
    headers, body = hook.calls[-1]
    assert headers["X-Platform-Event-Id"] == event["event_id"]
    assert verify_signature(secret, headers["X-Platform-Signature"], body)
    assert json.loads(body)["payload"]["programme_id"] == "p-1"
    # a forged signature, a tampered body, an old timestamp and the wrong secret are all refused
    forged = "t=%d,v1=%s" % (int(time.time()), "0" * 64)
    assert not verify_signature(secret, forged, body)
    assert not verify_signature(secret, headers["X-Platform-Signature"], body + b" ")
    assert not verify_signature("whsec_wrong", headers["X-Platform-Signature"], body)
    assert not verify_signature(secret, headers["X-Platform-Signature"], body, now=time.time() + 3600)


@pytest.mark.postgres
def test_a_delivery_that_never_succeeds_is_marked_failed(start_gateway, amqp_uri, receiver):
    admin, _ = start_gateway(WEBHOOK_BACKOFF_BASE=0.1, WEBHOOK_MAX_ATTEMPTS=2)
    hook = receiver(failures=100)
    sub = admin.post("/v1/webhooks", {"url": hook.url, "event_types": ["*"]}).json()
    publish_event(amqp_uri, envelope("fund.created", GRANT_EXAMPLES))
    delivery = wait_until(lambda: (d := admin.get(f"/v1/webhooks/{sub['id']}/deliveries?status=failed")
                                   .json()["items"]) and d[0], timeout=20, message="a failed delivery")
    assert delivery["attempts"] == 2 and delivery["last_status_code"] == 500 and len(hook.calls) == 2


@pytest.mark.postgres
def test_another_partners_webhooks_are_not_found(admin):
    acme = admin.as_key(admin.new_key("XM-ACME", "partner")["key"])
    other = admin.as_key(admin.new_key("XM-OTHER", "partner")["key"])
    sub = acme.post("/v1/webhooks", {"url": "http://127.0.0.1:9/x", "event_types": ["*"]}).json()
    assert other.get(f"/v1/webhooks/{sub['id']}").status_code == 404
    assert other.get(f"/v1/webhooks/{sub['id']}/deliveries").status_code == 404
    assert other.delete(f"/v1/webhooks/{sub['id']}").status_code == 404
    assert sub["id"] not in {w["id"] for w in other.get("/v1/webhooks").json()["items"]}
    assert acme.delete(f"/v1/webhooks/{sub['id']}").json()["active"] is False


@pytest.mark.parametrize("url", ["http://10.0.0.7/hook", "http://192.168.1.1/x", "http://169.254.169.254/latest",
                                 "ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/x"])
def test_webhook_urls_cannot_reach_private_networks(admin, url):
    response = admin.post("/v1/webhooks", {"url": url, "event_types": ["*"]})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "url"


def test_without_the_loopback_allowance_only_public_https_urls_are_accepted(start_gateway):
    admin, _ = start_gateway(WEBHOOK_ALLOW_HTTP=False, WEBHOOK_ALLOW_LOOPBACK=False)
    for url in ("http://127.0.0.1:9/x", "https://127.0.0.1/x", "https://localhost/x"):
        assert admin.post("/v1/webhooks", {"url": url, "event_types": ["*"]}).status_code == 422


# -- the progress view ----------------------------------------------------------------------

class CorrelationIds(DependencyProvider):
    seen: list = []

    def get_dependency(self, worker_ctx):
        correlation_id = worker_ctx.data.get("correlation_id")
        CorrelationIds.seen.append(correlation_id)
        return correlation_id


class FakeMetrics:
    name = "metrics"
    calls: list = []
    request_calls: list = []
    correlation = CorrelationIds()

    @rpc
    def get_progress(self, plan_id=None, as_of=None):
        FakeMetrics.calls.append(plan_id)
        if self.correlation is not None:  # a request's call, not the replica's start-up fill
            FakeMetrics.request_calls.append(plan_id)
        return {"plan_id": plan_id, "revision": 1, "figures": [], "updated_at": None, "source": "rpc"}

    @rpc
    def ping(self):
        return "pong"


def test_progress_is_served_from_the_view_kept_by_events(start_gateway, container_factory, amqp_uri):
    FakeMetrics.calls.clear()
    FakeMetrics.request_calls.clear()
    container_factory(FakeMetrics, {"AMQP_URI": amqp_uri}).start()
    admin, _ = start_gateway()
    anonymous = admin.as_key(None)
    first = anonymous.get("/v1/objective/progress", headers={"X-Request-ID": "progress-req-1"})
    assert first.status_code == 200 and first.json()["source"] == "rpc"
    assert "progress-req-1" in CorrelationIds.seen or len(FakeMetrics.calls) >= 1

    example = METRICS_EXAMPLES["objective.progress_changed"]
    plan_id = first.json()["plan_id"]
    changed = {**example, "plan_id": plan_id, "revision": 7,
               "progress": {**example["progress"], "revision": 7, "source": "event"}}
    publish_event(amqp_uri, make_envelope("objective.progress_changed", changed, producer="metrics").to_message())
    body = wait_until(lambda: (b := anonymous.get("/v1/objective/progress").json())["source"] == "event" and b,
                      message="the view to take the event")
    assert body["revision"] == 7
    calls = len(FakeMetrics.request_calls)  # the start-up fill may land at any time: not counted
    for _ in range(20):
        response = anonymous.get("/v1/objective/progress")
    assert len(FakeMetrics.request_calls) == calls  # no RPC per request once the view is live
    etag = response.headers["ETag"]
    assert anonymous.get("/v1/objective/progress", headers={"If-None-Match": etag}).status_code == 304

    stale = {**changed, "revision": 3, "progress": {**changed["progress"], "revision": 3, "source": "stale"}}
    publish_event(amqp_uri, make_envelope("objective.progress_changed", stale, producer="metrics").to_message())
    time.sleep(0.5)
    assert anonymous.get("/v1/objective/progress").json()["revision"] == 7  # older revisions are ignored
    assert anonymous.get("/v1/objective/progress?plan=no-such-plan").status_code == 404


def test_the_request_id_travels_with_the_rpc(start_gateway, container_factory, amqp_uri):
    CorrelationIds.seen.clear()
    container_factory(FakeMetrics, {"AMQP_URI": amqp_uri}).start()
    admin, _ = start_gateway(PROGRESS_FALLBACK_TTL=0)
    response = admin.as_key(None).get("/v1/objective/progress", headers={"X-Request-ID": "trace-me-42"})
    assert response.headers["X-Request-ID"] == "trace-me-42"
    assert "trace-me-42" in CorrelationIds.seen


# -- OpenAPI and docs -----------------------------------------------------------------------

def test_the_openapi_document_describes_the_routes(admin):
    document = admin.as_key(None).get("/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    assert {"/v1/keys", "/v1/keys/{key_id}", "/v1/webhooks", "/v1/events", "/v1/audit",
            "/v1/objective/progress"} <= set(document["paths"])
    keys = document["paths"]["/v1/keys"]
    assert keys["post"]["security"] == [{"bearer": []}]
    body = keys["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/KeyInput")
    key_input = document["components"]["schemas"]["KeyInput"]
    assert key_input["additionalProperties"] is False and "id" not in key_input["properties"]
    assert keys["post"]["responses"]["422"]["content"]["application/problem+json"]
    assert "429" in keys["get"]["responses"] and "401" in keys["get"]["responses"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert any(p["name"] == "Idempotency-Key" for p in keys["post"]["parameters"])


def test_the_docs_work_offline(admin):
    anonymous = admin.as_key(None)
    page = anonymous.get("/docs")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "https://" not in page.text and "/docs/swagger-ui-bundle.js" in page.text
    bundle = anonymous.get("/docs/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    assert anonymous.get("/docs/init.js").text.count("/v1/openapi.json") == 1
    assert anonymous.get("/docs/../../etc/passwd").status_code == 404
