"""Funds with their ledgers, exchange rates, and donors' contributions with their receipts."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from grants import domain
from grants.repositories.base import CONTRIBUTIONS, FUNDS, LEDGER, RATES, RECEIPTS, Page, Repository
from shared.persistence import from_row, get, to_row, upsert


class SqlFunds(Repository):
    def add(self, fund: domain.Fund) -> None:
        self.session.execute(FUNDS.insert().values(**to_row(FUNDS, fund)))
        self.save_ledger(fund)
        self.track(fund)

    def save_ledger(self, fund: domain.Fund) -> None:
        for entry in fund.take_entries():
            self.session.execute(LEDGER.insert().values(**to_row(LEDGER, entry)))

    def _load(self, row: Any) -> domain.Fund:
        return from_row(domain.Fund, row, balance=self.balance(row.id, row.currency))

    def get(self, fund_id: str, *, for_update: bool = False) -> domain.Fund | None:
        row = get(self.session, FUNDS, fund_id, for_update=for_update)
        return None if row is None else self.track(self._load(row))

    def balance(self, fund_id: str, currency: str) -> domain.Balance:
        rows = self.session.execute(sa.select(LEDGER.c.transaction_type, sa.func.sum(LEDGER.c.amount))
                                    .where(LEDGER.c.fund_id == fund_id).group_by(LEDGER.c.transaction_type))
        return domain.Balance.of(currency, {t: domain.money(a or 0) for t, a in rows})

    def list(self, *, limit: int, cursor: str | None, **filters: Any) -> Page:
        page = self._page(FUNDS, ["created_at", "id"], limit, cursor, filters)
        return [self._load(r) for r in page.rows], page.next_cursor

    def ledger(self, *, limit: int, cursor: str | None, **filters: Any) -> Page:
        page = self._page(LEDGER, ["recorded_at", "id"], limit, cursor, filters)
        return [from_row(domain.LedgerEntry, r) for r in page.rows], page.next_cursor


class SqlRates(Repository):
    def put(self, rate: domain.Rate, now: datetime) -> None:
        upsert(self.session, RATES, {**to_row(RATES, rate), "loaded_at": now})

    def latest(self, from_currency: str, to_currency: str, on: date) -> domain.Rate | None:
        r = RATES.c
        row = self.session.execute(
            sa.select(RATES).where(r.from_currency == from_currency, r.to_currency == to_currency,
                                   r.effective_date <= on).order_by(r.effective_date.desc()).limit(1)).first()
        return None if row is None else from_row(domain.Rate, row)

    def list(self, *, limit: int, cursor: str | None, **filters: Any) -> Page:
        page = self._page(RATES, ["from_currency", "to_currency", "effective_date"], limit, cursor, filters)
        return [from_row(domain.Rate, r) for r in page.rows], page.next_cursor


class SqlContributions(Repository):
    def save(self, contribution: domain.Contribution) -> None:
        upsert(self.session, CONTRIBUTIONS, to_row(CONTRIBUTIONS, contribution))
        stored = set(self.session.execute(sa.select(RECEIPTS.c.id).where(
            RECEIPTS.c.contribution_id == contribution.id)).scalars())
        for receipt in contribution.receipts:   # receipts are never changed, only added
            if receipt.id not in stored:
                self.session.execute(RECEIPTS.insert().values(
                    **to_row(RECEIPTS, receipt, contribution_id=contribution.id)))
        self.track(contribution)

    def _load(self, row: Any) -> domain.Contribution:
        receipts = self.session.execute(sa.select(RECEIPTS).where(RECEIPTS.c.contribution_id == row.id)
                                        .order_by(RECEIPTS.c.received_at, RECEIPTS.c.id))
        return from_row(domain.Contribution, row, receipts=[from_row(domain.Receipt, r) for r in receipts])

    def get(self, contribution_id: str) -> domain.Contribution | None:
        row = get(self.session, CONTRIBUTIONS, contribution_id)
        return None if row is None else self.track(self._load(row))

    def list(self, *, limit: int, cursor: str | None, **filters: Any) -> Page:
        page = self._page(CONTRIBUTIONS, ["pledged_at", "id"], limit, cursor, filters)
        return [self._load(r) for r in page.rows], page.next_cursor
