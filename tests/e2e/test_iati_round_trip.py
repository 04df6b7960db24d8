"""The IATI round trip on two whole platforms (SQLite and PostgreSQL): the rich portfolio's
export from platform A, imported into an empty platform B (dry run, then real) and exported
again, is the same document element for element; importing it into B again changes nothing.
IATI's example activity imports into B and its export validates, passes shared.iati.checks
and is itself stable (docs/iati.md, "Round trip"). The invalid samples are refused naming
their element in tests/e2e/test_iati_import.py
(test_a_document_against_the_schema_is_refused_naming_element_and_line)."""
import difflib

import pytest
import requests
from lxml import etree

from shared.iati.checks import check_activity
from shared.iati.schema import safe_parser, validation_errors
from tests.e2e.conftest import ADMIN_HEADERS, running_platform
from tests.iati_documents import SAMPLES
from tests.iati_portfolio import rich_portfolio

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

XML = {"Content-Type": "application/xml"}
EXAMPLE_ORG = "AA-AAA-123456789"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def backend(request):
    return request.param


def _platform(request, backend, vhost_factory, postgres_database_factory, tmp_path_factory):
    return running_platform(backend, vhost_factory, postgres_database_factory, tmp_path_factory,
                            session=request.session)


@pytest.fixture(scope="module")
def platform(request, backend, vhost_factory, postgres_database_factory, tmp_path_factory):
    with _platform(request, backend, vhost_factory, postgres_database_factory, tmp_path_factory) as base:
        yield base


@pytest.fixture(scope="module")
def empty(request, backend, vhost_factory, postgres_database_factory, tmp_path_factory):
    """Platform B: its own broker and databases, nothing in them."""
    with _platform(request, backend, vhost_factory, postgres_database_factory, tmp_path_factory) as base:
        yield base


def export(base, organisation):
    response = requests.get(f"{base}/v1/iati/activities.xml", params={"organisation": organisation},
                            headers=ADMIN_HEADERS, timeout=60)
    assert response.status_code == 200, response.text
    assert validation_errors(etree.fromstring(response.content, safe_parser()), "activities") == []
    return response.content


def imported(base, body, *, dry_run=False):
    response = requests.post(f"{base}/v1/iati/activities" + ("?dry_run=true" if dry_run else ""), data=body,
                             headers={**ADMIN_HEADERS, **XML}, timeout=120)
    assert response.status_code == 200, response.text
    return {a["iati_identifier"]: a["outcome"] for a in response.json()["activities"]}


def canonical(body):
    """The document as lines `path: attributes text`, in document order. Dropped, and only
    these: the generated and last-updated datetimes (when each platform wrote the document and
    last changed its record; docs/iati.md, "Round trip")."""
    doc = etree.fromstring(body, safe_parser())
    doc.attrib.pop("generated-datetime")
    for activity in doc.findall("iati-activity"):
        activity.attrib.pop("last-updated-datetime")
    tree = etree.ElementTree(doc)
    return [f"{tree.getpath(el)}: {sorted(el.attrib.items())} {(el.text or '').strip()}" for el in doc.iter()]


@pytest.fixture(scope="module")
def trip(platform, empty):
    world = rich_portfolio(platform)
    org = world["org"]["ref"]
    first = export(platform, org)
    return {"world": world, "org": org, "first": first,
            "dry": imported(empty, first, dry_run=True), "programmes_after_dry_run": _count(empty, org),
            "real": imported(empty, first), "second": export(empty, org)}


def _count(base, organisation):
    return len(requests.get(f"{base}/v1/programmes", params={"organisation": organisation},
                            headers=ADMIN_HEADERS, timeout=10).json()["items"])


def test_a_dry_run_into_an_empty_platform_creates_everything_and_writes_nothing(trip):
    world = trip["world"]
    own = {p["iati_identifier"] for p in [world["jwp"], *world["projects"], world["pipeline"]]}
    assert trip["dry"] == dict.fromkeys(own, "created")
    assert trip["programmes_after_dry_run"] == 0
    assert trip["real"] == dict.fromkeys(own, "created")


def test_export_import_export_gives_the_same_document(trip):
    first, second = canonical(trip["first"]), canonical(trip["second"])
    assert "transaction" in " ".join(first) and "dimension" in " ".join(first)   # the rich parts are there
    assert second == first, "\n".join(difflib.unified_diff(first, second, "A", "B", lineterm=""))


