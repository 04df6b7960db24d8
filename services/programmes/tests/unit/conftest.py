"""Fixtures of the programmes unit tests: a real unit of work on a throw-away SQLite file
(migrated once per session, copied per test), which records the events each commit wrote
to the outbox. No broker."""
import shutil

import pytest
from programmes_requests import body, handlers

from programmes import models
from programmes.unit_of_work import ProgrammesUnitOfWork
from shared.db import create_engine, session_factory
from shared.migrations import upgrade


class RecordingUnitOfWork(ProgrammesUnitOfWork):
    """Keeps the envelopes of committed transactions in `events`, in commit order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events, self.commits = [], 0

    def commit(self):
        super().commit()
        self.events.extend(self.emitted)
        self.commits += 1

    def types(self) -> list[str]:
        return [e.type for e in self.events]


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    path = tmp_path_factory.mktemp("programmes-template") / "programmes.sqlite3"
    upgrade("programmes", f"sqlite:///{path}")
    return path


@pytest.fixture
def engine(template_database, tmp_path):
    path = tmp_path / "programmes.sqlite3"
    shutil.copy(template_database, path)
    engine = create_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine):
    return RecordingUnitOfWork(session_factory(engine), models.outbox, models.inbox, producer="programmes")


@pytest.fixture
def created(uow):
    return handlers.create_programme(uow, body(indicators=[{"code": "people_reached"},
                                                           {"code": "women_empowered"}]))


@pytest.fixture
def live(uow, created):
    """A programme in implementation with its two corporate indicators."""
    handlers.change_status(uow, created["id"], {"status": "implementation"})
    return handlers.get_programme(uow, created["id"])
