"""Commands safe to repeat (shared.commands, shared.runtime.commands) on real SQLite and
PostgreSQL databases: a repeated request key answers the first outcome (result or error)
without running again, keys are independent, and a command that rolls back keeps no record."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from shared import commands
from shared.db import backbone_tables, create_engine, session_factory
from shared.errors import Conflict, InvalidInput, ServiceUnavailable
from shared.events.fields import utcnow
from shared.runtime.command_run import PRUNE, CommandRun
from shared.runtime.commands import command
from shared.uow import UnitOfWork, process_lock

metadata = sa.MetaData()
outbox, inbox = backbone_tables(metadata)
table = commands.commands_table(metadata)
pledges = sa.Table("cmd_pledges", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                   sa.Column("amount", sa.Integer, nullable=False))


class PledgeUnitOfWork(UnitOfWork):
    commands = table


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path, postgres_database_factory):
    url = postgres_database_factory() if request.param == "postgres" else f"sqlite:///{tmp_path}/cmd.sqlite3"
    engine = create_engine(url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


class Pledges:
    """A service as nameko builds it: `uow` (factory) and `request_key` injected per worker."""

    def __init__(self, engine, key):
        sessions, lock = session_factory(engine), process_lock(engine)
        self.uow = lambda: PledgeUnitOfWork(sessions, outbox, inbox, producer="grants", lock=lock)
        self.request_key, self.runs = key, 0

    @command
    def pledge(self, amount, fail_after_commit=False):
        self.runs += 1
        if amount < 0:
            raise InvalidInput({"amount": ["must be positive"]})
        if amount == 0:
            raise ServiceUnavailable("try later")
        with self.uow() as uow:
            row = uow.session.execute(pledges.insert().values(amount=amount))
            uow.commit()
        if fail_after_commit:
            raise Conflict("refused after the change", ["x"])
        return {"id": row.inserted_primary_key[0], "amount": amount}


def count(engine, what=pledges):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(what)).scalar_one()


def test_the_same_key_answers_the_first_outcome_without_running_again(engine):
    first = Pledges(engine, "key-1").pledge(10)
    again = Pledges(engine, "key-1")
    assert again.pledge(10) == first == {"id": first["id"], "amount": 10}
    assert again.runs == 0 and count(engine) == 1 and count(engine, table) == 1


def test_different_keys_are_independent(engine):
    one, two = Pledges(engine, "key-1").pledge(10), Pledges(engine, "key-2").pledge(10)
    assert one["id"] != two["id"] and count(engine) == 2


def test_an_error_outcome_is_replayed_as_the_same_error(engine):
    with pytest.raises(InvalidInput) as first:
        Pledges(engine, "key-1").pledge(-1)
    again = Pledges(engine, "key-1")
    with pytest.raises(InvalidInput) as replayed:
        again.pledge(5)  # the key decides, as a retry would send the same request
    assert replayed.value.errors == first.value.errors == {"amount": ["must be positive"]}
    assert again.runs == 0 and count(engine) == 0


def test_a_transient_error_is_not_kept_so_a_retry_runs_again(engine):
    with pytest.raises(ServiceUnavailable):
        Pledges(engine, "key-1").pledge(0)
    assert count(engine, table) == 0
    assert Pledges(engine, "key-1").pledge(3)["amount"] == 3


def test_a_command_that_fails_after_its_commit_rolls_the_change_back_and_keeps_the_error(engine):
    with pytest.raises(Conflict):
        Pledges(engine, "key-1").pledge(10, fail_after_commit=True)
    assert count(engine) == 0   # the held transaction never committed
    with pytest.raises(Conflict) as replayed:
        Pledges(engine, "key-1").pledge(10, fail_after_commit=True)
    assert replayed.value.allowed == ["x"]


def test_a_change_that_rolls_back_leaves_no_record(engine):
    service = Pledges(engine, "key-1")
    with pytest.raises(RuntimeError):
        with service.uow() as uow:  # outside any command: a plain unit of work
            uow.session.execute(pledges.insert().values(amount=1))
            uow.session.execute(table.insert().values(request_key="key-1", command="pledge", outcome="{}",
                                                      created_at=utcnow()))
            raise RuntimeError("boom")
    assert count(engine, table) == 0 and count(engine) == 0


def test_a_twin_that_committed_first_wins_and_the_loser_answers_its_outcome(engine, monkeypatch):
    first = Pledges(engine, "key-1").pledge(10)
    # A twin that looked the key up before the first committed runs, and its change is rolled back.
    looked_up, stored = [], CommandRun.stored

    def first_lookup_misses(run, unit=None):
        looked_up.append(1)
        return None if len(looked_up) == 1 else stored(run, unit)

    monkeypatch.setattr(CommandRun, "stored", first_lookup_misses)
    late = Pledges(engine, "key-1")
    assert late.pledge(10) == first
    assert late.runs == 1 and count(engine) == 1 and len(looked_up) == 2


def test_the_lookup_and_the_change_are_one_transaction(engine, monkeypatch):
    monkeypatch.setattr(PRUNE, "due", lambda: False)   # housekeeping has a transaction of its own
    begins = []
    sa.event.listen(engine, "begin", lambda conn: begins.append(1))
    Pledges(engine, "key-1").pledge(10)
    assert len(begins) == 1
    Pledges(engine, "key-1").pledge(10)   # the repeat: only its lookup
    assert len(begins) == 2 and count(engine) == 1 and count(engine, table) == 1


def test_a_second_unit_of_work_takes_over_from_the_first_never_entered(engine):
    service = Pledges(engine, "key-1")
    unused = []

    @command
    def pledge_twice(self, amount):
        unused.append(self.uow())   # asked for, never entered: its transaction is given up
        with self.uow() as uow:
            uow.session.execute(pledges.insert().values(amount=amount))
            uow.commit()
        return {"amount": amount}

    assert pledge_twice(service, 4) == {"amount": 4} == pledge_twice(Pledges(engine, "key-1"), 4)
    assert not unused[0].ahead and count(engine) == 1 and count(engine, table) == 1


def test_no_key_runs_as_a_plain_rpc(engine):
    assert Pledges(engine, None).pledge(1) != Pledges(engine, None).pledge(1)
    assert count(engine) == 2 and count(engine, table) == 0


def test_outcomes_are_pruned_after_their_time(engine):
    Pledges(engine, "old").pledge(1)
    Pledges(engine, "new").pledge(1)
    with engine.begin() as conn:
        conn.execute(table.update().where(table.c.request_key == "old")
                     .values(created_at=utcnow() - timedelta(hours=25)))
    with session_factory(engine)() as session:
        assert commands.prune(session, table, utcnow(), timedelta(hours=24)) == 1
        session.commit()
    with engine.connect() as conn:
        assert conn.execute(sa.select(table.c.request_key)).scalars().all() == ["new"]


READS = ("get_", "list_", "fund_ledger", "programme_totals", "ping", "sweep", "ops_state")


@pytest.mark.parametrize("service", ["programmes", "grants"])
def test_every_state_changing_rpc_is_a_command(service):
    import importlib
    cls = {"programmes": "ProgrammesService", "grants": "GrantsService"}[service]
    methods = {name: fn for name, fn in vars(getattr(importlib.import_module(f"{service}.service"), cls)).items()
               if callable(fn) and getattr(fn, "nameko_entrypoints", None)}
    writes = {name for name in methods if not name.startswith(READS)}
    assert writes and {name for name in writes if not hasattr(methods[name], "__wrapped__")} == set()
    assert {name for name in methods if name.startswith(("get_", "list_")) and hasattr(methods[name], "__wrapped__")} \
        == set()
