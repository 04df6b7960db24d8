"""deploy/kubernetes/ is accepted by the Kubernetes API schemas (kubernetes-validate, offline,
strict: an unknown field is an error) and says what docs/observability.md and
docs/reliability.md promise: each service a Deployment probed on /livez and /readyz at its
port, each database a migration Job, every secret and setting it names defined."""
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from scripts.run_platform import DATABASE_SERVICES, METRICS_PORTS, SERVICES

DIR = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"  # the oldest minor version still supported where we deploy
PORTS = {**METRICS_PORTS, "gateway": 8000}


def documents():
    return [(path.name, doc) for path in sorted(DIR.glob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text()) if doc]


def of_kind(kind):
    return {doc["metadata"]["name"]: doc for _, doc in documents() if doc["kind"] == kind}


@pytest.mark.parametrize("name, doc", documents(), ids=lambda v: v if isinstance(v, str) else v["metadata"]["name"])
def test_each_resource_is_valid_kubernetes(name, doc):
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_an_unknown_field_is_refused():  # the check above can fail
    (deployment, *_) = of_kind("Deployment").values()
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def container(pod_spec):
    (only,) = pod_spec["containers"]
    return only


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_runs_replicated_and_probed_at_its_port(service):
    deployment = of_kind("Deployment")[service]
    assert deployment["spec"]["replicas"] >= 2
    c = container(deployment["spec"]["template"]["spec"])
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    probe_port = c["livenessProbe"]["httpGet"]["port"]
    assert ports[probe_port] == PORTS[service]
    assert c["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": probe_port}
    assert c["resources"]["requests"] and c["resources"]["limits"]["memory"]
    env = {e["name"] for e in c["env"]}
    assert {"AMQP_URI", f"{service.upper()}_DATABASE_URL"} <= env
    service_ports = [p["targetPort"] for s in of_kind("Service").values()
                     if s["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
                     for p in s["spec"]["ports"]]
    assert probe_port in service_ports


@pytest.mark.parametrize("service", DATABASE_SERVICES)
def test_each_database_has_a_migration_job(service):
    job = of_kind("Job")[f"migrate-{service}"]
    c = container(job["spec"]["template"]["spec"])
    assert c["command"] == ["python", "-m", f"{service}.migrate"]
    assert c["image"] == container(of_kind("Deployment")[service]["spec"]["template"]["spec"])["image"]


def test_every_secret_and_setting_named_is_defined():
    secrets = {name: set(doc.get("stringData", {})) | set(doc.get("data", {}))
               for name, doc in of_kind("Secret").items()}
    config_maps = set(of_kind("ConfigMap"))
    pods = [d["spec"]["template"]["spec"] for kind in ("Deployment", "Job") for d in of_kind(kind).values()]
    for c in (container(p) for p in pods):
        for ref in c.get("envFrom", []):
            assert ref["configMapRef"]["name"] in config_maps
        for e in c.get("env", []):
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                assert ref["key"] in secrets[ref["name"]], (c["name"], ref)


def test_the_broker_address_lists_every_node_for_failover():
    uri = of_kind("Secret")["platform-secrets"]["stringData"]["AMQP_URI"]
    assert len(uri.split(";")) == 3 and all(part.startswith("amqp://") for part in uri.split(";"))


def test_each_database_address_lists_the_primary_and_its_standby():
    import sqlalchemy as sa
    for key, value in of_kind("Secret")["platform-secrets"]["stringData"].items():
        if key.endswith("_DATABASE_URL"):
            url = sa.engine.make_url(value)  # what shared.db.create_engine reads
            assert url.query["host"] == ("pg-a:5432", "pg-b:5432")
            assert url.query["target_session_attrs"] == "read-write"


def test_no_service_or_deployment_selects_a_migration_pod():
    selectors = [d["spec"]["selector"]["matchLabels"] for d in of_kind("Deployment").values()] + \
        [s["spec"]["selector"] for s in of_kind("Service").values()]
    for job in of_kind("Job").values():
        labels = job["spec"]["template"]["metadata"]["labels"]
        assert not [s for s in selectors if s.items() <= labels.items()], job["metadata"]["name"]
