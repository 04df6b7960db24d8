"""The grants domain. (Named test_grants_*: with pytest's default import mode, test
modules in directories without __init__.py need unique basenames across services.)"""
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from grants.domain import AMOUNT_CEILING, Grant
from shared.errors import InvalidInput

NOW = datetime(2020, 6, 30, 12, 0, tzinfo=timezone.utc)


def award(amount, currency="USD", recipient="Jinja Municipal Council"):
    return Grant.award(programme_id="p-1", recipient=recipient,
                       amount={"amount": amount, "currency": currency}, now=NOW)


def test_award_keeps_amount_and_currency_and_trims_the_recipient():
    grant = award(Decimal("250000.50"), "EUR", recipient="  Jinja Municipal Council ")
    assert (grant.programme_id, grant.recipient, grant.amount, grant.currency, grant.awarded_at) == (
        "p-1", "Jinja Municipal Council", Decimal("250000.50"), "EUR", NOW)
    assert str(uuid.UUID(grant.id)) == grant.id


def test_the_ceiling_itself_is_allowed():
    assert AMOUNT_CEILING == Decimal("1000000000")
    assert award(AMOUNT_CEILING).amount == AMOUNT_CEILING


@pytest.mark.parametrize("amount", [AMOUNT_CEILING + Decimal("0.01"), AMOUNT_CEILING * 10])
def test_an_amount_above_the_ceiling_is_refused(amount):
    with pytest.raises(InvalidInput) as caught:
        award(amount)
    assert set(caught.value.errors) == {"amount.amount"}
    assert str(AMOUNT_CEILING) in caught.value.errors["amount.amount"][0]
