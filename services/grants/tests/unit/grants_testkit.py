"""In-memory fakes of the grants service's unit of work and repositories (the twins of
grants.unit_of_work): one fake unit of work, as in cosmicpython. Valid requests and the use
cases as the service calls them are in grants_requests.py. (Modules of their own, uniquely
named, so test modules can import them; conftest.py turns them into fixtures.)"""
import copy
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

from grants import domain
from shared.errors import InvalidInput
from shared.events import make_envelope
from shared.persistence import decode_cursor, encode_cursor
from shared.persistence.pagination import BAD_CURSOR
from shared.uow import UnitOfWork


def _key(obj, attrs):
    return tuple(getattr(obj, a) for a in attrs)


def _typed(template, value):
    """A cursor's JSON value in the type of the sort key it stands for."""
    if isinstance(template, datetime):
        return datetime.fromisoformat(value)
    if isinstance(template, date):
        return date.fromisoformat(value)
    return value


def _page(items, attrs, limit, cursor):
    """A keyset page of `items` ordered by the attributes `attrs`, with the opaque cursors of
    shared.persistence (as the SQL repositories' keyset_page)."""
    items = sorted(items, key=lambda x: _key(x, attrs))
    after = decode_cursor(cursor)
    if after is not None:
        if len(after) != len(attrs) or not items:
            raise InvalidInput(BAD_CURSOR)
        try:
            after_key = tuple(_typed(t, v) for t, v in zip(_key(items[0], attrs), after, strict=True))
            items = [x for x in items if _key(x, attrs) > after_key]
        except (TypeError, ValueError):
            raise InvalidInput(BAD_CURSOR) from None
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor(list(_key(items[-1], attrs))) if more and items else None
    return [copy.deepcopy(x) for x in items], next_cursor


def _match(obj, filters):
    return all(v is None or getattr(obj, k) == v for k, v in filters.items())


def _stored(obj):
    """What the database keeps of an aggregate: its state, not its unwritten events."""
    stored = copy.deepcopy(obj)
    if hasattr(stored, "events"):
        stored.events = []
    return stored


class State:
    def __init__(self):
        self.funds, self.ledger, self.rates = {}, [], {}
        self.contributions, self.calls, self.applications, self.reviews, self.grants = {}, {}, {}, {}, {}
        self.conflicts, self.assignments, self.payments = [], [], {}


class FakeFunds:
    def __init__(self, state, track):
        self.s, self.track = state, track

    def add(self, fund):
        stored = _stored(fund)
        stored.new_entries = []
        self.s.funds[fund.id] = stored
        self.save_ledger(fund)
        self.track(fund)

    def save_ledger(self, fund):
        self.s.ledger.extend(copy.deepcopy(fund.take_entries()))

    def balance(self, fund_id, currency):
        totals = {}
        for e in self.s.ledger:
            if e.fund_id == fund_id:
                totals[e.transaction_type] = totals.get(e.transaction_type, Decimal(0)) + e.amount
        return domain.Balance.of(currency, totals)

    def _load(self, fund):
        fund = copy.deepcopy(fund)
        fund.balance = self.balance(fund.id, fund.currency)
        return fund

    def get(self, fund_id, *, for_update=False):
        fund = self.s.funds.get(fund_id)
        return None if fund is None else self.track(self._load(fund))

    def list(self, *, limit, cursor, **filters):
        items, next_cursor = _page([f for f in self.s.funds.values() if _match(f, filters)], ("created_at", "id"),
                                   limit, cursor)
        return [self._load(f) for f in items], next_cursor

    def ledger(self, *, limit, cursor, **filters):
        return _page([e for e in self.s.ledger if _match(e, filters)], ("recorded_at", "id"), limit, cursor)


class FakeRates:
    def __init__(self, state, track):
        self.s = state

    def put(self, rate, now):
        self.s.rates[(rate.from_currency, rate.to_currency, rate.effective_date)] = rate

    def latest(self, from_currency, to_currency, on):
        found = [r for (f, t, d), r in self.s.rates.items() if f == from_currency and t == to_currency and d <= on]
        return max(found, key=lambda r: r.effective_date, default=None)

    def list(self, *, limit, cursor, **filters):
        return _page([r for r in self.s.rates.values() if _match(r, filters)],
                     ("from_currency", "to_currency", "effective_date"), limit, cursor)


class _ById:
    store, time_attr = None, None

    def __init__(self, state, track):
        self.s, self.track = state, track

    def _all(self):
        return getattr(self.s, self.store)

    def save(self, obj):
        self._all()[obj.id] = _stored(obj)
        self.track(obj)

    def get(self, obj_id, *, for_update=False):
        found = self._all().get(obj_id)
        return self.track(copy.deepcopy(found)) if found is not None else None

    def list(self, *, limit, cursor, **filters):
        return _page([x for x in self._all().values() if _match(x, filters)], (self.time_attr, "id"), limit, cursor)


class FakeContributions(_ById):
    store, time_attr = "contributions", "pledged_at"


class FakeApplications(_ById):
    store, time_attr = "applications", "submitted_at"


class FakeCalls(_ById):
    store, time_attr = "calls", "created_at"

    def past_deadline(self, now):
        return [copy.deepcopy(c) for c in self.s.calls.values() if c.status == "open" and c.closes_at <= now]

    def applications_count(self, call_id):
        return sum(1 for a in self.s.applications.values() if a.call_id == call_id)

    def list(self, *, limit, cursor, theme=None, **filters):
        calls = [c for c in self.s.calls.values() if _match(c, filters) and (theme is None or theme in c.themes)]
        return _page(calls, ("created_at", "id"), limit, cursor)


