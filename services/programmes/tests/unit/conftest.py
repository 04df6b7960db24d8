"""Fixtures of the programmes unit tests: a real unit of work on a throw-away SQLite file
(migrated once per session, copied per test), which records the events each commit wrote
to the outbox. No broker."""
import shutil

import pytest
import yaml
from programmes_requests import body, handlers

from programmes import models
from programmes.unit_of_work import ProgrammesUnitOfWork
from shared.db import create_engine, session_factory
from shared.migrations import upgrade
from shared.plan import PLANS_DIR


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


@pytest.fixture
def plan_with(tmp_path, monkeypatch):
    """Loads the shipped plan with `reporting` rules of the test's choosing (PLAN_FILES)."""
    def use(**reporting):
        plan = yaml.safe_load((PLANS_DIR / "strategic-plan-2018-2021.yaml").read_text())
        plan["reporting"] = reporting
        path = tmp_path / f"plan-{len(list(tmp_path.iterdir()))}.yaml"
        path.write_text(yaml.safe_dump(plan))
        monkeypatch.setenv("PLAN_FILES", str(path))
    return use
