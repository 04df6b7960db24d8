"""Repositories and the unit of work of the grants service, on the shared persistence kit.

Rows and domain objects share attribute names, so mapping is by name (to_row/from_row).
Every list is a keyset page (shared.persistence.keyset_page) with an opaque cursor.

Lock order. Writes that move money lock the rows they check first, with
`get(..., for_update=True)` (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the transaction's
BEGIN IMMEDIATE already serialises writers), always in the order

    fund -> call -> application -> grant

then re-read what they change inside the transaction, so two racing awards cannot both spend
the same money and two transactions never wait for each other's locks in a cycle.

Repositories hand every aggregate they load or store to the unit of work (`track`), whose
commit writes the events the aggregates recorded to the outbox in the same transaction."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from grants import domain, models
from shared.persistence import encode_cursor, from_row, get, keyset_page, to_row, upsert
from shared.uow import UnitOfWork

T = TypeVar("T")
Track = Callable[[Any], Any]
Page = tuple[list[Any], str | None]

Ids = list[str]


def _table(model: type[models.Base]) -> sa.Table:
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


FUNDS, LEDGER, RATES = _table(models.Fund), _table(models.LedgerEntry), _table(models.ExchangeRate)
CONTRIBUTIONS, RECEIPTS = _table(models.Contribution), _table(models.Receipt)
CALLS, APPLICATIONS, REVIEWS = _table(models.Call), _table(models.Application), _table(models.Review)
GRANTS, TRANCHES, REPORTS = _table(models.Grant), _table(models.Tranche), _table(models.Report)
CONFLICTS, ASSIGNMENTS = _table(models.ReviewConflict), _table(models.ReviewAssignment)
PAYMENTS = _table(models.PaymentRequest)


def _filtered(query: sa.Select[Any], table: sa.Table, filters: dict[str, Any]) -> sa.Select[Any]:
    for name, value in filters.items():
        if value is not None:
            query = query.where(table.c[name] == value)
    return query


class _Repository:
    def __init__(self, session: Session, track: Track):
        self.session, self.track = session, track

    def _page(self, table: sa.Table, order: list[str], limit: int, cursor: str | None,
              filters: dict[str, Any]) -> Any:
        query = _filtered(sa.select(table), table, filters)
        return keyset_page(self.session, query, [table.c[name] for name in order], limit=limit, cursor=cursor)


class SqlFunds(_Repository):
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


class SqlRates(_Repository):
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


class SqlContributions(_Repository):
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


class SqlCalls(_Repository):
    def save(self, call: domain.Call) -> None:
        upsert(self.session, CALLS, to_row(CALLS, call))
        self.track(call)

    def get(self, call_id: str, *, for_update: bool = False) -> domain.Call | None:
        row = get(self.session, CALLS, call_id, for_update=for_update)
        return None if row is None else self.track(from_row(domain.Call, row))

    def past_deadline(self, now: datetime) -> list[domain.Call]:
        c = CALLS.c
        rows = self.session.execute(sa.select(CALLS).where(c.status == "open", c.closes_at <= now)
                                    .order_by(c.closes_at, c.id))
        return [from_row(domain.Call, r) for r in rows]

    def applications_count(self, call_id: str) -> int:
        count = sa.select(sa.func.count()).select_from(APPLICATIONS).where(APPLICATIONS.c.call_id == call_id)
        return int(self.session.execute(count).scalar_one())

    def list(self, *, limit: int, cursor: str | None, theme: str | None = None, **filters: Any) -> Page:
        order = ["created_at", "id"]
        if theme is None:
            page = self._page(CALLS, order, limit, cursor, filters)
            return [from_row(domain.Call, r) for r in page.rows], page.next_cursor
        # themes is a JSON list: filter in Python, page by page, without skipping items
        items: list[domain.Call] = []
        next_cursor, last = cursor, None
        while len(items) < limit:
            page = self._page(CALLS, order, limit, next_cursor, filters)
            next_cursor = page.next_cursor
            for row in page.rows:
                if theme in row.themes and len(items) < limit:
                    items.append(from_row(domain.Call, row))
                    last = row
            if next_cursor is None:
                break
        if len(items) == limit and next_cursor is not None and last is not None:
            next_cursor = encode_cursor([last.created_at, last.id])
        return items, next_cursor


class SqlApplications(_Repository):
    def save(self, application: domain.Application) -> None:
        upsert(self.session, APPLICATIONS, to_row(APPLICATIONS, application))
        self.track(application)

    def get(self, application_id: str, *, for_update: bool = False) -> domain.Application | None:
        row = get(self.session, APPLICATIONS, application_id, for_update=for_update)
        return None if row is None else self.track(from_row(domain.Application, row))

    def list(self, *, limit: int, cursor: str | None, **filters: Any) -> Page:
        page = self._page(APPLICATIONS, ["submitted_at", "id"], limit, cursor, filters)
        return [from_row(domain.Application, r) for r in page.rows], page.next_cursor


class SqlReviews(_Repository):
    def add(self, review: domain.Review) -> None:
        self.session.execute(REVIEWS.insert().values(**to_row(REVIEWS, review)))

    def of(self, application_id: str) -> list[domain.Review]:
        r = REVIEWS.c
        rows = self.session.execute(sa.select(REVIEWS).where(r.application_id == application_id)
                                    .order_by(r.reviewed_at, r.id))
        return [from_row(domain.Review, row) for row in rows]

    def list(self, *, limit: int, cursor: str | None, not_of: str | None = None, seen_by: str | None = None,
             **filters: Any) -> Page:
        """`not_of`: leave out the reviews of that organisation's applications (as
        domain.same_organisation compares: case-folded, trimmed; stored names are single-spaced).
        `seen_by`: only what that reviewer sees (domain.visible_reviews): its own reviews, and the
        others' of `shared` calls' applications it reviewed and has declared no conflict on."""
        query = _filtered(sa.select(REVIEWS), REVIEWS, filters)
        if not_of is not None:
            applicant = sa.func.lower(sa.func.trim(APPLICATIONS.c.applicant_organisation))
            own = sa.select(APPLICATIONS.c.id).where(applicant == " ".join(not_of.split()).casefold())
            query = query.where(REVIEWS.c.application_id.not_in(own))
        if seen_by is not None:
            r, a = REVIEWS.c, APPLICATIONS.c
            reviewed = sa.select(r.application_id).where(r.reviewer == seen_by)
            shared = (sa.select(a.id).join(CALLS, CALLS.c.id == a.call_id)
                      .where(CALLS.c.review_visibility == "shared", a.id.in_(reviewed),
                             a.id.not_in(sa.select(CONFLICTS.c.application_id)
                                         .where(CONFLICTS.c.reviewer == seen_by))))
            query = query.where(sa.or_(r.reviewer == seen_by, r.application_id.in_(shared)))
        page = keyset_page(self.session, query, [REVIEWS.c.reviewed_at, REVIEWS.c.id], limit=limit, cursor=cursor)
        return [from_row(domain.Review, r) for r in page.rows], page.next_cursor


class SqlPanel(_Repository):
    """Declared conflicts of interest and reviewer assignments, per application."""

    def conflicts_of(self, application_id: str) -> list[domain.DeclaredConflict]:
        rows = self.session.execute(sa.select(CONFLICTS).where(CONFLICTS.c.application_id == application_id)
                                    .order_by(CONFLICTS.c.declared_at, CONFLICTS.c.id))
        return [from_row(domain.DeclaredConflict, row) for row in rows]

    def assignments_of(self, application_id: str) -> list[domain.Assignment]:
        rows = self.session.execute(sa.select(ASSIGNMENTS).where(ASSIGNMENTS.c.application_id == application_id)
                                    .order_by(ASSIGNMENTS.c.assigned_at, ASSIGNMENTS.c.id))
        return [from_row(domain.Assignment, row) for row in rows]

    def add_conflict(self, conflict: domain.DeclaredConflict) -> None:
        self.session.execute(CONFLICTS.insert().values(**to_row(CONFLICTS, conflict)))

    def add_assignment(self, assignment: domain.Assignment) -> None:
        self.session.execute(ASSIGNMENTS.insert().values(**to_row(ASSIGNMENTS, assignment)))


class SqlPayments(_Repository):
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


class SqlGrants(_Repository):
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
        query = _filtered(sa.select(REPORTS), REPORTS, filters)
        if recipient is not None:
            query = query.where(r.grant_id.in_(sa.select(g.id).where(g.recipient == recipient)))
        if overdue is True:
            query = query.where(r.status == "due", r.due_date < today,
                                r.grant_id.in_(sa.select(g.id).where(g.status == "active")))
        elif overdue is False:
            query = query.where(sa.or_(r.status != "due", r.due_date >= today))
        page = keyset_page(self.session, query, [r.due_date, r.id], limit=limit, cursor=cursor)
        return [from_row(domain.Report, x) for x in page.rows], page.next_cursor


class GrantsUnitOfWork(UnitOfWork):
    commands = models.commands
    def _open(self, session: Session) -> None:
        self.funds = SqlFunds(session, self.track)
        self.rates = SqlRates(session, self.track)
        self.contributions = SqlContributions(session, self.track)
        self.calls = SqlCalls(session, self.track)
        self.applications = SqlApplications(session, self.track)
        self.reviews = SqlReviews(session, self.track)
        self.panel = SqlPanel(session, self.track)
        self.payments = SqlPayments(session, self.track)
        self.grants = SqlGrants(session, self.track)
