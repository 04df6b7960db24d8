"""The envelope and the payload contracts: what producers may write and consumers accept."""
import copy
import json
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from marshmallow import ValidationError, fields

from shared.errors import flatten_messages
from shared.events import CONTRACTS, contract_for, load_envelope, make_envelope, producer_of
from shared.events.contracts import contract
from shared.events.contracts.grants import EXAMPLES as GRANT_EXAMPLES
from shared.events.contracts.metrics import EXAMPLES as METRICS_EXAMPLES
from shared.events.contracts.programmes import EXAMPLES as PROGRAMME_EXAMPLES
from shared.events.schemas import StrictSchema

KAMPALA_TIME = timezone(timedelta(hours=3))
AWARDED = datetime(2020, 6, 30, 15, 0, tzinfo=KAMPALA_TIME)          # 12:00 UTC
RECORDED = datetime(2020, 5, 1, 9, 30, tzinfo=timezone.utc)

PAYLOADS = {
    "grant.awarded": {"grant_id": "g-1", "programme_id": "p-1", "recipient": "Jinja Municipal Council",
                      "amount": Decimal("1250000.05"), "currency": "USD", "awarded_at": AWARDED},
    "programme.created": {"programme_id": "p-1", "title": "Secondary cities", "funding_window": "global",
                          "themes": ["cities_migration"], "countries": ["UG", "KE"],
                          "cities": [{"name": "Jinja", "country": "UG"}, {"name": "Kisumu", "country": "KE"}],
                          "created_at": RECORDED},
    "result.recorded": {"result_id": "r-1", "programme_id": "p-1", "indicator": "people_reached",
                        "city": {"name": "Jinja", "country": "UG"}, "value": 1200, "recorded_at": RECORDED},
}
PAYLOADS.update(GRANT_EXAMPLES)  # one example per grants event, kept next to its contracts
PROGRAMME_CREATED_V1 = PAYLOADS["programme.created"]  # superseded by v2, still loadable
PAYLOADS.update(PROGRAMME_EXAMPLES)  # one example per programmes event (latest versions)
PAYLOADS.update(METRICS_EXAMPLES)  # one example per metrics event


def payload(event_type, **changes):
    data = copy.deepcopy(PAYLOADS[event_type])
    data.update(changes)
    return data


def wire(envelope) -> dict:
    """What travels: the message as JSON text, parsed again."""
    return json.loads(json.dumps(envelope.to_message()))


def bad_fields(exc_info) -> set:
    return set(flatten_messages(exc_info.value.messages))


def test_every_contract_has_an_example_here():
    assert {t for t, _ in CONTRACTS} == set(PAYLOADS)


# --- make_envelope ------------------------------------------------------------------

@pytest.mark.parametrize("event_type", sorted(PAYLOADS))
def test_make_envelope_wraps_a_valid_payload(event_type):
    before = datetime.now(timezone.utc)
    envelope = make_envelope(event_type, payload(event_type), producer=producer_of(event_type),
                             correlation_id="req-42")

    assert envelope.type == event_type and envelope.version == contract_for(event_type).version
    assert envelope.producer == CONTRACTS[(event_type, envelope.version)].producer
    assert envelope.correlation_id == "req-42"
    assert str(uuid.UUID(envelope.event_id)) == envelope.event_id
    assert before <= envelope.occurred_at <= datetime.now(timezone.utc)
    assert envelope.occurred_at.tzinfo == timezone.utc
    assert envelope.payload == PAYLOADS[event_type]


def test_each_envelope_gets_its_own_ids():
    a = make_envelope("result.recorded", payload("result.recorded"), producer="programmes")
    b = make_envelope("result.recorded", payload("result.recorded"), producer="programmes")
    assert a.event_id != b.event_id
    assert a.correlation_id != b.correlation_id and str(uuid.UUID(a.correlation_id)) == a.correlation_id


