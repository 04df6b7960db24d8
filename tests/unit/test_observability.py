"""Observability pieces that need no platform: the state gauges as rendered, JSON log
lines, readiness caching, and deploy/ (alert rules, Prometheus config, Grafana dashboard,
the compose file's monitoring profile) checked against the metrics the code exports.
The live behaviour is in tests/e2e/test_observability.py."""
import json
import logging
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from scripts.run_platform import METRICS_PORTS
from shared.runtime import logcontext
from shared.runtime.logformat import JsonLines, formatter
from shared.runtime.readiness import Readiness
from shared.runtime.telemetry import StateCollector

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# The names docs/observability.md promises (the issue's, plus readiness and service_up).
EXPORTED = {"platform_http_requests_total", "platform_http_request_duration_seconds", "platform_rpc_duration_seconds",
            "platform_events_handled_total", "platform_events_failed_total", "platform_outbox_pending",
            "platform_outbox_oldest_age_seconds", "platform_dead_letters", "platform_projection_lag_seconds",
            "platform_ready", "platform_service_up"}


def render(states):
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StateCollector(lambda: states))
    text = generate_latest(registry).decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_state_gauges_render_what_is_known_and_leave_out_what_is_not():
    samples = render([
        {"service": "grants", "checks": {"broker": {"ok": True, "detail": ""}, "database": {"ok": False, "detail": ""}},
         "outbox": {"pending": 3, "oldest_age_seconds": 61.5}, "dead_letters": {}, "projection_lag_seconds": None},
        {"service": "metrics", "outbox": None, "dead_letters": {"metrics.dead-letters": 2, "other": None},
         "projection_lag_seconds": 7.25},
        {"service": "programmes", "up": False},
    ])
    assert samples[("platform_outbox_pending", (("producer", "grants"),))] == 3
    assert samples[("platform_outbox_oldest_age_seconds", (("producer", "grants"),))] == 61.5
    assert samples[("platform_ready", (("component", "database"), ("service", "grants")))] == 0
    assert samples[("platform_ready", (("component", "broker"), ("service", "grants")))] == 1
    assert samples[("platform_dead_letters", (("queue", "metrics.dead-letters"),))] == 2
    assert samples[("platform_projection_lag_seconds", (("service", "metrics"),))] == 7.25
    assert samples[("platform_service_up", (("service", "programmes"),))] == 0
    assert samples[("platform_service_up", (("service", "metrics"),))] == 1
    # Unknown is absent, never a zero that would read as "all clear".
    assert not any(name == "platform_outbox_pending" and dict(labels).get("producer") != "grants"
                   for name, labels in samples)
    assert ("platform_dead_letters", (("queue", "other"),)) not in samples
    assert not any(dict(labels).get("service") == "programmes" and name != "platform_service_up"
                   for name, labels in samples)


def _record(message="parked %s", *args, level=logging.ERROR):
    record = logging.LogRecord("shared.runtime.events", level, __file__, 1, message, args, None)
    logcontext.CorrelationFilter().filter(record)
    return record


def test_json_lines_carry_time_service_level_logger_and_ids():
    logcontext.set_correlation_id("req-1")
    logcontext.set_event("ev-1", "programme.created")
    try:
        line = JsonLines("metrics").format(_record("parked %s", "it"))
    finally:
        logcontext.set_correlation_id(None)
        logcontext.set_event(None, None)
    record = json.loads(line)
    assert "\n" not in line
    assert {k: record[k] for k in ("service", "level", "logger", "message", "correlation_id", "event_id",
                                   "event_type")} == {
        "service": "metrics", "level": "ERROR", "logger": "shared.runtime.events", "message": "parked it",
        "correlation_id": "req-1", "event_id": "ev-1", "event_type": "programme.created"}
    assert record["time"].endswith("Z")
    assert datetime.fromisoformat(record["time"]).utcoffset() == timedelta(0)
    outside = json.loads(JsonLines("metrics").format(_record("idle")))
    assert outside["correlation_id"] is None and outside["event_id"] is None and outside["event_type"] is None


def test_json_lines_keep_the_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys
        record = _record("failed")
        record.exc_info = sys.exc_info()
    assert "ValueError: boom" in json.loads(JsonLines("grants").format(record))["exc_info"]


@pytest.mark.parametrize("setting, kind", [("json", JsonLines), ("JSON", JsonLines), ("", logging.Formatter),
                                           ("text", logging.Formatter)])
def test_log_format_setting_picks_the_formatter(monkeypatch, setting, kind):
    monkeypatch.setenv("LOG_FORMAT", setting)
    made = formatter("gateway", "%(message)s")
    assert type(made) is kind


