"""In-memory fakes of the programmes service's unit of work and repository."""
import copy
import json

import pytest

from shared.events import make_envelope


class FakeProgrammeRepository:
    """In-memory twin of programmes.unit_of_work.SqlProgrammeRepository."""

    def __init__(self):
        self.programmes = {}   # id -> domain.Programme (without its results, as stored in the db)
        self.results = []      # domain.Result

    def add(self, programme):
        stored = copy.deepcopy(programme)
        stored.results = []
        self.programmes[programme.id] = stored

    def get(self, programme_id):
        stored = self.programmes.get(programme_id)
        return copy.deepcopy(stored) if stored is not None else None

    def add_result(self, result):
        self.results.append(copy.deepcopy(result))
        if result.programme_id in self.programmes:
            self.programmes[result.programme_id].updated_at = result.recorded_at

    def results_of(self, programme_id):
        return sorted((copy.deepcopy(r) for r in self.results if r.programme_id == programme_id),
                      key=lambda r: (r.recorded_at, r.id))


class FakeUnitOfWork:
    """Same protocol as ProgrammesUnitOfWork (shared.uow.UnitOfWork), state in memory.

    Inside `with uow:` the repository works on a copy of the committed state;
    commit() keeps it and moves the emitted events to `outbox`, leaving the
    block without commit() throws both away, as the database transaction would."""

    producer = "programmes"

    def __init__(self, correlation_id=None):
        self.correlation_id = correlation_id
        self._committed = FakeProgrammeRepository()
        self.programmes = copy.deepcopy(self._committed)
        self.outbox = []        # envelopes of committed transactions, in commit order
        self.emitted = []       # envelopes emitted in the current/last transaction
        self.committed = False  # whether the current/last transaction committed
        self.commits = 0        # transactions committed so far
        self.active = False

    def __enter__(self):
        assert not self.active, "unit of work entered twice"
        self.active, self.committed, self.emitted = True, False, []
        self.programmes = copy.deepcopy(self._committed)
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
        self._committed = copy.deepcopy(self.programmes)
        self.outbox.extend(self.emitted)
        self.committed = True
        self.commits += 1

    def rollback(self):
        self.programmes = copy.deepcopy(self._committed)


@pytest.fixture
def uow():
    return FakeUnitOfWork()