@pytest.mark.parametrize("event_type, changes, field", [
    ("result.recorded", {"note": "x"}, "note"),                                   # unknown field
    ("result.recorded", {"city": {"name": "Jinja", "country": "UG", "district": "x"}}, "city.district"),
    ("result.recorded", {"value": -1}, "value"),
    ("result.recorded", {"value": 5.7}, "value"),          # would be truncated to 5 by the wire form
    ("result.recorded", {"value": "12"}, "value"),
    ("result.recorded", {"value": True}, "value"),
    ("result.recorded", {"value": None}, "value"),
    ("result.recorded", {"recorded_at": "2020-05-01T09:30:00Z"}, "recorded_at"),   # a string, not a datetime
    ("result.recorded", {"city": "Jinja"}, "city"),
    ("result.recorded", {"city": {"name": "Jinja", "country": "ZZ"}}, "city.country"),
    ("programme.created", {"funding_window": "regional"}, "funding_window"),
    ("programme.created", {"countries": ["UG", "ZZ"]}, "countries.1"),
    ("programme.created", {"countries": "UG"}, "countries"),
    ("programme.created", {"status": "active"}, "status"),
    ("programme.created", {"budget": {"amount": 10.5, "currency": "USD"}}, "budget.amount"),
    ("result.revised", {"previous": None}, "previous"),
    ("result.approved", {"value": Decimal("-1")}, "value"),
    ("result.approved", {"disaggregations": {"sex": {"women": Decimal("1")}}}, "disaggregations.sex.women"),
    ("result.approved", {"period": {"start": datetime(2020, 1, 1).date(), "end": datetime(2019, 1, 1).date()}},
     "period.end"),
    ("grant.awarded", {"amount": 12.5}, "amount"),          # a float: money is never binary
    ("grant.awarded", {"amount": "12.5.0"}, "amount"),
    ("grant.awarded", {"currency": "XXY"}, "currency"),
])
def test_make_envelope_rejects_a_bad_payload_naming_the_field(event_type, changes, field):
    with pytest.raises(ValidationError) as caught:
        make_envelope(event_type, payload(event_type, **changes), producer=producer_of(event_type))
    assert bad_fields(caught) == {field}


def test_a_superseded_version_is_still_written_when_asked_for_and_read_as_the_latest():
    sent = make_envelope("programme.created", copy.deepcopy(PROGRAMME_CREATED_V1), producer="programmes",
                         version=1)
    got = load_envelope(wire(sent))
    assert sent.version == 1 and got.version == 2     # upcast: tests/unit/test_upcasting.py
    assert (got.event_id, got.payload["programme_id"]) == (sent.event_id, "p-1")


def test_make_envelope_names_every_missing_field():
    data = payload("grant.awarded")
    del data["amount"], data["awarded_at"]
    with pytest.raises(ValidationError) as caught:
        make_envelope("grant.awarded", data, producer="grants")
    assert bad_fields(caught) == {"amount", "awarded_at"}


def test_make_envelope_of_an_unknown_type():
    with pytest.raises(KeyError, match="no.such"):
        make_envelope("no.such", {}, producer="x")
    with pytest.raises(KeyError, match="version 2"):
        make_envelope("grant.awarded", payload("grant.awarded"), producer="grants", version=2)


# --- the wire round trip -------------------------------------------------------------

@pytest.mark.parametrize("event_type", sorted(PAYLOADS))
def test_round_trip_through_json_gives_back_the_same_envelope(event_type):
    sent = make_envelope(event_type, payload(event_type), producer=producer_of(event_type))
    assert load_envelope(wire(sent)) == sent


def test_money_stays_an_exact_decimal_and_times_are_utc():
    sent = make_envelope("grant.awarded", payload("grant.awarded"), producer="grants")
    message = wire(sent)
    assert message["payload"]["amount"] == "1250000.05"
    assert message["payload"]["awarded_at"] == "2020-06-30T12:00:00Z"
    assert message["occurred_at"].endswith("Z")

    got = load_envelope(message)
    assert got.payload["amount"] == Decimal("1250000.05") and isinstance(got.payload["amount"], Decimal)
    assert got.payload["awarded_at"] == AWARDED
    assert got.payload["awarded_at"].tzinfo == timezone.utc
    assert got.occurred_at == sent.occurred_at and got.occurred_at.tzinfo == timezone.utc


def test_an_offset_on_the_wire_is_converted_to_utc():
    message = wire(make_envelope("result.recorded", payload("result.recorded"), producer="programmes"))
    message["payload"]["recorded_at"] = "2020-05-01T12:30:00+03:00"
    got = load_envelope(message)
    assert got.payload["recorded_at"] == RECORDED and got.payload["recorded_at"].tzinfo == timezone.utc