def test_readiness_is_the_and_of_its_checks_and_is_cached():
    calls = []
    answers = {"broker": True, "database": True}

    def check(name):
        def run():
            calls.append(name)
            return {"ok": answers[name], "detail": name}
        return run
    readiness = Readiness({name: check(name) for name in answers}, cache_seconds=3600)
    assert readiness.report()["ready"] is True
    answers["broker"] = False
    assert readiness.report()["ready"] is True  # cached: one probe per period, however many ask
    assert sorted(calls) == ["broker", "database"]
    readiness.cache_seconds = 0
    report = readiness.report()
    assert report["ready"] is False and report["checks"]["broker"] == {"ok": False, "detail": "broker"}


def _metric_names(expr):
    names = set(re.findall(r"\bplatform_[a-z_]+", expr))
    # Histograms are queried through their series.
    return {re.sub(r"_(bucket|count|sum)$", "", n) for n in names}


def test_alert_rules_cover_the_issue_and_use_exported_metrics():
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    assert set(rules) == {"groups"}
    by_name = {}
    for group in rules["groups"]:
        assert group["name"] and group["rules"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
            assert rule["labels"]["severity"] in ("warning", "critical")
            assert rule["annotations"]["summary"] and rule["annotations"]["description"]
            assert _metric_names(rule["expr"]) <= EXPORTED, rule["expr"]
            if "for" in rule:
                assert re.fullmatch(r"\d+[smh]", rule["for"])
            by_name[rule["alert"]] = rule["expr"]
    assert re.search(r"platform_dead_letters\) > 0$", by_name["EventsParked"])
    assert re.search(r"platform_outbox_oldest_age_seconds\) > 60$", by_name["OutboxStuck"])
    assert re.search(r"platform_projection_lag_seconds\) > 5$", by_name["ProjectionLagging"])
    assert re.search(r"platform_ready\) == 0$", by_name["NotReady"])


def test_prometheus_scrapes_every_service_where_it_listens():
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]
    targets = {job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]}
    assert targets == {"gateway": ["gateway:8000"],
                       **{service: [f"{service}:{port}"] for service, port in METRICS_PORTS.items()}}
    for service, port in METRICS_PORTS.items():  # the same defaults the services and images use
        service_config = (ROOT / "services" / service / service / "config.yaml").read_text()
        assert f"METRICS_PORT: ${{METRICS_PORT:{port}}}" in service_config
        assert f"EXPOSE {port}" in (ROOT / "services" / service / "Dockerfile").read_text()


def test_dashboard_shows_every_metric_and_only_exported_ones():
    dashboard = json.loads((DEPLOY / "grafana" / "dashboard.json").read_text())
    shown = set()
    for panel in dashboard["panels"]:
        assert panel["title"] and panel["targets"], panel
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "platform-prometheus"
            shown |= _metric_names(target["expr"])
    assert shown == EXPORTED
    datasource = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert datasource["datasources"][0]["uid"] == "platform-prometheus"


def test_compose_monitoring_profile_is_optional_and_pinned():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    monitoring = {name: s for name, s in compose["services"].items() if "monitoring" in s.get("profiles", [])}
    assert set(monitoring) == {"prometheus", "grafana"}
    for service in monitoring.values():
        image, _, tag = service["image"].partition(":")
        assert image in ("prom/prometheus", "grafana/grafana") and re.fullmatch(r"v?\d+\.\d+\.\d+", tag), image
        for volume in service["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
    assert all("profiles" not in s for name, s in compose["services"].items() if name not in monitoring)
    ports = {**METRICS_PORTS, "gateway": 8000}  # each long-running service is healthy when ready
    for name, port in ports.items():
        assert f"http://127.0.0.1:{port}/readyz" in " ".join(compose["services"][name]["healthcheck"]["test"])


def test_make_run_prints_each_services_metrics_url(monkeypatch):
    from scripts.run_platform import metrics_lines, metrics_port, platform_env
    monkeypatch.delenv("METRICS_ADDRESS", raising=False)
    monkeypatch.setenv("GRANTS_METRICS_PORT", "19102")
    env = platform_env(8000, "amqp://guest:guest@127.0.0.1:5672/")
    assert env["METRICS_ADDRESS"] == "127.0.0.1"  # a workstation: not on every interface
    lines = metrics_lines(env).splitlines()
    assert [line.split()[0] for line in lines] == ["programmes", "grants", "metrics"]
    assert "http://127.0.0.1:9101/metrics" in lines[0] and "http://127.0.0.1:19102/metrics" in lines[1]
    assert metrics_port("gateway", env) is None  # the gateway serves them on its API port
