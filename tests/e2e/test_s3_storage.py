"""Narrative attachments kept in an S3-compatible bucket, end to end: the gateway started with
STORAGE_BACKEND=s3 against a real S3 server (moto's, a separate process checking every
signature: tests/s3_server.py) stores, serves and removes the files, each really in or out of the
bucket; with S3 away an upload answers 503 with Retry-After and keeps nothing (no attachment
naming a missing file). On SQLite only: the storage is the gateway's, whatever the services'
database (the description is written by the same programmes code on both, tests/e2e/test_reporting.py).
The last test stops the S3 server: it runs last."""
import uuid

import pytest

from tests.e2e.conftest import ADMIN_KEY, running_platform
from tests.e2e.test_programmes import Api, key_for
from tests.programmes_flow import PERIOD
from tests.reporting_flow import PNG, reopened, upload
from tests.s3_server import moto_s3

pytestmark = [pytest.mark.e2e, pytest.mark.broker]


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    with moto_s3(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture(scope="module")
def platform(request, vhost_factory, postgres_database_factory, tmp_path_factory, moto):
    with running_platform("sqlite", vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session, **moto.env()) as base:
        yield base


@pytest.fixture(scope="module")
def admin(platform):
    return Api(platform, ADMIN_KEY)


@pytest.fixture(scope="module")
def org():
    return {"ref": f"XM-S3-{uuid.uuid4().hex[:6].upper()}", "name": "S3 partner", "type": "21"}


@pytest.fixture(scope="module")
def partner(admin, org):
    return Api(admin.base, key_for(admin, org["ref"], "partner"))


def narrative_of(partner, admin, org) -> dict:
    programme = reopened(partner, admin, org)
    return partner.post(f"/v1/programmes/{programme['id']}/narratives",
                        {"period": PERIOD, "category": "progress", "text": "Drains cleared."})


def test_an_attachment_is_stored_served_and_removed_in_the_bucket(partner, admin, org, moto):
    narrative = narrative_of(partner, admin, org)
    url = f"/v1/narratives/{narrative['id']}/attachments"
    attachment = upload(partner, url, PNG, "image/png", "drain.png", 201).json()["attachments"][0]
    key = f"narratives/{narrative['id']}/{attachment['id']}"
    assert key in moto.keys()
    got = partner.call("GET", f"{url}/{attachment['id']}", expect=200)
    assert (got.content, got.headers["Content-Type"]) == (PNG, "image/png")

    upload(partner, url, b"<html>x</html>", "application/pdf", "x.pdf", 422)   # refused: nothing stored
    assert [k for k in moto.keys() if k.startswith(f"narratives/{narrative['id']}/")] == [key]

    assert partner.call("DELETE", f"{url}/{attachment['id']}", expect=200).json()["attachments"] == []
    assert key not in moto.keys()
    partner.call("GET", f"{url}/{attachment['id']}", expect=404)


def test_with_s3_away_an_upload_answers_503_and_keeps_nothing(partner, admin, org, moto):
    narrative = narrative_of(partner, admin, org)
    url = f"/v1/narratives/{narrative['id']}/attachments"
    kept = upload(partner, url, PNG, "image/png", "kept.png", 201).json()["attachments"][0]
    moto.stop()

    refused = upload(partner, url, PNG, "image/png", "lost.png", 503)
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert "file storage" in refused.json()["detail"]
    after = partner.get(f"/v1/narratives/{narrative['id']}")
    assert [a["id"] for a in after["attachments"]] == [kept["id"]]   # no attachment naming a file not stored
    served = partner.call("GET", f"{url}/{kept['id']}", expect=503)
    assert int(served.headers["Retry-After"]) > 0
