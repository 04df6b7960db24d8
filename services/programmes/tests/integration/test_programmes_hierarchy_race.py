"""Two concurrent re-parentings on PostgreSQL: X under Y (an existing X moved, or a new X
created) while Y under Z. Each checks the one-level rule on what it reads; without the parent's
row lock both read the other's programme unchanged and both commit a two-level hierarchy
(Z > Y > X), which metrics rolls up only one level. With the lock order of
programmes.unit_of_work exactly one commits."""
import eventlet
import pytest

from programmes import domain, handlers, models
from programmes.unit_of_work import ProgrammesUnitOfWork
from shared.actors import SYSTEM
from shared.db import create_engine, session_factory
from shared.errors import InvalidInput
from tests.programmes_flow import programme_body

pytestmark = pytest.mark.postgres


@pytest.fixture
def programmes_uow(database_urls):
    engine = create_engine(database_urls["programmes"])
    sessions = session_factory(engine)
    yield lambda: ProgrammesUnitOfWork(sessions, models.outbox, models.inbox, producer="programmes")
    engine.dispose()


@pytest.mark.parametrize("db_backend", ["postgres"])   # SQLite has one writer at a time
@pytest.mark.parametrize("first", ["move X under Y", "create X under Y"])
def test_two_concurrent_reparentings_cannot_build_two_levels(programmes_uow, db_backend, first, monkeypatch):
    uow = programmes_uow
    y, z = (handlers.create_programme(uow(), programme_body(name), actor=SYSTEM)["id"] for name in "YZ")
    x = handlers.create_programme(uow(), programme_body("X"), actor=SYSTEM)["id"] if first.startswith("move") else None

    check_parent = domain.check_parent

    def slow_check(*args, **kwargs):
        eventlet.sleep(0.5)   # both have read what they check; the other one is now in flight
        return check_parent(*args, **kwargs)

    monkeypatch.setattr(domain, "check_parent", slow_check)

    def link(child_and_parent):
        child, parent = child_and_parent
        try:
            if child is None:
                return handlers.create_programme(uow(), programme_body("X", parent_id=parent), actor=SYSTEM)
            return handlers.update_programme(uow(), child, {"parent_id": parent}, actor=SYSTEM)
        except InvalidInput as exc:
            return exc

    outcomes = list(eventlet.GreenPool().imap(link, [(x, y), (y, z)]))

    refused = [o for o in outcomes if isinstance(o, InvalidInput)]
    assert len(refused) == 1, outcomes
    assert "one level of hierarchy only" in refused[0].errors["parent_id"][0]
    x = x or (outcomes[0]["id"] if isinstance(outcomes[0], dict) else None)
    parents = {p: handlers.get_programme(uow(), p, actor=SYSTEM)["parent_id"] for p in (x, y, z) if p}
    assert parents in ({x: y, y: None, z: None}, {y: z, z: None}, {x: None, y: z, z: None}), parents
