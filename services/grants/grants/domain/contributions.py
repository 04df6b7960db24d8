"""Contributions: a partner's pledge to a fund (IATI 11) and the money received on it (IATI 1),
in any currency with a rate, counted in the fund's currency."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from grants.domain.common import (
    INCOMING_COMMITMENT,
    INCOMING_FUNDS,
    Lifecycle,
    Payload,
    check_ceiling,
    check_transition,
    fmt,
    money,
    new_id,
)
from grants.domain.funds import Fund, LedgerEntry
from grants.domain.rates import Converter
from shared.aggregate import EventsMixin
from shared.errors import InvalidInput

CONTRIBUTION_LIFECYCLE: Lifecycle = {
    "pledged": {"receive": "partly_received|received"},
    "partly_received": {"receive": "partly_received|received"},
    "received": {},
}


@dataclass
class Receipt:
    id: str
    original_amount: Decimal
    amount: Decimal
    exchange_rate: Decimal
    value_date: date
    received_at: datetime


@dataclass
class Contribution(EventsMixin):
    id: str
    fund_id: str
    contributor: str
    contributor_type: str | None
    original_amount: Decimal
    original_currency: str
    amount: Decimal            # the pledge in the fund's currency, at the pledge's value date
    currency: str
    exchange_rate: Decimal
    value_date: date
    status: str
    pledged_at: datetime
    updated_at: datetime
    receipts: list[Receipt] = field(default_factory=list)

    @classmethod
    def pledge(cls, fund: Fund, *, contributor: str, contributor_type: str | None, amount: Payload,
               value_date: date, convert_fn: Converter, now: datetime) -> tuple[Contribution, LedgerEntry]:
        """`convert_fn(amount, currency, to_currency, value_date)` -> (converted, rate)."""
        converted, rate = convert_fn(amount["amount"], amount["currency"], fund.currency, value_date)
        check_ceiling(converted, "amount.amount", fund.currency)
        contribution = cls(
            id=new_id(), fund_id=fund.id, contributor=contributor.strip(), contributor_type=contributor_type,
            original_amount=money(amount["amount"]), original_currency=amount["currency"], amount=converted,
            currency=fund.currency, exchange_rate=rate, value_date=value_date, status="pledged",
            pledged_at=now, updated_at=now)
        entry = fund.post(INCOMING_COMMITMENT, converted, now=now, value_date=value_date,
                          original_amount=contribution.original_amount, original_currency=amount["currency"],
                          exchange_rate=rate, description=f"pledge by {contribution.contributor}",
                          contribution_id=contribution.id)
        contribution.record("contribution.pledged", {
            **contribution._money_context(fund), "amount": contribution.amount,
            "original_amount": contribution.original_amount, "exchange_rate": contribution.exchange_rate,
            "value_date": contribution.value_date, "transaction_type": INCOMING_COMMITMENT,
            "status": contribution.status, "pledged_at": now})
        return contribution, entry

    def _money_context(self, fund: Fund) -> Payload:
        return {**fund.context(), "contribution_id": self.id, "contributor": self.contributor,
                "contributor_type": self.contributor_type, "currency": fund.currency,
                "original_currency": self.original_currency, "fund_balance": fund.balance.as_dict()}

    @property
    def received_original(self) -> Decimal:
        return money(sum((r.original_amount for r in self.receipts), Decimal(0)))

    @property
    def received_total(self) -> Decimal:
        return money(sum((r.amount for r in self.receipts), Decimal(0)))

    @property
    def outstanding_original(self) -> Decimal:
        return money(self.original_amount - self.received_original)

    def receive(self, fund: Fund, *, amount: Decimal | None, value_date: date, convert_fn: Converter,
                now: datetime) -> tuple[Receipt, LedgerEntry]:
        check_transition("contribution", CONTRIBUTION_LIFECYCLE, self.status, "receive")
        amount = self.outstanding_original if amount is None else money(amount)
        if amount > self.outstanding_original:
            raise InvalidInput({"amount": [
                f"exceeds what is still to come on this pledge "
                f"({fmt(self.outstanding_original, self.original_currency)})"]})
        converted, rate = convert_fn(amount, self.original_currency, fund.currency, value_date)
        receipt = Receipt(id=new_id(), original_amount=amount, amount=converted, exchange_rate=rate,
                          value_date=value_date, received_at=now)
        entry = fund.post(INCOMING_FUNDS, converted, now=now, value_date=value_date, original_amount=amount,
                          original_currency=self.original_currency, exchange_rate=rate,
                          description=f"funds received from {self.contributor}", contribution_id=self.id)
        previous = self.status
        self.receipts.append(receipt)
        self.status = "received" if self.outstanding_original == 0 else "partly_received"
        self.updated_at = now
        self.record("contribution.received", {
            **self._money_context(fund), "receipt_id": receipt.id, "amount": receipt.amount,
            "original_amount": receipt.original_amount, "exchange_rate": receipt.exchange_rate,
            "value_date": receipt.value_date, "transaction_type": INCOMING_FUNDS,
            "previous_status": previous, "status": self.status, "received_total": self.received_total,
            "outstanding_original": self.outstanding_original, "received_at": now})
        return receipt, entry
