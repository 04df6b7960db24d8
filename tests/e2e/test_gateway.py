"""End to end through the gateway, with the four services as processes: keys and roles,
one partner trying another's objects, a revoked key, a replayed Idempotency-Key, the
correlation id from request to event feed and audit log, a signed webhook to a local
receiver (127.0.0.1), and the public progress with ETag."""
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from gateway.webhooks import verify_signature
from tests.e2e.conftest import ADMIN_HEADERS
from tests.helpers import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.broker]


def call(base, method, path, key=None, **kwargs):
    headers = dict(kwargs.pop("headers", {}))
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return requests.request(method, base + path, headers=headers, timeout=15, **kwargs)


def admin(base, method, path, **kwargs):
    return call(base, method, path, headers={**ADMIN_HEADERS, **kwargs.pop("headers", {})}, **kwargs)


def new_key(base, organisation, role):
    response = admin(base, "POST", "/v1/keys", json={"organisation": organisation, "role": role})
    assert response.status_code == 201, response.text
    return response.json()


def programme_body(org_ref):
    suffix = uuid.uuid4().hex[:8]
    return {"iati_identifier": f"{org_ref}-{suffix}", "reporting_org": {"ref": org_ref, "name": f"{org_ref} name"},
            "title": f"Secondary cities {suffix}", "funding_window": "country_city",
            "instrument": "country_programme", "themes": ["gender_equality"], "countries": ["UG"]}


@pytest.fixture(scope="module")
def partners(platform):
    return {org: new_key(platform, org, "partner") for org in ("XM-ACME", "XM-OTHER")}


def test_without_a_key_writes_are_401_and_the_plan_is_public(platform):
    assert call(platform, "POST", "/v1/programmes", json=programme_body("XM-ACME")).status_code == 401
    assert call(platform, "GET", "/v1/plan").status_code == 200
    assert call(platform, "GET", "/v1/objective/progress").status_code == 200


def test_a_partner_cannot_read_or_write_another_partners_programme(platform, partners):
    acme, other = partners["XM-ACME"]["key"], partners["XM-OTHER"]["key"]
    created = call(platform, "POST", "/v1/programmes", acme, json=programme_body("XM-ACME"))
    assert created.status_code == 201, created.text
    programme = created.json()
    assert call(platform, "GET", f"/v1/programmes/{programme['id']}", acme).status_code == 200
    assert call(platform, "GET", f"/v1/programmes/{programme['id']}", other).status_code == 404
    listed = call(platform, "GET", "/v1/programmes", other).json()
    assert programme["id"] not in {p["id"] for p in listed["items"]}
    update = call(platform, "PATCH", f"/v1/programmes/{programme['id']}", other, json={"title": "Mine now"})
    assert update.status_code in (403, 404)
    assert call(platform, "GET", f"/v1/programmes/{programme['id']}", acme).json()["title"] == programme["title"]


def test_a_partner_cannot_manage_keys_or_read_the_audit_log(platform, partners):
    acme = partners["XM-ACME"]["key"]
    refused = call(platform, "POST", "/v1/keys", acme, json={"organisation": "XM-ACME", "role": "admin"})
    assert refused.status_code == 403
    assert call(platform, "GET", "/v1/audit", acme).status_code == 403


def test_an_admin_key_limited_to_reading_reads_everything_and_writes_nothing(platform):
    created = admin(platform, "POST", "/v1/keys", json={"organisation": "platform", "role": "admin",
                                                        "scopes": ["read"]})
    assert created.status_code == 201, created.text
    read_only = created.json()["key"]
    assert call(platform, "GET", "/v1/programmes", read_only).status_code == 200
    refused = call(platform, "POST", "/v1/programmes", read_only, json=programme_body("XM-ACME"))
    assert refused.status_code == 403 and "'write'" in refused.json()["detail"]
    key_for_x = {"organisation": "x", "role": "reader"}
    assert call(platform, "POST", "/v1/keys", read_only, json=key_for_x).status_code == 403


