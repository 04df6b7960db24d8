"""Grants with their tranches and reports, and the payment requests made against them."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from grants import domain
from grants.repositories.base import GRANTS, PAYMENTS, REPORTS, TRANCHES, Ids, Page, Repository, filtered
from shared.persistence import from_row, get, keyset_page, to_row, upsert


class SqlPayments(Repository):
    """Payment requests; a grant's are locked after the grant (fund -> call -> grant -> payment)."""

    def save(self, payment: domain.PaymentRequest) -> None:
        upsert(self.session, PAYMENTS, to_row(PAYMENTS, payment))
        self.track(payment)

    def get(self, payment_id: str, *, for_update: bool = False) -> domain.PaymentRequest | None:
        row = get(self.session, PAYMENTS, payment_id, for_update=for_update)
        return None if row is None else self.track(from_row(domain.PaymentRequest, row))

    def any_for(self, grant_id: str) -> bool:
        """Whether the grant has a payment request (in any state): it then pays through them."""
        return self.session.execute(sa.select(PAYMENTS.c.id).where(PAYMENTS.c.grant_id == grant_id)
                                    .limit(1)).first() is not None

    def list(self, *, limit: int, cursor: str | None, **filters: Any) -> Page:
        page = self._page(PAYMENTS, ["submitted_at", "id"], limit, cursor, filters)
        return [from_row(domain.PaymentRequest, r) for r in page.rows], page.next_cursor


class SqlGrants(Repository):
    def save(self, grant: domain.Grant) -> None:
        upsert(self.session, GRANTS, to_row(GRANTS, grant))
        for tranche in grant.tranches:
            upsert(self.session, TRANCHES, to_row(TRANCHES, tranche))
        for report in grant.reports:
            upsert(self.session, REPORTS, to_row(REPORTS, report))
        self.track(grant)

    def _load(self, row: Any) -> domain.Grant:
        tranches = self.session.execute(sa.select(TRANCHES).where(TRANCHES.c.grant_id == row.id)
                                        .order_by(TRANCHES.c.number))
        reports = self.session.execute(sa.select(REPORTS).where(REPORTS.c.grant_id == row.id)
                                       .order_by(REPORTS.c.number))
        # grants recorded before funds existed (0001) have no lifecycle columns
        return from_row(domain.Grant, row, targets=row.targets or [], disbursed=row.disbursed or 0,
                        returned=row.returned or 0, updated_at=row.updated_at or row.awarded_at,
                        tranches=[from_row(domain.Tranche, x) for x in tranches],
                        reports=[from_row(domain.Report, x) for x in reports])

    def get(self, grant_id: str, *, for_update: bool = False) -> domain.Grant | None:
        row = get(self.session, GRANTS, grant_id, for_update=for_update)
        return None if row is None else self.track(self._load(row))

    def list(self, *, limit: int, cursor: str | None, **filters: Any) -> Page:
        page = self._page(GRANTS, ["awarded_at", "id"], limit, cursor, filters)
        return [self._load(r) for r in page.rows], page.next_cursor

    def with_reports_to_check(self, today: date, notice_days: int) -> Ids:
        """Ids of active grants with a report coming due (not yet notified) or overdue (not yet marked)."""
        r, g = REPORTS.c, GRANTS.c
        coming = sa.and_(r.due_notified_at.is_(None), r.due_date <= today + timedelta(days=notice_days))
        overdue = sa.and_(r.overdue_at.is_(None), r.due_date < today)
        rows = self.session.execute(
            sa.select(r.grant_id).join(GRANTS, g.id == r.grant_id)
            .where(g.status == "active", r.status == "due", sa.or_(coming, overdue))
            .distinct().order_by(r.grant_id))
        return [row[0] for row in rows]

    def reports(self, *, limit: int, cursor: str | None, today: date, overdue: bool | None = None,
                recipient: str | None = None, **filters: Any) -> Page:
        r, g = REPORTS.c, GRANTS.c
        query = filtered(sa.select(REPORTS), REPORTS, filters)
        if recipient is not None:
            query = query.where(r.grant_id.in_(sa.select(g.id).where(g.recipient == recipient)))
        if overdue is True:
            query = query.where(r.status == "due", r.due_date < today,
                                r.grant_id.in_(sa.select(g.id).where(g.status == "active")))
        elif overdue is False:
            query = query.where(sa.or_(r.status != "due", r.due_date >= today))
        page = keyset_page(self.session, query, [r.due_date, r.id], limit=limit, cursor=cursor)
        return [from_row(domain.Report, x) for x in page.rows], page.next_cursor
