"""Use cases of the grants service against an in-memory unit of work (conftest.py)."""
import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from grants import handlers
from shared.errors import InvalidInput, NotFound


def grant_input(amount="1250.50", currency="USD", **changes):
    data = {"programme_id": "p-1", "recipient": "Jinja Municipal Council",
            "amount": {"amount": amount, "currency": currency}}
    data.update(changes)
    return data


def test_award_commits_and_emits_exactly_one_grant_awarded(uow):
    before = datetime.now(timezone.utc)
    view = handlers.award_grant(uow, grant_input("1250.50", "EUR"))

    assert uow.committed and uow.commits == 1
    assert [e.type for e in uow.outbox] == ["grant.awarded"]
    event = uow.outbox[0]
    assert event.producer == "grants"
    assert event.payload == {"grant_id": view["id"], "programme_id": "p-1",
                             "recipient": "Jinja Municipal Council", "amount": Decimal("1250.50"),
                             "currency": "EUR", "awarded_at": event.payload["awarded_at"]}
    assert before <= event.payload["awarded_at"] <= datetime.now(timezone.utc)
    # On the wire the amount stays an exact decimal string.
    assert event.to_message()["payload"]["amount"] == "1250.50"

    assert view["amount"] == {"amount": "1250.50", "currency": "EUR"}
    assert view["recipient"] == "Jinja Municipal Council" and view["programme_id"] == "p-1"
    assert datetime.fromisoformat(view["awarded_at"].replace("Z", "+00:00")) == event.payload["awarded_at"]


def test_the_grant_is_readable_after_award(uow):
    view = handlers.award_grant(uow, grant_input(recipient="  Kisumu County  "))
    assert handlers.get_grant(uow, view["id"]) == view
    assert view["recipient"] == "Kisumu County"


def test_a_whole_number_json_amount_is_accepted_exactly(uow):
    view = handlers.award_grant(uow, json.loads(
        '{"programme_id": "p-1", "recipient": "R", "amount": {"amount": 5000, "currency": "USD"}}'))
    assert uow.outbox[0].payload["amount"] == Decimal(5000)
    assert view["amount"]["amount"] == "5000"


def test_the_ceiling_is_accepted(uow):
    handlers.award_grant(uow, grant_input("1000000000.00"))
    assert uow.outbox[0].payload["amount"] == Decimal("1000000000")


@pytest.mark.parametrize("amount, currency, field", [
    ("0", "USD", "amount.amount"),
    ("0.00", "USD", "amount.amount"),
    ("-5.00", "USD", "amount.amount"),
    ("twelve", "USD", "amount.amount"),
    ("12,50", "USD", "amount.amount"),
    ("", "USD", "amount.amount"),
    ("NaN", "USD", "amount.amount"),
    ("Infinity", "USD", "amount.amount"),
    (12.5, "USD", "amount.amount"),             # a float, even an exact one
    (True, "USD", "amount.amount"),
    ("12.345", "USD", "amount.amount"),         # more than two decimal places
    ("0.001", "USD", "amount.amount"),
    ("1000000000.01", "USD", "amount.amount"),  # above the ceiling
    ("100.00", "XXY", "amount.currency"),       # not an ISO 4217 code
    ("100.00", "usd", "amount.currency"),
])
def test_a_bad_amount_names_the_field_and_changes_nothing(uow, amount, currency, field):
    with pytest.raises(InvalidInput) as caught:
        handlers.award_grant(uow, grant_input(amount, currency))

    assert set(caught.value.errors) == {field}
    assert not uow.committed and uow.commits == 0 and uow.outbox == [] and uow.grants.grants == {}


def test_a_float_sent_as_a_json_number_is_refused(uow):
    data = json.loads('{"programme_id": "p-1", "recipient": "R", "amount": {"amount": 12.5, "currency": "USD"}}')
    assert isinstance(data["amount"]["amount"], float)
    with pytest.raises(InvalidInput) as caught:
        handlers.award_grant(uow, data)
    assert set(caught.value.errors) == {"amount.amount"}
    assert "string" in caught.value.errors["amount.amount"][0]


def test_the_currency_message_names_the_code(uow):
    with pytest.raises(InvalidInput) as caught:
        handlers.award_grant(uow, grant_input("10.00", "XXY"))
    assert "'XXY'" in caught.value.errors["amount.currency"][0]


@pytest.mark.parametrize("data, fields", [
    ({"programme_id": "p-1", "recipient": "R"}, {"amount"}),
    ({"programme_id": "p-1", "recipient": "R", "amount": {"amount": "1.00"}}, {"amount.currency"}),
    ({"programme_id": "p-1", "recipient": "R", "amount": "1.00 USD"}, {"amount"}),
    ({"programme_id": "p-1", "recipient": "   ", "amount": {"amount": "1.00", "currency": "USD"}}, {"recipient"}),
    ({"recipient": "R", "amount": {"amount": "1.00", "currency": "USD", "fx": "1"}},
     {"programme_id", "amount.fx"}),
])
def test_missing_or_malformed_fields_are_named(uow, data, fields):
    with pytest.raises(InvalidInput) as caught:
        handlers.award_grant(uow, data)
    assert set(caught.value.errors) == fields
    assert uow.outbox == []


def test_get_an_unknown_grant_is_not_found(uow):
    with pytest.raises(NotFound) as caught:
        handlers.get_grant(uow, "g-404")
    assert (caught.value.resource, caught.value.identifier) == ("grant", "g-404")
