"""The receiving side: unknown fields ignored at every depth (producers still refuse them), and
superseded versions upcast so handlers only see the latest version."""
import copy
import json
from datetime import date, datetime, timezone

import pytest
from marshmallow import ValidationError, fields

from shared.errors import flatten_messages
from shared.events import CONTRACTS, load_envelope, make_envelope
from shared.events.contracts import contract
from shared.events.contracts.programmes import EXAMPLES
from shared.events.schemas import StrictSchema
from shared.events.upcasting import UPCASTERS, upcaster

AT = datetime(2020, 5, 1, 9, 30, tzinfo=timezone.utc)
V1 = {"programme_id": "p-1", "title": "Secondary cities", "funding_window": "global", "themes": ["cities_migration"],
      "countries": ["UG"], "cities": [{"name": "Jinja", "country": "UG"}], "created_at": AT}


def wire(envelope) -> dict:
    return json.loads(json.dumps(envelope.to_message()))


def newer(message: dict) -> dict:
    """What a newer producer release adds: an envelope field, payload fields at every depth."""
    message = copy.deepcopy(message)
    message["trace_parent"] = "00-abc-01"
    message["payload"]["channel"] = "web"
    message["payload"]["indicator"]["unit_label"] = "people"
    message["payload"]["disaggregations"]["sex"]["other"] = "3"
    return message


def test_a_consumer_ignores_unknown_fields_in_the_envelope_and_at_every_depth_of_the_payload():
    sent = make_envelope("result.approved", copy.deepcopy(EXAMPLES["result.approved"]), producer="programmes")
    got = load_envelope(newer(wire(sent)))
    assert got == sent
    assert "channel" not in got.payload and "unit_label" not in got.payload["indicator"]


def test_unknown_fields_still_do_not_hide_a_bad_known_one():
    message = newer(wire(make_envelope("result.approved", copy.deepcopy(EXAMPLES["result.approved"]),
                                       producer="programmes")))
    message["payload"]["indicator"]["corporate"] = "maybe"
    with pytest.raises(ValidationError) as caught:
        load_envelope(message)
    assert set(flatten_messages(caught.value.messages)) == {"payload.indicator.corporate"}


def test_producers_keep_refusing_unknown_fields_after_a_tolerant_read():
    load_envelope(newer(wire(make_envelope("result.approved", copy.deepcopy(EXAMPLES["result.approved"]),
                                           producer="programmes"))))
    data = copy.deepcopy(EXAMPLES["result.approved"])
    data["indicator"]["unit_label"] = "people"
    data["channel"] = "web"
    with pytest.raises(ValidationError) as caught:
        make_envelope("result.approved", data, producer="programmes")
    assert set(flatten_messages(caught.value.messages)) == {"channel", "indicator.unit_label"}


def test_programme_created_v1_still_queued_is_read_as_v2_with_the_values_of_migration_0002():
    got = load_envelope(wire(make_envelope("programme.created", copy.deepcopy(V1), producer="programmes",
                                           version=1)))
    p = got.payload
    assert got.version == 2 and set(p) == set(EXAMPLES["programme.created"])
    assert (p["programme_id"], p["title"], p["funding_window"], p["themes"]) == (
        "p-1", "Secondary cities", "global", ["cities_migration"])
    assert (p["iati_identifier"], p["reporting_org"]["ref"], p["instrument"]) == (
        "LEGACY-p-1", "LEGACY", "joint_work_programme")
    assert (p["status"], p["status_code"], p["version"], p["updated_at"]) == ("implementation", "2", 1, AT)
    assert p["cities"] == [{"id": "UG:Jinja", "name": "Jinja", "country": "UG", "population": None,
                            "secondary_city": True, "latitude": None, "longitude": None}]
    assert p["dates"]["actual_start"] == date(2020, 5, 1)


def test_every_superseded_version_has_an_upcaster_to_the_next():
    latest = {}
    for event_type, version in CONTRACTS:
        latest[event_type] = max(version, latest.get(event_type, 0))
    missing = [(t, v) for t, v in CONTRACTS if v < latest[t] and (t, v) not in UPCASTERS]
    assert missing == []


@pytest.fixture
def three_versions():
    """A test-only event type with versions 1-3: v2 renamed `n` to `count`, v3 added a required `unit`."""
    before, upcasters_before = dict(CONTRACTS), dict(UPCASTERS)

    @contract("test.counted", 1, producer="tests")
    class V1(StrictSchema):
        n = fields.Integer(required=True)

    @contract("test.counted", 2, producer="tests")
    class V2(StrictSchema):
        count = fields.Integer(required=True)

    @contract("test.counted", 3, producer="tests")
    class V3(StrictSchema):
        count = fields.Integer(required=True)
        unit = fields.String(required=True)

    upcaster("test.counted", from_version=1)(lambda p: {"count": p["n"]})
    upcaster("test.counted", from_version=2)(lambda p: {**p, "unit": "item"})
    yield
    CONTRACTS.clear()
    CONTRACTS.update(before)
    UPCASTERS.clear()
    UPCASTERS.update(upcasters_before)


@pytest.mark.parametrize("version, payload", [(1, {"n": 4}), (2, {"count": 4}), (3, {"count": 4, "unit": "item"})])
def test_upcasters_chain_every_version_to_the_latest(three_versions, version, payload):
    sent = make_envelope("test.counted", payload, producer="tests", version=version)
    message = wire(sent)
    message["payload"]["later"] = True       # unknown to every version: dropped before upcasting
    got = load_envelope(message)
    assert (got.version, got.payload) == (3, {"count": 4, "unit": "item"})


def test_an_old_payload_is_checked_against_its_own_version(three_versions):
    message = wire(make_envelope("test.counted", {"n": 4}, producer="tests", version=1))
    message["payload"]["n"] = "four"
    with pytest.raises(ValidationError) as caught:
        load_envelope(message)
    assert set(flatten_messages(caught.value.messages)) == {"payload.n"}


def test_an_upcaster_is_declared_once_and_only_between_known_versions(three_versions):
    with pytest.raises(RuntimeError, match="declared twice"):
        upcaster("test.counted", from_version=1)(lambda p: p)
    with pytest.raises(RuntimeError, match="no contract v4"):
        upcaster("test.counted", from_version=3)(lambda p: p)
