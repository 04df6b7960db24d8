"""Observability against a live platform (docs/observability.md): each metric read after the
action that moves it, readiness flipping when the broker and a database go away and come
back, JSON log lines carrying the ids. One SQLite platform whose broker connections all go
through a TCP proxy the tests can cut; the grants relay is stopped for the module's whole
life (a failpoint), so its outbox backlog grows; metrics holds `fund.created` events for a
moment (a failpoint), so its projection lag can be read while one is in hand."""
import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
import requests
from kombu import Connection
from prometheus_client.parser import text_string_to_metric_families

from shared.messaging import topology
from tests.backbone.tcp_proxy import HalfOpenProxy
from tests.e2e.conftest import ADMIN_HEADERS, ADMIN_KEY, running_platform
from tests.grants_flow import fund_body
from tests.helpers import free_port, publish_event, wait_until
from tests.programmes_flow import programme_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

HELD_SECONDS = 3  # metrics holds each fund.created this long before applying it
ROOT = Path(__file__).resolve().parents[2]


class Platform:
    def __init__(self, base, ports, var_dir, amqp_uri, proxy, proxied):
        self.base, self.ports, self.var_dir, self.amqp_uri, self.proxy = base, ports, var_dir, amqp_uri, proxy
        self.proxied = proxied  # the broker as the services reach it: through the proxy

    def service_url(self, service, path):
        return f"http://127.0.0.1:{self.ports[service]}{path}"

    def scrape(self, service=None):
        url = self.service_url(service, "/metrics") if service else f"{self.base}/metrics"
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"].startswith("text/plain")
        return answer.text


@pytest.fixture(scope="module")
def live(vhost_factory, postgres_database_factory, tmp_path_factory, request):
    vhost_uri = vhost_factory()
    parts = urlparse(vhost_uri)
    proxy = HalfOpenProxy(parts.hostname, parts.port or 5672)
    proxied = urlunparse(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}"))
    ports = {s: free_port() for s in ("programmes", "grants", "metrics")}
    var_dir = tmp_path_factory.mktemp("observability")
    env = {f"{s.upper()}_METRICS_PORT": str(p) for s, p in ports.items()}
    env.update(AMQP_URI=proxied, LOG_FORMAT="json", OPS_RPC_DEADLINE_SECONDS="2",
               PLATFORM_FAILPOINTS=f"outbox.relay.grants=sleep:3600,metrics.apply.fund.created=sleep:{HELD_SECONDS}")
    try:
        with running_platform("sqlite", vhost_factory, postgres_database_factory, tmp_path_factory,
                              session=request.session, var_dir=var_dir, **env) as base:
            yield Platform(base, ports, var_dir, vhost_uri, proxy, proxied)
    finally:
        proxy.close()
        vhost_factory.delete(vhost_uri)


