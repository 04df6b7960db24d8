"""Migrations are a step of their own in the deployment: docker-compose.yml runs a one-shot
`migrate-<service>` per database before its service, and no image migrates at start-up (replicas
starting together would race to migrate)."""
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("programmes", "grants", "metrics", "gateway")
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


@pytest.mark.parametrize("service", SERVICES)
def test_compose_migrates_each_database_once_before_its_service(service):
    migration = COMPOSE[f"migrate-{service}"]
    assert migration["command"] == ["python", "-m", f"{service}.migrate"]
    assert migration["image"] == COMPOSE[service]["image"]  # the service's own image, its own history
    assert migration["restart"] == "no"
    assert migration["depends_on"]["postgres"]["condition"] == "service_healthy"
    database = f"{service.upper()}_DATABASE_URL"
    assert migration["environment"][database] == COMPOSE[service]["environment"][database]
    assert COMPOSE[service]["depends_on"][f"migrate-{service}"] == {"condition": "service_completed_successfully"}


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_starts_the_service_without_migrating(service):
    cmd = [line for line in (ROOT / "services" / service / "Dockerfile").read_text().splitlines()
           if line.startswith("CMD ")]
    assert len(cmd) == 1 and "nameko run" in cmd[0]
    assert "migrate" not in cmd[0]