def test_a_revoked_key_is_refused_at_once(platform):
    key = new_key(platform, "XM-SHORT", "reader")
    assert call(platform, "GET", "/v1/events", key["key"]).status_code == 200
    assert admin(platform, "DELETE", f"/v1/keys/{key['id']}").status_code == 200
    refused = call(platform, "GET", "/v1/events", key["key"])
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_replayed_idempotency_key_creates_one_programme(platform, partners):
    acme = partners["XM-ACME"]["key"]
    body = programme_body("XM-ACME")
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = call(platform, "POST", "/v1/programmes", acme, json=body, headers=headers)
    second = call(platform, "POST", "/v1/programmes", acme, json=body, headers=headers)
    assert first.status_code == second.status_code == 201, first.text
    assert second.json()["id"] == first.json()["id"] and second.headers["Idempotent-Replayed"] == "true"
    mine = call(platform, "GET", "/v1/programmes", acme, params={"limit": 200}).json()["items"]
    assert sum(p["iati_identifier"] == body["iati_identifier"] for p in mine) == 1
    changed = call(platform, "POST", "/v1/programmes", acme, json={**body, "title": "Other"}, headers=headers)
    assert changed.status_code == 422


def test_the_request_id_reaches_the_event_feed_and_the_audit_log(platform, partners):
    acme = partners["XM-ACME"]["key"]
    request_id = f"trace-{uuid.uuid4().hex[:12]}"
    created = call(platform, "POST", "/v1/programmes", acme, json=programme_body("XM-ACME"),
                   headers={"X-Request-ID": request_id})
    assert created.status_code == 201 and created.headers["X-Request-ID"] == request_id
    event = wait_until(lambda: next((e for e in admin(platform, "GET", "/v1/events?limit=500").json()["items"]
                                     if e["correlation_id"] == request_id), None),
                       timeout=15, message="the programme's event in the feed")
    assert event["type"] == "programme.created" and event["payload"]["programme_id"] == created.json()["id"]
    # the partner sees its own programme's event too
    seen = call(platform, "GET", f"/v1/events?after={event['sequence'] - 1}&limit=1", acme).json()["items"]
    assert [e["event_id"] for e in seen] == [event["event_id"]]
    entries = admin(platform, "GET", f"/v1/audit?request_id={request_id}").json()["items"]
    assert [(e["route"], e["status"], e["organisation"]) for e in entries] == [
        ("create_programme", 201, "XM-ACME")]


class Receiver:
    def __init__(self, failures=0):
        self.failures, self.calls = failures, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                self.send_response(503 if len(receiver.calls) <= receiver.failures else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/platform-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_partner_receives_signed_webhooks_for_its_own_events(platform, partners):
    acme = partners["XM-ACME"]["key"]
    receiver = Receiver(failures=2)
    try:
        sub = call(platform, "POST", "/v1/webhooks", acme,
                   json={"url": receiver.url, "event_types": ["programme.created"]}).json()
        created = call(platform, "POST", "/v1/programmes", acme, json=programme_body("XM-ACME")).json()
        call(platform, "POST", "/v1/programmes", partners["XM-OTHER"]["key"], json=programme_body("XM-OTHER"))
        delivered = wait_until(
            lambda: [d for d in call(platform, "GET", f"/v1/webhooks/{sub['id']}/deliveries", acme).json()["items"]
                     if d["status"] == "delivered"], timeout=30, message="a delivered webhook")
        assert len(delivered) == 1 and delivered[0]["attempts"] == 3
        headers, body = receiver.calls[-1]
        assert verify_signature(sub["secret"], headers["X-Platform-Signature"], body)
        assert not verify_signature(sub["secret"], headers["X-Platform-Signature"].replace("v1=", "v1=0"), body)
        assert json.loads(body)["payload"]["programme_id"] == created["id"]
        time.sleep(1)
        assert {json.loads(b)["payload"]["programme_id"] for _, b in receiver.calls} == {created["id"]}
    finally:
        receiver.close()


def test_progress_is_public_with_an_etag(platform):
    first = call(platform, "GET", "/v1/objective/progress")
    assert first.status_code == 200 and first.headers["ETag"]
    again = call(platform, "GET", "/v1/objective/progress", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code in (200, 304)
    if again.status_code == 200:  # changed in between: then the tag changed too
        assert again.headers["ETag"] != first.headers["ETag"]


def test_the_openapi_document_and_docs_are_served(platform):
    document = call(platform, "GET", "/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0" and "/v1/programmes" in document["paths"]
    assert "/v1/grants" in document["paths"] and "/v1/objective/progress" in document["paths"]
    assert call(platform, "GET", "/docs").status_code == 200