def platformctl_status(live, *args):
    """`platformctl status` as an operator runs it (the console script's module), against the platform."""
    env = dict(os.environ, PLATFORM_URL=live.base, PLATFORM_ADMIN_KEY=ADMIN_KEY, AMQP_URI=live.proxied,
               PYTHONPATH=os.pathsep.join([str(ROOT / "tools" / "platformctl"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "platformctl", "status", *args], env=env, capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def value(text, name, **labels):
    """The sample `name` with (at least) these labels, or None when the series is absent."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def counter(text, name, **labels):
    return value(text, name, **labels) or 0.0


def test_http_requests_are_counted_by_route_and_status(live):
    route = dict(route="/v1/plan", method="GET", status="200")
    before = live.scrape()
    for _ in range(3):
        assert requests.get(f"{live.base}/v1/plan", timeout=10).status_code == 200
    assert requests.get(f"{live.base}/v1/programmes/nope", timeout=10).status_code == 401
    after = live.scrape()
    assert counter(after, "platform_http_requests_total", **route) - \
        counter(before, "platform_http_requests_total", **route) == 3
    assert counter(after, "platform_http_request_duration_seconds_count", **route) - \
        counter(before, "platform_http_request_duration_seconds_count", **route) == 3
    refused = dict(route="/v1/programmes/<string:programme_id>", status="401")  # the route's pattern, not the path
    assert counter(after, "platform_http_requests_total", **refused) - \
        counter(before, "platform_http_requests_total", **refused) == 1


def test_rpc_duration_and_handled_events_after_a_command(live):
    rpc = dict(service="programmes", method="create_programme")
    handled = dict(consumer="metrics", type="programme.created")
    before, before_metrics = live.scrape("programmes"), live.scrape("metrics")
    answer = requests.post(f"{live.base}/v1/programmes", json=programme_body(), headers=ADMIN_HEADERS, timeout=10)
    assert answer.status_code == 201, answer.text
    after = live.scrape("programmes")
    assert counter(after, "platform_rpc_duration_seconds_count", **rpc) - \
        counter(before, "platform_rpc_duration_seconds_count", **rpc) == 1
    assert counter(after, "platform_rpc_duration_seconds_sum", **rpc) > \
        counter(before, "platform_rpc_duration_seconds_sum", **rpc)
    wait_until(lambda: counter(live.scrape("metrics"), "platform_events_handled_total", **handled)
               - counter(before_metrics, "platform_events_handled_total", **handled) == 1,
               timeout=20, message="metrics to count the programme.created it handled")
    assert value(live.scrape("programmes"), "platform_outbox_pending", producer="programmes") == 0


def test_a_parked_event_counts_as_failed_and_shows_in_the_dead_letters(live):
    queue = "metrics.dead-letters"
    failed = dict(consumer="metrics", type="programme.created")
    before = live.scrape("metrics")
    assert value(before, "platform_dead_letters", queue=queue) == 0
    broken = {"event_id": str(uuid.uuid4()), "type": "programme.created", "version": 1,
              "occurred_at": "2020-01-01T00:00:00Z", "producer": "programmes",
              "correlation_id": "broken-contract", "payload": {"title": 12}}
    publish_event(live.amqp_uri, broken)
    after = wait_until(lambda: (text := live.scrape("metrics"))
                       and value(text, "platform_dead_letters", queue=queue) == 1 and text,
                       timeout=20, message="the broken event parked in metrics.dead-letters")
    assert counter(after, "platform_events_failed_total", **failed) - \
        counter(before, "platform_events_failed_total", **failed) == 1
    # One scrape of the gateway sees every service's state.
    platform = live.scrape()
    assert value(platform, "platform_dead_letters", queue=queue) == 1
    # The gateway's feed subscribes to every type: it parked its copy too.
    wait_until(lambda: value(live.scrape(), "platform_dead_letters", queue="gateway.dead-letters") == 1,
               timeout=20, message="the gateway's copy parked")
    assert all(value(platform, "platform_service_up", service=s) == 1 for s in ("programmes", "grants", "metrics"))


def test_a_stopped_relay_shows_as_a_growing_outbox(live):
    before = live.scrape("grants")
    pending = value(before, "platform_outbox_pending", producer="grants")
    answer = requests.post(f"{live.base}/v1/funds", json=fund_body(), headers=ADMIN_HEADERS, timeout=10)
    assert answer.status_code == 201, answer.text
    after = live.scrape("grants")
    assert value(after, "platform_outbox_pending", producer="grants") == pending + 1
    assert value(after, "platform_outbox_oldest_age_seconds", producer="grants") > 0
    platform = live.scrape()
    assert value(platform, "platform_outbox_pending", producer="grants") == pending + 1
    assert value(platform, "platform_outbox_pending", producer="programmes") == 0


def test_projection_lag_while_an_old_event_is_in_hand(live):
    # The fund.created the stopped relay holds, sent as if it had waited an hour.
    with sqlite3.connect(live.var_dir / "grants.sqlite3") as db:
        body = db.execute("SELECT body FROM outbox WHERE event_type = 'fund.created' LIMIT 1").fetchone()[0]
    event = dict(json.loads(body), event_id=str(uuid.uuid4()),
                 occurred_at=(datetime.now(timezone.utc) - timedelta(hours=1)).isoformat().replace("+00:00", "Z"))
    handled = dict(consumer="metrics", type="fund.created")
    before = counter(live.scrape("metrics"), "platform_events_handled_total", **handled)
    publish_event(live.amqp_uri, event)
    lag = wait_until(lambda: value(live.scrape("metrics"), "platform_projection_lag_seconds", service="metrics")
                     >= 3600, timeout=20, message="the projection lag of an hour-old event in hand")
    assert lag
    wait_until(lambda: counter(live.scrape("metrics"), "platform_events_handled_total", **handled) == before + 1,
               timeout=20, message="metrics to apply the event")
    assert value(live.scrape("metrics"), "platform_projection_lag_seconds", service="metrics") == 0
    assert value(live.scrape(), "platform_projection_lag_seconds", service="metrics") == 0


def test_json_log_lines_carry_the_correlation_and_event_ids(live):
    event_id, correlation_id = str(uuid.uuid4()), f"obs-{uuid.uuid4().hex[:8]}"
    malformed = {"event_id": event_id, "type": "objective.progress_changed", "version": 1,
                 "occurred_at": "2020-01-01T00:00:00Z", "producer": "metrics", "payload": {}}
    with Connection(live.amqp_uri) as conn:
        conn.Producer().publish(json.dumps(malformed), exchange=topology.event_exchange("metrics"),
                                routing_key="objective.progress_changed", content_type="application/json",
                                headers={"nameko.correlation_id": correlation_id})

    def logged():
        lines = (live.var_dir / "gateway.log").read_text().splitlines()
        records = [json.loads(line) for line in lines if line.startswith("{")]
        return [r for r in records if r.get("event_id") == event_id]
    record = wait_until(logged, timeout=20, message="the gateway's log line about the malformed event")[0]
    assert record["event_type"] == "objective.progress_changed"
    assert record["correlation_id"] == correlation_id
    assert record["service"] == "gateway" and record["level"] == "ERROR"
    assert record["logger"] == "gateway.consumers" and "malformed" in record["message"]
    assert datetime.fromisoformat(record["time"]).utcoffset() == timedelta(0)
    # Every line of every service is a JSON object.
    for service in ("programmes", "grants", "metrics", "gateway"):
        lines = [line for line in (live.var_dir / f"{service}.log").read_text().splitlines()
                 if line.startswith("{")]
        assert lines and all(json.loads(line)["service"] == service for line in lines)


def test_platformctl_status_reports_the_live_platform(live):
    done = platformctl_status(live, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["broker"]["up"] is True
    assert "guest:***@" in report["broker"]["uri"]  # never the password
    assert report["gateway"]["ready"] is True and report["gateway"]["replicas"] == 1
    for service in ("programmes", "grants", "metrics"):
        state = report["services"][service]
        assert state["up"] is True and state["replicas"] == 1 and state["ready"] is True, state
        assert state["checks"]["database"]["ok"] is True
    # What the earlier tests did shows: the held grants outbox, the parked events, the caught-up projection.
    grants_scrape = live.scrape("grants")
    assert report["services"]["grants"]["outbox"]["pending"] == \
        value(grants_scrape, "platform_outbox_pending", producer="grants") >= 1
    assert report["services"]["programmes"]["outbox"]["pending"] == 0
    platform = live.scrape()
    assert report["dead_letters"] == {q: value(platform, "platform_dead_letters", queue=q)
                                      for q in ("gateway.dead-letters", "metrics.dead-letters")}
    assert report["dead_letters"]["metrics.dead-letters"] == 1  # the broken event; the gateway parked more
    assert report["services"]["metrics"]["projection_lag_seconds"] == 0
    text = platformctl_status(live)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert any(line.startswith("broker") and line.endswith(": up") for line in lines), text.stdout
    assert any(line.startswith("gateway") and ": ready" in line for line in lines), text.stdout
    rows = {cells[0]: cells for line in lines if len(cells := re.findall(r"[\w.-]+", line)) >= 2}
    assert "grants" in rows, text.stdout
    pending = str(report["services"]["grants"]["outbox"]["pending"])
    assert rows["grants"][:5] == ["grants", "yes", "1", "yes", pending], text.stdout
    assert rows["metrics.dead-letters"] == ["metrics.dead-letters", "1"], text.stdout


def test_liveness_and_readiness_endpoints(live):
    for service in ("programmes", "grants", "metrics"):
        assert requests.get(live.service_url(service, "/livez"), timeout=10).json() == {"status": "alive"}
        ready = requests.get(live.service_url(service, "/readyz"), timeout=10)
        assert ready.status_code == 200 and ready.json()["ready"] is True
        assert set(ready.json()["checks"]) == {"broker", "database"}
    assert requests.get(f"{live.base}/livez", timeout=10).json() == {"status": "alive"}
    ready = requests.get(f"{live.base}/readyz", timeout=10)
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) == {"broker", "database", "programmes", "grants", "metrics"}


def test_readiness_follows_the_database(live):
    path = live.var_dir / "programmes.sqlite3"
    away = path.with_suffix(".away")
    os.rename(path, away)
    try:
        report = wait_until(lambda: (r := requests.get(live.service_url("programmes", "/readyz"), timeout=10))
                            .status_code == 503 and r.json(), timeout=10, message="programmes not ready")
        assert report["ready"] is False
        assert report["checks"]["database"]["ok"] is False
        assert report["checks"]["broker"]["ok"] is True
        assert value(live.scrape("programmes"), "platform_ready", service="programmes", component="database") == 0
    finally:
        os.rename(away, path)
    wait_until(lambda: requests.get(live.service_url("programmes", "/readyz"), timeout=10).status_code == 200,
               timeout=10, message="programmes ready again")


def test_readiness_follows_the_broker_and_the_gateway_answers_503(live):
    live.proxy.cut()
    try:
        for service in ("programmes", "grants", "metrics"):
            report = wait_until(lambda s=service: (r := requests.get(live.service_url(s, "/readyz"), timeout=10))
                                .status_code == 503 and r.json(), timeout=20, message=f"{service} not ready")
            assert report["checks"]["broker"]["ok"] is False and report["checks"]["database"]["ok"] is True
        gateway = requests.get(f"{live.base}/readyz", timeout=20)
        assert gateway.status_code == 503 and gateway.json()["checks"]["broker"]["ok"] is False
        assert gateway.headers["Retry-After"]
        answer = requests.get(f"{live.base}/v1/programmes", headers=ADMIN_HEADERS, timeout=20)
        assert answer.status_code == 503, answer.text
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert int(answer.headers["Retry-After"]) > 0
        platform = live.scrape()  # the scrape still answers: services absent, not an error
        assert value(platform, "platform_service_up", service="programmes") == 0
        assert value(platform, "platform_ready", service="gateway", component="broker") == 0
        done = platformctl_status(live, "--json")  # a finding, not a crash: the report and exit code 1
        assert done.returncode == 1, done.stderr
        report = json.loads(done.stdout)
        assert report["ok"] is False and report["broker"]["up"] is False
        assert report["gateway"]["up"] is True and report["gateway"]["ready"] is False
        assert not any(s["up"] for s in report["services"].values())
    finally:
        live.proxy.restore()
    for service in ("programmes", "grants", "metrics"):
        wait_until(lambda s=service: requests.get(live.service_url(s, "/readyz"), timeout=10).status_code == 200,
                   timeout=60, message=f"{service} ready again")
    wait_until(lambda: requests.get(f"{live.base}/readyz", timeout=10).status_code == 200,
               timeout=60, message="the gateway ready again")
    assert requests.get(f"{live.base}/v1/programmes", headers=ADMIN_HEADERS, timeout=10).status_code == 200
