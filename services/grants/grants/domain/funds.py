"""Funds pool partners' money; the money is a ledger of IATI-typed transactions in the fund's
currency (11 incoming commitment, 1 incoming funds, 2 outgoing commitment, 3 disbursement),
so a fund's balance is always explainable:

    available = received - committed        committed includes what was disbursed
    undisbursed commitments = committed - disbursed"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from grants.domain.common import (
    DISBURSEMENT,
    INCOMING_COMMITMENT,
    INCOMING_FUNDS,
    OUTGOING_COMMITMENT,
    Errors,
    Payload,
    duplicates,
    fmt,
    money,
    new_id,
)
from shared.aggregate import EventsMixin
from shared.errors import Conflict, InvalidInput

BALANCE_FIELDS = {INCOMING_COMMITMENT: "pledged", INCOMING_FUNDS: "received", OUTGOING_COMMITMENT: "committed",
                  DISBURSEMENT: "disbursed"}


@dataclass
class LedgerEntry:
    id: str
    fund_id: str
    transaction_type: str
    amount: Decimal              # signed, in the fund's currency (negative: a return of a commitment)
    currency: str
    original_amount: Decimal
    original_currency: str
    exchange_rate: Decimal
    value_date: date
    recorded_at: datetime
    description: str = ""
    contribution_id: str | None = None
    grant_id: str | None = None
    tranche_id: str | None = None


@dataclass
class Balance:
    currency: str
    pledged: Decimal = Decimal("0.00")
    received: Decimal = Decimal("0.00")
    committed: Decimal = Decimal("0.00")
    disbursed: Decimal = Decimal("0.00")

    @property
    def available(self) -> Decimal:
        return money(self.received - self.committed)

    @property
    def undisbursed(self) -> Decimal:
        return money(self.committed - self.disbursed)

    def add(self, transaction_type: str, amount: Decimal) -> None:
        name = BALANCE_FIELDS[transaction_type]
        setattr(self, name, money(getattr(self, name) + amount))

    def copy(self) -> Balance:
        return Balance(self.currency, self.pledged, self.received, self.committed, self.disbursed)

    def as_dict(self) -> Payload:
        return {"currency": self.currency, "pledged": money(self.pledged), "received": money(self.received),
                "committed": money(self.committed), "disbursed": money(self.disbursed),
                "available": self.available}

    @classmethod
    def of(cls, currency: str, totals: dict[str, Decimal]) -> Balance:
        """From the ledger's sums per transaction type."""
        balance = cls(currency)
        for transaction_type, amount in totals.items():
            balance.add(transaction_type, amount or Decimal(0))
        return balance


@dataclass
class Fund(EventsMixin):
    id: str
    name: str
    window: str
    currency: str
    min_grant: Decimal
    max_grant: Decimal
    eligible_applicant_types: list[str]
    eligible_countries: list[str]
    max_cofinancing_share: Decimal
    created_at: datetime
    balance: Balance = field(default_factory=lambda: Balance(""))
    new_entries: list[LedgerEntry] = field(default_factory=list)

    @classmethod
    def create(cls, *, name: str, window: str, currency: str, min_grant: Decimal, max_grant: Decimal,
               eligible_applicant_types: list[str], eligible_countries: list[str],
               max_cofinancing_share: Decimal, now: datetime) -> Fund:
        errors: Errors = {}
        if money(min_grant) > money(max_grant):
            errors["min_grant"] = [f"must not exceed max_grant ({money(max_grant)})"]
        for name_, values in (("eligible_applicant_types", eligible_applicant_types),
                              ("eligible_countries", eligible_countries)):
            dupes = duplicates(values)
            if dupes:
                errors[name_] = [f"listed more than once: {', '.join(dupes)}"]
        if errors:
            raise InvalidInput(errors)
        fund = cls(id=new_id(), name=name.strip(), window=window, currency=currency, min_grant=money(min_grant),
                   max_grant=money(max_grant), eligible_applicant_types=list(eligible_applicant_types),
                   eligible_countries=list(eligible_countries), max_cofinancing_share=Decimal(max_cofinancing_share),
                   created_at=now, balance=Balance(currency))
        fund.record("fund.created", {
            **fund.context(), "name": fund.name, "currency": fund.currency, "min_grant": fund.min_grant,
            "max_grant": fund.max_grant, "eligible_applicant_types": fund.eligible_applicant_types,
            "eligible_countries": fund.eligible_countries, "max_cofinancing_share": fund.max_cofinancing_share,
            "created_at": now})
        return fund

    def context(self) -> Payload:
        """What every event about the fund's money says of the fund."""
        return {"fund_id": self.id, "window": self.window}

    def post(self, transaction_type: str, amount: Decimal, *, now: datetime, value_date: date,
             original_amount: Decimal | None = None, original_currency: str | None = None,
             exchange_rate: Decimal = Decimal(1), description: str = "", **refs: Any) -> LedgerEntry:
        """Add a transaction to the ledger and the balance, keeping the balance consistent:
        never more committed than received, never more disbursed than committed."""
        amount = money(amount)
        after = self.balance.copy()
        after.add(transaction_type, amount)
        if after.available < 0:
            raise Conflict(f"the fund's available balance is {fmt(self.balance.available, self.currency)}; "
                           f"this needs {fmt(amount, self.currency)}")
        if after.disbursed > after.committed or after.committed < 0:
            raise Conflict(f"the fund's undisbursed commitments are {fmt(self.balance.undisbursed, self.currency)}")
        entry = LedgerEntry(
            id=new_id(), fund_id=self.id, transaction_type=transaction_type, amount=amount, currency=self.currency,
            original_amount=money(original_amount if original_amount is not None else abs(amount)),
            original_currency=original_currency or self.currency, exchange_rate=exchange_rate,
            value_date=value_date, recorded_at=now, description=description, **refs)
        self.balance = after
        self.new_entries.append(entry)
        return entry

    def take_entries(self) -> list[LedgerEntry]:
        """The ledger entries posted since the fund was loaded (the repository stores them)."""
        taken, self.new_entries = self.new_entries, []
        return taken
