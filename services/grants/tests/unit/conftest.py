"""In-memory fakes of the grants service's unit of work and repository."""
import copy
import json

import pytest

from shared.events import make_envelope


class FakeGrantRepository:
    """In-memory twin of grants.unit_of_work.SqlGrantRepository."""

    def __init__(self):
        self.grants = {}

    def add(self, grant):
        self.grants[grant.id] = copy.deepcopy(grant)

    def get(self, grant_id):
        stored = self.grants.get(grant_id)
        return copy.deepcopy(stored) if stored is not None else None


class FakeUnitOfWork:
    """Same protocol as GrantsUnitOfWork (shared.uow.UnitOfWork), state in memory.

    Inside `with uow:` the repository works on a copy of the committed state;
    commit() keeps it and moves the emitted events to `outbox`, leaving the
    block without commit() throws both away, as the database transaction would."""

    producer = "grants"

    def __init__(self, correlation_id=None):
        self.correlation_id = correlation_id
        self._committed = FakeGrantRepository()
        self.grants = copy.deepcopy(self._committed)
        self.outbox = []        # envelopes of committed transactions, in commit order
        self.emitted = []       # envelopes emitted in the current/last transaction
        self.committed = False  # whether the current/last transaction committed
        self.commits = 0        # transactions committed so far
        self.active = False

    def __enter__(self):
        assert not self.active, "unit of work entered twice"
        self.active, self.committed, self.emitted = True, False, []
        self.grants = copy.deepcopy(self._committed)
        return self

    def __exit__(self, *exc):
        self.rollback()
        self.active = False

    def emit(self, event_type, payload):
        assert self.active, "emit outside a transaction"
        envelope = make_envelope(event_type, payload, producer=self.producer,
                                 correlation_id=self.correlation_id)
        json.dumps(envelope.to_message())  # the outbox row's body must be JSON
        self.emitted.append(envelope)
        return envelope

    def commit(self):
        assert self.active, "commit outside a transaction"
        self._committed = copy.deepcopy(self.grants)
        self.outbox.extend(self.emitted)
        self.committed = True
        self.commits += 1

    def rollback(self):
        self.grants = copy.deepcopy(self._committed)


@pytest.fixture
def uow():
    return FakeUnitOfWork()
