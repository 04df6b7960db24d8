"""Domain errors: flat field paths, and surviving nameko's RPC error serialisation."""
import inspect
import json

import pytest
from marshmallow import Schema, fields
from marshmallow import validate as validators
from nameko.exceptions import RemoteError, deserialize, registry, serialize

from shared import errors
from shared.errors import (
    Conflict,
    DeadlineExceeded,
    Forbidden,
    InvalidInput,
    NotFound,
    PeriodLocked,
    PlatformError,
    SeparationOfDuties,
    ServiceUnavailable,
    flatten_messages,
    validate,
)

# --- flatten_messages ----------------------------------------------------------------

@pytest.mark.parametrize("messages, flat", [
    ({"title": ["must not be blank"]}, {"title": ["must not be blank"]}),
    ({"cities": {0: {"country": ["unknown"]}, 2: {"name": ["blank"]}}},
     {"cities.0.country": ["unknown"], "cities.2.name": ["blank"]}),
    ({"countries": {1: ["unknown 'ZZ'"]}}, {"countries.1": ["unknown 'ZZ'"]}),
    ({"_schema": ["the body must be a JSON object"]}, {"_schema": ["the body must be a JSON object"]}),
    ({"amount": {"_schema": ["Invalid input type."], "amount": ["must be greater than 0"]}},
     {"amount": ["Invalid input type."], "amount.amount": ["must be greater than 0"]}),
    ({"payload": {"city": {"_schema": ["a", "b"]}}}, {"payload.city": ["a", "b"]}),
    (["one", "two"], {"_schema": ["one", "two"]}),
    ("just a message", {"_schema": ["just a message"]}),
    ({"value": "not in a list"}, {"value": ["not in a list"]}),
    ({}, {}),
])
def test_flatten_messages(messages, flat):
    assert flatten_messages(messages) == flat


def test_flatten_messages_with_a_prefix_and_a_list_of_dicts():
    assert flatten_messages([{"name": ["blank"]}, {"country": ["unknown"]}], "cities") == {
        "cities.0.name": ["blank"], "cities.1.country": ["unknown"]}


class Item(Schema):
    name = fields.String(required=True, validate=validators.Length(min=1))


class Order(Schema):
    items = fields.List(fields.Nested(Item), required=True)
    count = fields.Integer(required=True, strict=True)


def test_validate_flattens_marshmallows_errors_into_invalid_input():
    with pytest.raises(InvalidInput) as caught:
        validate(Order(), {"items": [{"name": "a"}, {"name": ""}], "count": "3"})
    assert set(caught.value.errors) == {"items.1.name", "count"}


def test_validate_returns_the_loaded_data_and_refuses_a_non_object():
    assert validate(Order(), {"items": [{"name": "a"}], "count": 1}) == {"items": [{"name": "a"}], "count": 1}
    with pytest.raises(InvalidInput) as caught:
        validate(Order(), [1, 2])
    assert set(caught.value.errors) == {"_schema"}


def test_validate_partial_skips_missing_required_fields():
    assert validate(Order(), {"count": 2}, partial=True) == {"count": 2}


# --- the RPC round trip --------------------------------------------------------------

EXAMPLES = [
    InvalidInput({"amount.amount": ["must be greater than 0"], "cities.1": ["listed twice"]}),
    InvalidInput({"title": ["must not be blank"]}, "Fix the title."),
    NotFound("programme", "p-404"),
    Conflict("the grant is already closed", ["reopen", "archive"]),
    Conflict("the programme is archived"),
    PeriodLocked("the reporting period 2020-01-01/2020-06-30 is locked since 2020-08-30", ["an admin reopens it"]),
    Forbidden("only admins approve results"),
    SeparationOfDuties("the key that submitted version 1 may not approve it"),
    ServiceUnavailable("the grants service is not available"),
    DeadlineExceeded("the metrics service did not answer within 2s"),
]
ATTRIBUTES = ("args", "title", "detail", "errors", "message", "resource", "identifier", "allowed")


def over_the_wire(exc):
    """What nameko does between a service raising `exc` and the caller: serialize,
    send as JSON, deserialize."""
    return deserialize(json.loads(json.dumps(serialize(exc))))


def test_every_error_class_has_an_example_here():
    classes = {cls for _, cls in inspect.getmembers(errors, inspect.isclass)
               if issubclass(cls, PlatformError) and cls is not PlatformError}
    assert classes == {type(e) for e in EXAMPLES}


@pytest.mark.parametrize("exc", EXAMPLES, ids=lambda e: type(e).__name__)
def test_an_error_survives_nameko_serialisation_as_the_same_class(exc):
    back = over_the_wire(exc)

    assert type(back) is type(exc)
    for name in ATTRIBUTES:
        assert getattr(back, name, None) == getattr(exc, name, None), name
    assert str(back) == str(exc)


@pytest.mark.parametrize("exc", EXAMPLES, ids=lambda e: type(e).__name__)
def test_each_error_class_is_registered_for_deserialisation(exc):
    assert type(exc) in registry.values()


def test_details_read_as_sentences():
    assert NotFound("grant", "g-1").detail == "grant 'g-1' does not exist"
    assert Conflict("closed", ["reopen", "archive"]).detail == "closed (allowed: reopen, archive)"
    assert Conflict("closed").detail == "closed"
    assert InvalidInput({"a": ["b"]}).detail == "The request has invalid fields."
    assert ServiceUnavailable("down").detail == "down"
    assert DeadlineExceeded().detail == "Deadline exceeded"


def test_an_unregistered_error_arrives_as_a_remote_error():
    class Unlisted(NotFound):
        pass

    back = over_the_wire(Unlisted("plan", "x"))
    assert isinstance(back, RemoteError) and back.exc_type == "Unlisted"
