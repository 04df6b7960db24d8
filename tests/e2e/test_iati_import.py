"""POST /v1/iati/activities on the whole platform (SQLite and PostgreSQL): IATI's example
imports (dry run, real, again: unchanged), bad documents are refused listing every error
with its kind, element and line, nothing is written of a refused document, and hostile XML
(XXE, entity expansion, oversize) is refused without being expanded."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import ADMIN_HEADERS, running_platform
from tests.iati_documents import SAMPLES, activity, document

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

MAX_BYTES = 200_000
CHUNK = 2   # activities per message to the programmes service: documents of 3 or more are staged
BROKERS: dict[str, str] = {}   # gateway URL -> its broker (the CLI talks to the services directly)
ROOT = Path(__file__).resolve().parents[2]
XML = {"Content-Type": "application/xml"}
EXAMPLE = (SAMPLES / "activity-standard-example-annotated.xml").read_bytes()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def platform(request, vhost_factory, postgres_database_factory, tmp_path_factory):
    amqp_uri = vhost_factory()
    with running_platform(request.param, vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session, AMQP_URI=amqp_uri, IATI_IMPORT_MAX_BYTES=str(MAX_BYTES),
                          IATI_IMPORT_CHUNK=str(CHUNK)) as base:
        BROKERS[base] = amqp_uri
        yield base


def post(base, body, *, headers=ADMIN_HEADERS, dry_run=False):
    return requests.post(f"{base}/v1/iati/activities" + ("?dry_run=true" if dry_run else ""), data=body,
                         headers={**headers, **XML}, timeout=60)


def refused(response):
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    return response.json()["errors"]


def programmes_of(base, org):
    return requests.get(f"{base}/v1/programmes", params={"organisation": org}, headers=ADMIN_HEADERS,
                        timeout=10).json()["items"]


def test_the_iati_example_imports_once_then_is_unchanged(platform):
    dry = post(platform, EXAMPLE, dry_run=True)
    assert dry.status_code == 200, dry.text
    [report] = dry.json()["activities"]
    assert report["outcome"] == "created" and report["iati_identifier"] == "AA-AAA-123456789-ABC123"
    assert any("funding_window" in w for w in report["warnings"])       # defaults flagged for review
    assert programmes_of(platform, "AA-AAA-123456789") == []            # a dry run writes nothing

    done = post(platform, EXAMPLE)
    assert done.status_code == 200, done.text
    [report] = done.json()["activities"]
    assert report["outcome"] == "created"
    programme = requests.get(f"{platform}/v1/programmes/{report['programme_id']}", headers=ADMIN_HEADERS,
                             timeout=10).json()
    assert programme["title"] == "Activity title" and programme["status"] == "implementation"
    assert programme["countries"] == ["AF", "AG"]
    assert [c["name"] for c in programme["cities"]] == ["Location name"]
    assert programme["budget"] == {"amount": "3000.00", "currency": "EUR"}
    assert programme["reported_transactions"][0]["amount"] == "1000"
    [indicator] = programme["indicators"]
    assert indicator["code"] == "b1" and indicator["baseline"]["value"] == "10"
    assert indicator["targets"][0]["value"] == "10"
    results = requests.get(f"{platform}/v1/results", params={"programme_id": programme["id"]},
                           headers=ADMIN_HEADERS, timeout=10).json()["items"]
    assert [(r["indicator"], r["status"], r["value"]) for r in results] == [("b1", "approved", "11")]

    again = post(platform, EXAMPLE)
    assert again.status_code == 200, again.text
    assert [a["outcome"] for a in again.json()["activities"]] == ["unchanged"]


@pytest.mark.parametrize("sample, element", [
    ("invalid-01-empty-activity.xml", ("/iati-activities/iati-activity[1]", 7)),
    ("invalid-17-bad-hierarchy.xml", ("/iati-activities/iati-activity[1]", 5)),
    ("invalid-22-missing-title-narrative.xml", ("/iati-activities/iati-activity[1]/title", 8)),
])
def test_a_document_against_the_schema_is_refused_naming_element_and_line(platform, sample, element):
    errors = refused(post(platform, (SAMPLES / sample).read_bytes()))
    assert element in [(e["path"], e["line"]) for e in errors if e["kind"] == "schema"]
    assert all(e["reason"] for e in errors)


def test_placeholder_codes_are_codelist_errors_never_schema_errors(platform):
    errors = refused(post(platform, (SAMPLES / "24-results.xml").read_bytes()))
    kinds = {e["kind"] for e in errors}
    assert "schema" not in kinds and "codelist" in kinds
    status = [e for e in errors if e["path"].endswith("activity-status/@code")]
    assert status and '"xx"' in status[0]["reason"] and status[0]["line"] == 15


def test_a_bad_third_activity_writes_nothing_of_the_first_two(platform):
    org = f"XM-A{uuid.uuid4().hex[:6].upper()}"
    good = [activity(f"{org}-{n}", org) for n in (1, 2)]
    bad = activity(f"{org}-3", org, country="UG", city="Jinja").replace(
        '<recipient-country code="UG" percentage="100"/>', "")   # schema-valid, but the platform needs a country
    errors = refused(post(platform, document(*good, bad)))
    assert [(e["kind"], e["activity"]) for e in errors] == [("platform", f"{org}-3")]
    assert errors[0]["path"] == "/iati-activities/iati-activity[3]" and "countries" in errors[0]["reason"]
    assert programmes_of(platform, org) == []
    assert [a["outcome"] for a in post(platform, document(*good)).json()["activities"]] == ["created", "created"]


def test_a_child_before_its_parent_in_another_chunk_gets_its_parent(platform):
    org = f"XM-H{uuid.uuid4().hex[:6].upper()}"
    child = activity(f"{org}-child", org, extra=f'<related-activity ref="{org}-parent" type="1"/>').replace(
        'hierarchy="1"', 'hierarchy="2"')
    done = post(platform, document(child, activity(f"{org}-x", org), activity(f"{org}-parent", org)))
    assert done.status_code == 200, done.text
    ids = {a["iati_identifier"]: a["programme_id"] for a in done.json()["activities"]}
    got = requests.get(f"{platform}/v1/programmes/{ids[f'{org}-child']}", headers=ADMIN_HEADERS, timeout=10).json()
    assert got["parent_id"] == ids[f"{org}-parent"]
    # the document's order is the platform's (updated_at, id), so an export writes them back in it
    assert [p["iati_identifier"] for p in programmes_of(platform, org)] == [f"{org}-child", f"{org}-x", f"{org}-parent"]
    again = post(platform, document(child, activity(f"{org}-x", org), activity(f"{org}-parent", org)))
    assert [a["outcome"] for a in again.json()["activities"]] == ["unchanged"] * 3


def test_a_changed_file_updates_the_programme_and_corrects_its_approved_value(platform):
    org = f"XM-U{uuid.uuid4().hex[:6].upper()}"
    first = post(platform, document(activity(f"{org}-1", org)))
    programme_id = first.json()["activities"][0]["programme_id"]
    changed = activity(f"{org}-1", org, title="Renamed programme", status="3").replace(
        '<actual value="40">', '<actual value="45">')
    again = post(platform, document(changed))
    assert again.status_code == 200, again.text
    assert [a["outcome"] for a in again.json()["activities"]] == ["updated"]
    got = requests.get(f"{platform}/v1/programmes/{programme_id}", headers=ADMIN_HEADERS, timeout=10).json()
    assert (got["title"], got["status"]) == ("Renamed programme", "finalisation")
    [result] = requests.get(f"{platform}/v1/results", params={"programme_id": programme_id}, headers=ADMIN_HEADERS,
                            timeout=10).json()["items"]
    assert (result["status"], result["value"]) == ("approved", "45")
    assert [a["outcome"] for a in post(platform, document(changed)).json()["activities"]] == ["unchanged"]


def test_a_location_with_a_platform_id_keeps_it(platform):
    org, city = f"XM-L{uuid.uuid4().hex[:6].upper()}", str(uuid.uuid4())
    body = document(activity(f"{org}-1", org, city="Eldoret").replace('<location ref="KE-ELD">',
                                                                       f'<location ref="{city}">'))
    done = post(platform, body)
    assert done.status_code == 200, done.text
    got = requests.get(f"{platform}/v1/programmes/{done.json()['activities'][0]['programme_id']}",
                       headers=ADMIN_HEADERS, timeout=10).json()
    assert [(c["id"], c["name"]) for c in got["cities"]] == [(city, "Eldoret")]


def test_a_partner_imports_its_own_activities_only(platform):
    org = f"XM-P{uuid.uuid4().hex[:6].upper()}"
    key = requests.post(f"{platform}/v1/keys", json={"organisation": org, "role": "partner"}, headers=ADMIN_HEADERS,
                        timeout=10).json()["key"]
    partner = {"Authorization": f"Bearer {key}"}
    other = activity("XM-OTHER-1", "XM-OTHER")
    errors = refused(post(platform, document(activity(f"{org}-1", org), other), headers=partner))
    assert [(e["kind"], e["activity"], e["path"]) for e in errors] == [
        ("platform", "XM-OTHER-1", "/iati-activities/iati-activity[2]/reporting-org/@ref")]
    assert programmes_of(platform, org) == [] and programmes_of(platform, "XM-OTHER") == []
    done = post(platform, document(activity(f"{org}-1", org)), headers=partner)
    assert [a["outcome"] for a in done.json()["activities"]] == ["created"]
    # another organisation's programme as a parent is like a missing one: no link, nothing of it told
    theirs = post(platform, document(other)).json()["activities"][0]["programme_id"]
    child = activity(f"{org}-2", org, extra='<related-activity ref="XM-OTHER-1" type="1"/>')
    done = post(platform, document(child), headers=partner)
    assert done.status_code == 200 and theirs not in done.text
    assert any("neither in the platform nor in the document" in w for w in done.json()["activities"][0]["warnings"])


def test_xxe_and_entity_expansion_are_refused_unread(platform, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY s SYSTEM "file://{secret}">]>'
           '<iati-activities version="2.03"><iati-activity><iati-identifier>&s;</iati-identifier>'
           '</iati-activity></iati-activities>').encode()
    laughs = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
              + ']><iati-activities version="2.03"><iati-activity><iati-identifier>&i;</iati-identifier>'
              '</iati-activity></iati-activities>').encode()
    for body in (xxe, laughs):
        response = post(platform, body)
        errors = refused(response)
        assert "TOP-SECRET" not in response.text and "aaaaaaaaaa" not in response.text
        assert errors[0]["kind"] == "platform" and "DOCTYPE" in errors[0]["reason"]


def test_a_document_over_the_limit_is_413_before_parsing(platform):
    big = document(*(activity(f"XM-BIG-{n}", "XM-BIG") for n in range(200)))
    assert len(big) > MAX_BYTES
    response = post(platform, big)
    assert response.status_code == 413 and response.headers["Content-Type"] == "application/problem+json"
    assert "IATI_IMPORT_MAX_BYTES" in response.json()["detail"]


def test_a_body_that_is_not_xml_is_a_422_naming_the_body(platform):
    response = requests.post(f"{platform}/v1/iati/activities", json={"a": 1}, headers=ADMIN_HEADERS, timeout=10)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "_body"


def test_the_cli_imports_a_file_through_the_same_code_with_a_progress_bar(platform, tmp_path):
    org = f"XM-C{uuid.uuid4().hex[:6].upper()}"
    path = tmp_path / "activities.xml"
    path.write_bytes(document(*(activity(f"{org}-{n}", org) for n in range(3))))
    env = {**os.environ, "AMQP_URI": BROKERS[platform], "IATI_IMPORT_CHUNK": str(CHUNK), "PYTHONPATH": os.pathsep.join(
        str(ROOT / p) for p in ("", "services/programmes", "services/grants", "services/metrics", "services/gateway"))}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "gateway.cli", "import-iati", str(path), *args], env=env,
                              capture_output=True, text=True, timeout=120)

    dry = cli("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "100%" in dry.stderr and "MB" in dry.stderr
    assert [a["outcome"] for a in json.loads(dry.stdout)["activities"]] == ["created"] * 3
    assert programmes_of(platform, org) == []
    done = cli()
    assert done.returncode == 0, done.stderr
    assert len(programmes_of(platform, org)) == 3
    path.write_bytes((SAMPLES / "24-results.xml").read_bytes())
    bad = cli()
    assert bad.returncode == 1 and "codelist" in bad.stderr and "refused" in bad.stderr
