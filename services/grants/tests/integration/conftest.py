"""Fixtures of the grants service's integration tests: the use cases on a real database
(SQLite and PostgreSQL, tests.fixtures.database_urls)."""
import pytest

from grants import models
from grants.unit_of_work import GrantsUnitOfWork
from shared.db import create_engine, session_factory
from shared.uow import process_lock


@pytest.fixture
def grants_db(database_urls):
    """(engine, a factory of units of work) on the grants database, migrated to head."""
    engine = create_engine(database_urls["grants"])
    sessions, lock = session_factory(engine), process_lock(engine)
    yield engine, (lambda: GrantsUnitOfWork(sessions, models.outbox, models.inbox, producer="grants", lock=lock))
    engine.dispose()