class FakeReviews(_ById):
    store, time_attr = "reviews", "reviewed_at"

    def add(self, review):
        assert not any(r.application_id == review.application_id and r.reviewer == review.reviewer
                       for r in self.s.reviews.values()), "unique (application_id, reviewer)"
        self._all()[review.id] = copy.deepcopy(review)

    def of(self, application_id):
        return sorted((copy.deepcopy(r) for r in self.s.reviews.values() if r.application_id == application_id),
                      key=lambda r: (r.reviewed_at, r.id))

    def list(self, *, limit, cursor, not_of=None, seen_by=None, **filters):
        def conflicted(review):
            applicant = self.s.applications[review.application_id].applicant_organisation
            return not_of is not None and domain.same_organisation(applicant, not_of)

        def seen(review):
            if seen_by is None or review.reviewer == seen_by:
                return True
            app = self.s.applications[review.application_id]
            return (self.s.calls[app.call_id].review_visibility == "shared"
                    and any(r.application_id == app.id and r.reviewer == seen_by for r in self.s.reviews.values())
                    and not any(c.application_id == app.id and c.reviewer == seen_by for c in self.s.conflicts))
        reviews = [r for r in self.s.reviews.values() if _match(r, filters) and not conflicted(r) and seen(r)]
        return _page(reviews, (self.time_attr, "id"), limit, cursor)


class FakePanel:
    def __init__(self, state, track):
        self.s = state

    def conflicts_of(self, application_id):
        return [copy.deepcopy(c) for c in self.s.conflicts if c.application_id == application_id]

    def assignments_of(self, application_id):
        return [copy.deepcopy(a) for a in self.s.assignments if a.application_id == application_id]

    def add_conflict(self, conflict):
        self.s.conflicts.append(copy.deepcopy(conflict))

    def add_assignment(self, assignment):
        self.s.assignments.append(copy.deepcopy(assignment))


class FakePayments(_ById):
    store, time_attr = "payments", "submitted_at"

    def any_for(self, grant_id):
        return any(p.grant_id == grant_id for p in self.s.payments.values())


class FakeGrants(_ById):
    store, time_attr = "grants", "awarded_at"

    def with_reports_to_check(self, today, notice_days):
        ids = []
        for g in self.s.grants.values():
            if g.status == "active" and any(
                    r.status == "due" and ((r.due_notified_at is None and r.due_date <= today + timedelta(
                        days=notice_days)) or (r.overdue_at is None and r.due_date < today)) for r in g.reports):
                ids.append(g.id)
        return sorted(ids)

    def reports(self, *, limit, cursor, today, overdue=None, recipient=None, **filters):
        reports = []
        for g in self.s.grants.values():
            if recipient is not None and g.recipient != recipient:
                continue
            for r in g.reports:
                if not _match(r, filters):
                    continue
                late = r.status == "due" and r.due_date < today and g.status == "active"
                if overdue is True and not late:
                    continue
                if overdue is False and r.status == "due" and r.due_date < today:
                    continue
                reports.append(r)
        return _page(reports, ("due_date", "id"), limit, cursor)


class FakeUnitOfWork:
    """Same protocol as GrantsUnitOfWork (shared.uow.UnitOfWork), state in memory.

    Inside `with uow:` the repositories work on a copy of the committed state; commit()
    keeps it and moves the emitted events to `outbox`; leaving the block without commit()
    throws both away, as the database transaction would."""

    producer = "grants"

    def __init__(self):
        self._committed = State()
        self.outbox, self.emitted = [], []
        self.committed, self.commits, self.active = False, 0, False
        self._bind(copy.deepcopy(self._committed))

    # the real unit of work's own collection of the events its aggregates record
    track = UnitOfWork.track
    collect_events = UnitOfWork.collect_events

    def _bind(self, state):
        self.state, self.seen = state, []
        track = self.track
        self.funds, self.rates = FakeFunds(state, track), FakeRates(state, track)
        self.contributions, self.calls = FakeContributions(state, track), FakeCalls(state, track)
        self.applications = FakeApplications(state, track)
        self.reviews, self.grants = FakeReviews(state, track), FakeGrants(state, track)
        self.panel = FakePanel(state, track)
        self.payments = FakePayments(state, track)

    def __call__(self):
        """The unit of work is its own factory (as the service's `self.uow` is), for sweep()."""
        return self

    def __enter__(self):
        assert not self.active, "unit of work entered twice"
        self.active, self.committed, self.emitted = True, False, []
        self._bind(copy.deepcopy(self._committed))
        return self

    def __exit__(self, *exc):
        self.rollback()
        self.active = False

    def emit(self, event_type, payload):
        assert self.active, "emit outside a transaction"
        envelope = make_envelope(event_type, payload, producer=self.producer)
        json.dumps(envelope.to_message())  # the outbox row's body must be JSON
        self.emitted.append(envelope)
        return envelope

    def _emit_all(self, items):
        """What UnitOfWork.collect_events writes through (one multi-row insert there)."""
        return [self.emit(event_type, payload) for event_type, payload in items]

    def commit(self):
        assert self.active, "commit outside a transaction"
        self.collect_events()
        self._committed = copy.deepcopy(self.state)
        self.outbox.extend(self.emitted)
        self.committed = True
        self.commits += 1

    def rollback(self):
        self._bind(copy.deepcopy(self._committed))

    # test helpers
    def events(self, event_type=None):
        return [e for e in self.outbox if event_type is None or e.type == event_type]

    def types(self):
        return [e.type for e in self.outbox]
