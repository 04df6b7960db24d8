"""The grants domain, free of frameworks and databases."""
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shared.errors import InvalidInput

# No single grant above this, whatever the currency: catches misplaced decimal points.
AMOUNT_CEILING = Decimal("1000000000")


@dataclass
class Grant:
    id: str
    programme_id: str
    recipient: str
    amount: Decimal
    currency: str
    awarded_at: datetime

    @classmethod
    def award(cls, *, programme_id: str, recipient: str, amount: dict, now: datetime) -> "Grant":
        if amount["amount"] > AMOUNT_CEILING:
            raise InvalidInput({"amount.amount": [f"must not exceed {AMOUNT_CEILING}"]})
        return cls(id=str(uuid.uuid4()), programme_id=programme_id, recipient=recipient.strip(),
                   amount=amount["amount"], currency=amount["currency"], awarded_at=now)
