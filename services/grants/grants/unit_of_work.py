"""Repositories and the unit of work of the grants service.

Rows and domain objects share attribute names, so mapping is by name. Writes that move
money lock the rows they check first (`SELECT ... FOR UPDATE` on PostgreSQL, in the order
fund, call, grant; on SQLite the transaction's BEGIN IMMEDIATE already serialises writers),
then re-read the balance inside the transaction, so two racing awards cannot both spend
the same money."""
from __future__ import annotations

import copy
import dataclasses
from datetime import date, datetime

import sqlalchemy as sa

from grants import domain, models
from shared.errors import InvalidInput
from shared.uow import UnitOfWork


def _columns(model) -> list[str]:
    return [c.key for c in sa.inspect(model).column_attrs]


def _row_values(model, obj) -> dict:
    names = set(_columns(model))
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name in names}


def _obj(cls, row, **extra):
    names = {f.name for f in dataclasses.fields(cls)}
    # JSON values are copied: a domain object changing its lists must not change the row behind
    # SQLAlchemy's back (it would not see the change).
    values = {name: copy.deepcopy(getattr(row, name)) for name in _columns(type(row)) if name in names}
    values.update(extra)
    return cls(**values)


def _save(session, model, obj, key="id"):
    values = _row_values(model, obj)
    row = session.get(model, values[key])
    if row is None:
        session.add(model(**values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


# --- pagination -----------------------------------------------------------------------------

def check_cursor(cursor):
    """A cursor is the last item's sort key: [ISO timestamp, id]."""
    if cursor is None:
        return None
    try:
        at, item_id = cursor
        return datetime.fromisoformat(at), str(item_id)
    except (TypeError, ValueError):
        raise InvalidInput({"cursor": ["not a cursor from this API; follow the `next` link"]}) from None


def paginate(session, stmt, model, time_column: str, limit: int, cursor) -> tuple[list, list | None]:
    """(rows of one page, the cursor of the next page or None), oldest first."""
    at_col, id_col = getattr(model, time_column), model.id
    after = check_cursor(cursor)
    if after is not None:
        at, item_id = after
        stmt = stmt.where(sa.or_(at_col > at, sa.and_(at_col == at, id_col > item_id)))
    rows = session.execute(stmt.order_by(at_col, id_col).limit(limit + 1)).scalars().all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = [getattr(rows[-1], time_column).isoformat(), rows[-1].id] if more and rows else None
    return rows, next_cursor


def _filtered(stmt, model, filters: dict):
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(model, name) == value)
    return stmt


def _for_update(stmt, session):
    return stmt.with_for_update() if session.bind.dialect.name == "postgresql" else stmt


# --- repositories ---------------------------------------------------------------------------

class SqlFunds:
    def __init__(self, session):
        self.session = session

    def add(self, fund: domain.Fund) -> None:
        self.session.add(models.Fund(**_row_values(models.Fund, fund)))
        self.flush_ledger(fund)

    def flush_ledger(self, fund: domain.Fund) -> None:
        for entry in fund.new_entries:
            self.session.add(models.LedgerEntry(**dataclasses.asdict(entry)))
        fund.new_entries = []

    def _load(self, row) -> domain.Fund:
        return _obj(domain.Fund, row, balance=self.balance(row.id, row.currency))

    def get(self, fund_id: str, *, for_update: bool = False) -> domain.Fund | None:
        stmt = sa.select(models.Fund).where(models.Fund.id == fund_id)
        if for_update:
            stmt = _for_update(stmt, self.session).execution_options(populate_existing=True)
        row = self.session.execute(stmt).scalar_one_or_none()
        return None if row is None else self._load(row)

    def balance(self, fund_id: str, currency: str) -> domain.Balance:
        entry = models.LedgerEntry
        rows = self.session.execute(sa.select(entry.transaction_type, sa.func.sum(entry.amount))
                                    .where(entry.fund_id == fund_id).group_by(entry.transaction_type))
        return domain.Balance.of(currency, {t: domain.money(a or 0) for t, a in rows})

    def list(self, *, limit, cursor, **filters):
        stmt = _filtered(sa.select(models.Fund), models.Fund, filters)
        rows, next_cursor = paginate(self.session, stmt, models.Fund, "created_at", limit, cursor)
        return [self._load(r) for r in rows], next_cursor

    def ledger(self, *, limit, cursor, **filters):
        stmt = _filtered(sa.select(models.LedgerEntry), models.LedgerEntry, filters)
        rows, next_cursor = paginate(self.session, stmt, models.LedgerEntry, "recorded_at", limit, cursor)
        return [_obj(domain.LedgerEntry, r) for r in rows], next_cursor


class SqlRates:
    def __init__(self, session):
        self.session = session

    def put(self, rate: domain.Rate, now: datetime) -> None:
        row = self.session.get(models.ExchangeRate, (rate.from_currency, rate.to_currency, rate.effective_date))
        if row is None:
            self.session.add(models.ExchangeRate(**dataclasses.asdict(rate), loaded_at=now))
        else:
            row.rate, row.loaded_at = rate.rate, now

    def latest(self, from_currency: str, to_currency: str, on: date) -> domain.Rate | None:
        r = models.ExchangeRate
        row = self.session.execute(
            sa.select(r).where(r.from_currency == from_currency, r.to_currency == to_currency,
                               r.effective_date <= on).order_by(r.effective_date.desc()).limit(1)).scalar_one_or_none()
        return None if row is None else _obj(domain.Rate, row)

    def list(self, *, limit, cursor, **filters):
        r = models.ExchangeRate
        stmt = _filtered(sa.select(r), r, filters).order_by(r.from_currency, r.to_currency, r.effective_date)
        offset = 0
        if cursor is not None:
            if not isinstance(cursor, int) or isinstance(cursor, bool) or cursor < 0:
                raise InvalidInput({"cursor": ["not a cursor from this API; follow the `next` link"]})
            offset = cursor
        rows = self.session.execute(stmt.offset(offset).limit(limit + 1)).scalars().all()
        more = len(rows) > limit
        return [_obj(domain.Rate, row) for row in rows[:limit]], (offset + limit if more else None)


class SqlContributions:
    def __init__(self, session):
        self.session = session

    def save(self, contribution: domain.Contribution) -> None:
        _save(self.session, models.Contribution, contribution)
        for receipt in contribution.receipts:
            if self.session.get(models.Receipt, receipt.id) is None:
                self.session.add(models.Receipt(contribution_id=contribution.id, **dataclasses.asdict(receipt)))

    def _load(self, row) -> domain.Contribution:
        receipts = self.session.execute(sa.select(models.Receipt).where(models.Receipt.contribution_id == row.id)
                                        .order_by(models.Receipt.received_at, models.Receipt.id)).scalars()
        return _obj(domain.Contribution, row, receipts=[_obj(domain.Receipt, r) for r in receipts])

    def get(self, contribution_id: str) -> domain.Contribution | None:
        row = self.session.get(models.Contribution, contribution_id)
        return None if row is None else self._load(row)

    def list(self, *, limit, cursor, **filters):
        stmt = _filtered(sa.select(models.Contribution), models.Contribution, filters)
        rows, next_cursor = paginate(self.session, stmt, models.Contribution, "pledged_at", limit, cursor)
        return [self._load(r) for r in rows], next_cursor


class SqlCalls:
    def __init__(self, session):
        self.session = session

    def save(self, call: domain.Call) -> None:
        _save(self.session, models.Call, call)

    def get(self, call_id: str, *, for_update: bool = False) -> domain.Call | None:
        stmt = sa.select(models.Call).where(models.Call.id == call_id)
        if for_update:
            stmt = _for_update(stmt, self.session).execution_options(populate_existing=True)
        row = self.session.execute(stmt).scalar_one_or_none()
        return None if row is None else _obj(domain.Call, row)

    def past_deadline(self, now: datetime) -> list[domain.Call]:
        c = models.Call
        rows = self.session.execute(sa.select(c).where(c.status == "open", c.closes_at <= now)
                                    .order_by(c.closes_at, c.id)).scalars()
        return [_obj(domain.Call, r) for r in rows]

    def applications_count(self, call_id: str) -> int:
        a = models.Application
        return self.session.execute(sa.select(sa.func.count()).select_from(a).where(a.call_id == call_id)).scalar_one()

    def list(self, *, limit, cursor, **filters):
        c = models.Call
        theme = filters.pop("theme", None)
        stmt = _filtered(sa.select(c), c, filters)
        if theme is None:
            rows, next_cursor = paginate(self.session, stmt, c, "created_at", limit, cursor)
            return [_obj(domain.Call, r) for r in rows], next_cursor
        # themes is a JSON list: filter in Python, page by page, without skipping items
        items, next_cursor = [], cursor
        while len(items) < limit:
            rows, next_cursor = paginate(self.session, stmt, c, "created_at", limit, next_cursor)
            for row in rows:
                if theme in row.themes and len(items) < limit:
                    items.append(_obj(domain.Call, row))
                    last = row
            if next_cursor is None:
                break
        if len(items) == limit and next_cursor is not None:
            next_cursor = [last.created_at.isoformat(), last.id]
        return items, next_cursor


class SqlApplications:
    def __init__(self, session):
        self.session = session

    def save(self, application: domain.Application) -> None:
        _save(self.session, models.Application, application)

    def get(self, application_id: str, *, for_update: bool = False) -> domain.Application | None:
        stmt = sa.select(models.Application).where(models.Application.id == application_id)
        if for_update:
            stmt = _for_update(stmt, self.session).execution_options(populate_existing=True)
        row = self.session.execute(stmt).scalar_one_or_none()
        return None if row is None else _obj(domain.Application, row)

    def list(self, *, limit, cursor, **filters):
        stmt = _filtered(sa.select(models.Application), models.Application, filters)
        rows, next_cursor = paginate(self.session, stmt, models.Application, "submitted_at", limit, cursor)
        return [_obj(domain.Application, r) for r in rows], next_cursor


class SqlReviews:
    def __init__(self, session):
        self.session = session

    def add(self, review: domain.Review) -> None:
        self.session.add(models.Review(**dataclasses.asdict(review)))

    def of(self, application_id: str) -> list[domain.Review]:
        r = models.Review
        rows = self.session.execute(sa.select(r).where(r.application_id == application_id)
                                    .order_by(r.reviewed_at, r.id)).scalars()
        return [_obj(domain.Review, row) for row in rows]

    def list(self, *, limit, cursor, **filters):
        stmt = _filtered(sa.select(models.Review), models.Review, filters)
        rows, next_cursor = paginate(self.session, stmt, models.Review, "reviewed_at", limit, cursor)
        return [_obj(domain.Review, r) for r in rows], next_cursor


class SqlGrants:
    def __init__(self, session):
        self.session = session

    def save(self, grant: domain.Grant) -> None:
        _save(self.session, models.Grant, grant)
        for tranche in grant.tranches:
            _save(self.session, models.Tranche, tranche)
        for report in grant.reports:
            _save(self.session, models.Report, report)

    def _load(self, row) -> domain.Grant:
        t, r = models.Tranche, models.Report
        tranches = self.session.execute(sa.select(t).where(t.grant_id == row.id).order_by(t.number)).scalars()
        reports = self.session.execute(sa.select(r).where(r.grant_id == row.id).order_by(r.number)).scalars()
        return _obj(domain.Grant, row, targets=row.targets or [], disbursed=row.disbursed or 0,
                    returned=row.returned or 0, updated_at=row.updated_at or row.awarded_at,
                    tranches=[_obj(domain.Tranche, x) for x in tranches],
                    reports=[_obj(domain.Report, x) for x in reports])

    def get(self, grant_id: str, *, for_update: bool = False) -> domain.Grant | None:
        stmt = sa.select(models.Grant).where(models.Grant.id == grant_id)
        if for_update:
            stmt = _for_update(stmt, self.session).execution_options(populate_existing=True)
        row = self.session.execute(stmt).scalar_one_or_none()
        return None if row is None else self._load(row)

    def list(self, *, limit, cursor, **filters):
        stmt = _filtered(sa.select(models.Grant), models.Grant, filters)
        rows, next_cursor = paginate(self.session, stmt, models.Grant, "awarded_at", limit, cursor)
        return [self._load(r) for r in rows], next_cursor

    def with_reports_to_check(self, today: date, notice_days: int) -> list[str]:
        """Ids of active grants with a report coming due (not yet notified) or overdue (not yet marked)."""
        from datetime import timedelta
        r, g = models.Report, models.Grant
        coming = sa.and_(r.due_notified_at.is_(None), r.due_date <= today + timedelta(days=notice_days))
        overdue = sa.and_(r.overdue_at.is_(None), r.due_date < today)
        rows = self.session.execute(
            sa.select(r.grant_id).join(g, g.id == r.grant_id)
            .where(g.status == "active", r.status == "due", sa.or_(coming, overdue))
            .distinct().order_by(r.grant_id))
        return [row[0] for row in rows]

    def reports(self, *, limit, cursor, today: date, overdue: bool | None = None, recipient=None, **filters):
        r, g = models.Report, models.Grant
        stmt = _filtered(sa.select(r), r, filters)
        if recipient is not None:
            stmt = stmt.where(r.grant_id.in_(sa.select(g.id).where(g.recipient == recipient)))
        if overdue is True:
            stmt = stmt.where(r.status == "due", r.due_date < today,
                              r.grant_id.in_(sa.select(g.id).where(g.status == "active")))
        elif overdue is False:
            stmt = stmt.where(sa.or_(r.status != "due", r.due_date >= today))
        # reports are paged by due date, then id
        after = None
        if cursor is not None:
            try:
                due, item_id = cursor
                after = date.fromisoformat(due), str(item_id)
            except (TypeError, ValueError):
                raise InvalidInput({"cursor": ["not a cursor from this API; follow the `next` link"]}) from None
        if after is not None:
            stmt = stmt.where(sa.or_(r.due_date > after[0], sa.and_(r.due_date == after[0], r.id > after[1])))
        rows = self.session.execute(stmt.order_by(r.due_date, r.id).limit(limit + 1)).scalars().all()
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = [rows[-1].due_date.isoformat(), rows[-1].id] if more and rows else None
        return [_obj(domain.Report, x) for x in rows], next_cursor


class GrantsUnitOfWork(UnitOfWork):
    def _open(self, session):
        self.funds = SqlFunds(session)
        self.rates = SqlRates(session)
        self.contributions = SqlContributions(session)
        self.calls = SqlCalls(session)
        self.applications = SqlApplications(session)
        self.reviews = SqlReviews(session)
        self.grants = SqlGrants(session)
