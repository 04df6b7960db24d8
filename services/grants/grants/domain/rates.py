"""Exchange rates and conversion into a fund's currency."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from grants.domain.common import RATE_PLACES, money
from shared.errors import InvalidInput

# Rates are stored with 10 places below 10**8 (ExactDecimal(18, 10)): the API bounds a loaded
# rate to at most 1,000,000, so only the inverse of a rate below 1e-8 could exceed it.
RATE_CEILING = Decimal(10) ** 8


@dataclass(frozen=True)
class Rate:
    from_currency: str
    to_currency: str
    effective_date: date
    rate: Decimal


LatestRate = Callable[[str, str, date], "Rate | None"]
Converter = Callable[[Decimal, str, str, date], tuple[Decimal, Decimal]]


def convert(amount: Decimal, currency: str, to_currency: str, value_date: date, latest_rate: LatestRate, *,
            field_name: str = "amount.currency") -> tuple[Decimal, Decimal]:
    """(amount in `to_currency`, rate used). `latest_rate(from, to, on)` gives the latest Rate
    effective on or before `on`, or None. An inverse rate counts when it is the more recent."""
    if currency == to_currency:
        return money(amount), Decimal(1)
    direct = latest_rate(currency, to_currency, value_date)
    inverse = latest_rate(to_currency, currency, value_date)
    if direct is not None and (inverse is None or direct.effective_date >= inverse.effective_date):
        rate = direct.rate
    elif inverse is not None:
        rate = (Decimal(1) / inverse.rate).quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)
        if rate >= RATE_CEILING:
            raise InvalidInput({field_name: [
                f"the inverse of the {to_currency}->{currency} rate {inverse.rate} is too large; "
                f"load a {currency}->{to_currency} rate with POST /v1/rates"]})
    else:
        raise InvalidInput({field_name: [
            f"no {currency}->{to_currency} exchange rate effective on or before {value_date.isoformat()}; "
            f"load one with POST /v1/rates"]}, "A needed exchange rate is missing.")
    return money(amount * rate), rate