def _kinds(base, org):
    [jwp] = [p for p in requests.get(f"{base}/v1/programmes", params={"organisation": org, "q": "Joint work"},
                                     headers=ADMIN_HEADERS, timeout=10).json()["items"]]
    items = requests.get(f"{base}/v1/programmes/{jwp['id']}/indicators", headers=ADMIN_HEADERS, timeout=10).json()
    return {i["code"]: (i["measure"], i["reporting"], i["rollup"], i["scale"]) for i in items["items"]}


def test_indicator_kinds_reporting_rules_and_scales_are_carried_across(trip, platform, empty):
    kinds = _kinds(platform, trip["org"])
    assert kinds["satisfaction"] == ("qualitative", "per_period", "max", {"min": 0, "max": 10})
    assert kinds["women_led"][0] == "percentage" and kinds["connections"][1:3] == ("cumulative", "latest")
    assert _kinds(empty, trip["org"]) == kinds


def test_importing_the_same_document_again_changes_nothing(trip, empty):
    again = imported(empty, trip["first"])
    assert set(again.values()) == {"unchanged"}
    third = export(empty, trip["org"])
    strip = etree.fromstring(third, safe_parser())
    strip.attrib.pop("generated-datetime")
    before = etree.fromstring(trip["second"], safe_parser())
    before.attrib.pop("generated-datetime")
    assert etree.tostring(strip) == etree.tostring(before)   # last-updated-datetime included: nothing moved


def test_the_iati_example_imports_and_its_export_is_valid_and_stable(empty):
    example = (SAMPLES / "activity-standard-example-annotated.xml").read_bytes()
    assert imported(empty, example) == {"AA-AAA-123456789-ABC123": "created"}
    first = export(empty, EXAMPLE_ORG)
    [activity] = etree.fromstring(first, safe_parser()).findall("iati-activity")
    assert check_activity(activity) == []
    # what the platform kept of it makes the trip too: its own export reads back unchanged
    assert imported(empty, first) == {"AA-AAA-123456789-ABC123": "unchanged"}
    assert canonical(export(empty, EXAMPLE_ORG)) == canonical(first)


def _without_comments(body):
    doc = etree.fromstring(body, safe_parser())
    for comment in doc.iter("comment"):
        comment.getparent().remove(comment)
    return canonical(etree.tostring(doc))


def test_indicator_narratives_go_out_as_comments_of_approved_actuals_and_the_import_ignores_them(
        trip, platform, empty):
    """Runs after the trip: narratives written on A now, the import into B takes the new export unchanged."""
    from tests.iati_portfolio import LATER, PERIOD
    partner, jwp, org = trip["world"]["partner"], trip["world"]["jwp"], trip["org"]
    texts = {"approved": "Drains cleared in Jinja & Kisumu;\nmore to come.", "pending": "Figures under review.",
             "section": "Rains delayed the works."}
    for subject, period, text in (({"indicator": "people_reached"}, PERIOD, texts["approved"]),
                                  ({"indicator": "people_reached"}, LATER, texts["pending"]),
                                  ({"category": "challenges"}, PERIOD, texts["section"])):
        partner.ok(partner.post(f"/v1/programmes/{jwp['id']}/narratives", {"period": period, "text": text,
                                                                           **subject}), 201)
    body = export(platform, org)
    [a] = etree.fromstring(body, safe_parser()).xpath("iati-activity[iati-identifier=$ref]",
                                                      ref=jwp["iati_identifier"])
    assert check_activity(a) == []
    # one comment: the unapproved period's narrative waits for its figures, a report section has no place
    assert [c.findtext("narrative") for c in a.iter("comment")] == [texts["approved"]]
    [actual] = a.xpath("result/indicator[reference/@code='people_reached']/period[period-start/@iso-date=$start]"
                       "/actual[comment]", start=PERIOD["start"])
    assert actual.get("value") == "1500"   # the approved total of the period it tells about
    assert imported(empty, body) == dict.fromkeys(trip["real"], "unchanged")   # ignored: no error, no change
    assert canonical(export(empty, org)) == _without_comments(body)