# --- load_envelope -------------------------------------------------------------------

@pytest.fixture
def message():
    return wire(make_envelope("result.recorded", payload("result.recorded"), producer="programmes"))


@pytest.mark.parametrize("change, field", [
    (lambda m: m.pop("event_id"), "event_id"),
    (lambda m: m.update(event_id="not-a-uuid"), "event_id"),
    (lambda m: m.update(version="1"), "version"),
    (lambda m: m.update(version=0), "version"),
    (lambda m: m.update(occurred_at="2020-05-01T09:30:00"), "occurred_at"),   # no offset
    (lambda m: m.update(occurred_at="yesterday"), "occurred_at"),
    (lambda m: m.update(producer=""), "producer"),
    (lambda m: m.update(correlation_id="x" * 201), "correlation_id"),
    (lambda m: m.update(payload="{}"), "payload"),
])
def test_load_envelope_rejects_a_bad_envelope_naming_the_field(message, change, field):
    change(message)
    with pytest.raises(ValidationError) as caught:
        load_envelope(message)
    assert bad_fields(caught) == {field}


@pytest.mark.parametrize("change, field", [
    (lambda p: p.update(value=-3), "payload.value"),
    (lambda p: p.update(value="3"), "payload.value"),
    (lambda p: p.update(recorded_at="2020-05-01"), "payload.recorded_at"),
    (lambda p: p["city"].update(country="ZZ"), "payload.city.country"),
    (lambda p: p.pop("indicator"), "payload.indicator"),
])
def test_load_envelope_rejects_a_bad_payload_naming_the_field(message, change, field):
    change(message["payload"])
    with pytest.raises(ValidationError) as caught:
        load_envelope(message)
    assert bad_fields(caught) == {field}


def test_load_envelope_rejects_a_float_amount_on_the_wire():
    message = wire(make_envelope("grant.awarded", payload("grant.awarded"), producer="grants"))
    message["payload"]["amount"] = 1250000.05
    with pytest.raises(ValidationError) as caught:
        load_envelope(message)
    assert bad_fields(caught) == {"payload.amount"}


@pytest.mark.parametrize("event_type, version", [("grant.revoked", 1), ("grant.awarded", 7)])
def test_load_envelope_rejects_an_unknown_event_type_or_version(message, event_type, version):
    message.update(type=event_type, version=version)
    with pytest.raises(ValidationError) as caught:
        load_envelope(message)
    assert bad_fields(caught) == {"type"}
    assert event_type in caught.value.messages["type"][0]


@pytest.mark.parametrize("body", [None, [], "{}", 42])
def test_load_envelope_rejects_a_body_that_is_not_an_object(body):
    with pytest.raises(ValidationError) as caught:
        load_envelope(body)
    assert bad_fields(caught) == {"_schema"}


# --- the registry --------------------------------------------------------------------

def test_contract_for_without_version_is_the_latest_and_producers_are_known():
    assert contract_for("result.recorded") is CONTRACTS[("result.recorded", 1)]
    assert producer_of("grant.awarded") == "grants"
    assert producer_of("programme.created") == producer_of("result.recorded") == "programmes"


def test_a_contract_cannot_be_declared_twice():
    before = dict(CONTRACTS)

    class Again(StrictSchema):
        event_type, version, producer = "grant.awarded", 1, "grants"

    with pytest.raises(RuntimeError, match="declared twice"):
        contract(Again)
    assert CONTRACTS == before


def test_a_contract_may_name_its_identity_in_the_decorator():
    before = dict(CONTRACTS)

    class WithVersionField(StrictSchema):
        version = fields.Integer(required=True)   # a payload field named like the class attribute

    try:
        @contract("test.named", 1, producer="tests")
        class Named(WithVersionField):
            pass

        assert contract_for("test.named") is Named and producer_of("test.named") == "tests"
        assert (Named.event_type, Named.version) == ("test.named", 1)
        assert Named().load({"version": 7}) == {"version": 7}   # the field is still there
        with pytest.raises(RuntimeError, match="declared twice"):
            contract("test.named", 1, producer="tests")(WithVersionField)
        assert not hasattr(WithVersionField, "event_type")
    finally:
        CONTRACTS.clear()
        CONTRACTS.update(before)
