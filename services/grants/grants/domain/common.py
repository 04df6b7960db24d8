"""Money, identifiers, organisations and lifecycles: what every grants aggregate uses."""
from __future__ import annotations

import uuid
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from shared.bounds import MAX_MONEY
from shared.errors import Conflict, InvalidInput

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0000000001")
# No single amount above this, whatever the currency: catches misplaced decimal points.
AMOUNT_CEILING = MAX_MONEY

# IATI TransactionType codes.
INCOMING_COMMITMENT, INCOMING_FUNDS, OUTGOING_COMMITMENT, DISBURSEMENT = "11", "1", "2", "3"

DEFAULT_REPORT_NOTICE_DAYS = 14
DEFAULT_FINAL_REPORT_AFTER_DAYS = 365

Lifecycle = dict[str, dict[str, str]]
Payload = dict[str, Any]
Errors = dict[str, list[str]]


def new_id() -> str:
    return str(uuid.uuid4())


def money(value: Decimal | int | str) -> Decimal:
    """A Decimal quantized to the minor unit (2 places, banker's rounding)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN)


def fmt(amount: Decimal, currency: str) -> str:
    return f"{money(amount)} {currency}"


def same_organisation(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def check_transition(what: str, lifecycle: Lifecycle, status: str, action: str) -> None:
    """A transition not listed in `lifecycle` (status -> {action: status after}) is a 409
    naming the allowed ones."""
    allowed = sorted(lifecycle.get(status, {}))
    if action not in allowed:
        tail = "" if allowed else f"; nothing can be done to a {status} {what}"
        raise Conflict(f"cannot {action.replace('_', ' ')}: the {what} is {status}{tail}", allowed)


def check_ceiling(amount: Decimal, field_name: str, currency: str) -> None:
    if amount > AMOUNT_CEILING:
        raise InvalidInput({field_name: [f"must not exceed {AMOUNT_CEILING} {currency}"]})


def duplicates(values: list[str]) -> list[str]:
    """The values listed more than once, sorted."""
    return sorted({v for v in values if values.count(v) > 1})
