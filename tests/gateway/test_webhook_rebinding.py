"""Webhook deliveries against DNS rebinding (OWASP API7), on a real gateway container: the
process's resolver answers one address while the URL is checked and another afterwards; the
delivery must go to the address that was checked, or nowhere. Receivers listen on loopback."""
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared.events.contracts.grants import EXAMPLES as GRANT_EXAMPLES
from tests.gateway.test_gateway_integrations import envelope
from tests.helpers import publish_event, wait_until

pytestmark = pytest.mark.broker

NAME = "rebind.test"


class Listener:
    """An HTTP endpoint on `host`:`port` that records each request and answers `status`."""

    def __init__(self, host, port=0, status=204):
        self.calls, self.paths = [], []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                listener.calls.append(dict(self.headers))
                listener.paths.append(self.path)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def rebinding(monkeypatch):
    """Makes NAME resolve to `first` for the first `times` lookups, then to `then`; every
    other name and every address goes to the real resolver."""
    real = socket.getaddrinfo
    lookups = []

    def install(first, then, times=2):
        def getaddrinfo(host, port, *args, **kwargs):
            if host != NAME:
                return real(host, port, *args, **kwargs)
            lookups.append(host)
            address = first if len(lookups) <= times else then
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))]
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        return lookups
    return install


def deliveries(client, subscription_id, status):
    return client.get(f"/v1/webhooks/{subscription_id}/deliveries?status={status}").json()["items"]


def deliver_one(admin, amqp_uri, url, status):
    """Subscribe `url` to every event, publish one, and wait until its delivery is `status`."""
    sub = admin.post("/v1/webhooks", {"url": url, "event_types": ["*"]})
    assert sub.status_code == 201, sub.text
    publish_event(amqp_uri, envelope("fund.created", GRANT_EXAMPLES))
    return wait_until(lambda: deliveries(admin, sub.json()["id"], status), timeout=30,
                      message=f"the delivery to be {status}")[0]


def test_a_name_that_rebinds_to_loopback_after_the_check_never_reaches_it(start_gateway, amqp_uri, rebinding):
    admin, _ = start_gateway(WEBHOOK_ALLOW_LOOPBACK=False, WEBHOOK_MAX_ATTEMPTS=2, WEBHOOK_BACKOFF_BASE=0.1,
                             WEBHOOK_TIMEOUT_SECONDS=1)
    inside = Listener("127.0.0.1")
    try:
        rebinding(first="8.8.8.8", then="127.0.0.1")  # public at subscription and at the first check
        failed = deliver_one(admin, amqp_uri, f"http://{NAME}:{inside.port}/hook", "failed")
        assert inside.calls == []  # the first attempt went to 8.8.8.8; the second was refused
        errors = [a["error"] for a in failed["log"]]
        assert len(errors) == 2 and all(e.startswith("delivery failed") for e in errors), errors
    finally:
        inside.close()


def test_a_delivery_goes_to_the_checked_address_with_the_urls_host(start_gateway, amqp_uri, rebinding):
    # Loopback allowed (as in development): the pinning must hold all the same.
    admin, _ = start_gateway(WEBHOOK_ALLOW_LOOPBACK=True, WEBHOOK_BACKOFF_BASE=0.1)
    checked = Listener("127.0.0.1")
    other = Listener("127.0.0.2", checked.port)
    try:
        rebinding(first="127.0.0.1", then="127.0.0.2")
        deliver_one(admin, amqp_uri, f"http://{NAME}:{checked.port}/hook", "delivered")
        assert other.calls == []
        assert [c["Host"] for c in checked.calls] == [f"{NAME}:{checked.port}"]
    finally:
        checked.close()
        other.close()


def test_with_an_egress_proxy_deliveries_go_through_it_by_name(start_gateway, amqp_uri, rebinding):
    proxy = Listener("127.0.0.1")
    try:
        admin, _ = start_gateway(WEBHOOK_EGRESS_PROXY=f"http://127.0.0.1:{proxy.port}")
        rebinding(first="127.0.0.1", then="127.0.0.1")
        deliver_one(admin, amqp_uri, f"http://{NAME}:9/hook", "delivered")
        assert proxy.paths == [f"http://{NAME}:9/hook"]  # the proxy connects, by name
    finally:
        proxy.close()


def test_partners_see_a_generic_delivery_error(start_gateway, amqp_uri):
    admin, _ = start_gateway(WEBHOOK_MAX_ATTEMPTS=1)
    with socket.socket() as probe:  # a port nobody listens on: "connection refused"
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    refusing = admin.post("/v1/webhooks", {"url": f"http://127.0.0.1:{closed}/x", "event_types": ["*"]}).json()
    failing = Listener("127.0.0.1", status=302)  # a redirect is not followed: it is a failure
    try:
        redirecting = admin.post("/v1/webhooks", {"url": f"http://127.0.0.1:{failing.port}/x",
                                                  "event_types": ["*"]}).json()
        publish_event(amqp_uri, envelope("fund.created", GRANT_EXAMPLES))
        first = wait_until(lambda: deliveries(admin, refusing["id"], "failed"), message="a failed delivery")[0]
        second = wait_until(lambda: deliveries(admin, redirecting["id"], "failed"), message="a failed delivery")[0]
    finally:
        failing.close()
    assert (first["last_error"], first["last_status_code"]) == ("delivery failed", None)
    assert (second["last_error"], second["last_status_code"]) == ("delivery failed: HTTP 302", 302)
