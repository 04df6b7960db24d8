"""Unit of work: one database transaction holding a service's state change, the
events it emits (outbox rows) and, for consumers, the inbox record of the event
being handled. Either all of it is committed or none of it."""
import json
import threading
from collections.abc import Callable
from contextlib import nullcontext
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared import commands, failpoints
from shared.aggregate import Event
from shared.db import DbLock
from shared.events import Envelope, make_envelope
from shared.events.fields import utcnow


class DuplicateEvent(Exception):
    """The event was already processed (found in the inbox)."""


class RecordsEvents(Protocol):
    """An aggregate that records the events it causes (shared.aggregate.EventsMixin)."""

    def take_events(self) -> list[Event]: ...


Tracked = TypeVar("Tracked", bound=RecordsEvents | None)


class UnitOfWork:
    """Subclass per service to attach repositories in `_open`; a service whose RPCs are
    commands (shared.runtime.commands) sets `commands` to its commands table."""

    session: Session
    commands: sa.Table | None = None

    def __init__(self, session_factory: Callable[[], Session], outbox: sa.Table, inbox: sa.Table, *,
                 producer: str, correlation_id: str | None = None,
                 after_commit: Callable[[], None] | None = None, lock: DbLock | None = None):
        self.session_factory = session_factory
        self.outbox, self.inbox = outbox, inbox
        self.producer = producer
        self.correlation_id = correlation_id
        self.after_commit = after_commit
        # SQLite: one writer per process at a time, so a greenthread never busy-waits
        # (blocking the hub) on a lock held by another greenthread of the same process.
        self._lock: DbLock = lock or nullcontext()
        self.emitted: list[Envelope] = []
        self.seen: list[RecordsEvents] = []
        # Set by shared.runtime.commands: (request key, command). `commit` then only flushes and
        # holds the transaction open until the command's outcome joins it (`finish_command`).
        self.command: tuple[str, str] | None = None
        self.held = False
        self.ahead = False  # opened by `open_ahead`, not yet entered by the code it was made for

    def open_ahead(self) -> Self:
        """Open the transaction now (shared.runtime.commands reads the command's stored outcome
        in it); the next `with` joins it instead of opening another."""
        self.__enter__()
        self.ahead = True
        return self

    def __enter__(self) -> Self:
        if self.ahead:
            self.ahead = False
            return self
        self._lock.__enter__()
        self.session = self.session_factory()
        self.emitted = []
        self.seen = []
        self._open(self.session)
        return self

    def _open(self, session: Session) -> None:
        """Hook for repositories."""

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.held and exc_type is None:
            return  # committed by finish_command (or released) once the outcome is known
        self.held = False
        self._close(exc_type, exc, traceback)

    def _close(self, exc_type: type[BaseException] | None = None, exc: BaseException | None = None,
               traceback: TracebackType | None = None) -> None:
        try:
            self.session.rollback()
            self.session.close()
        finally:
            self._lock.__exit__(exc_type, exc, traceback)

    def emit(self, event_type: str, payload: dict[str, Any]) -> Envelope:
        return self._emit_all([(event_type, payload)])[0]

    def _emit_all(self, events: list[tuple[str, dict[str, Any]]]) -> list[Envelope]:
        """The events' outbox rows in one statement (an executemany, in this order). Rows are
        parameters of a plain `insert()`, never `.values(...)`: SQLAlchemy then reuses its
        compiled statement instead of building and compiling one per row (bench: third round)."""
        envelopes = [make_envelope(event_type, payload, producer=self.producer, correlation_id=self.correlation_id)
                     for event_type, payload in events]
        if envelopes:
            now = utcnow()
            self.session.execute(self.outbox.insert(), [
                {"event_id": e.event_id, "event_type": e.type, "producer": e.producer,
                 "correlation_id": e.correlation_id, "body": json.dumps(e.to_message()), "created_at": now,
                 "published_at": None} for e in envelopes])
        self.emitted.extend(envelopes)
        return envelopes

    def track(self, aggregate: Tracked) -> Tracked:
        """Remember an aggregate loaded or added in this transaction: the events it records
        are written to the outbox by `commit`, in this transaction. Returns it."""
        if aggregate is not None and all(aggregate is not a for a in self.seen):
            self.seen.append(aggregate)
        return aggregate

    def collect_events(self) -> None:
        """Write the events the tracked aggregates recorded, in the order they recorded them."""
        events = [event for aggregate in self.seen for event in aggregate.take_events()]
        self._emit_all([(event.type, event.payload) for event in sorted(events, key=lambda e: e.sequence)])

    def record_inbox(self, envelope: Envelope) -> None:
        """Claim `envelope` for this transaction; raises DuplicateEvent if it was
        already processed (possibly by another replica, concurrently)."""
        try:
            self.session.execute(self.inbox.insert(), {
                "event_id": envelope.event_id, "event_type": envelope.type,
                "producer": envelope.producer, "processed_at": utcnow()})
        except IntegrityError:
            raise DuplicateEvent(envelope.event_id) from None

    def commit(self) -> None:
        self.collect_events()
        if self.command is not None:
            self.session.flush()  # constraint violations surface here, where handlers expect them
            self.held = True
            return
        self._commit()

    def _commit(self) -> None:
        self.session.commit()
        failpoints.hit("outbox.after_commit")
        if self.emitted and self.after_commit:
            self.after_commit()

    def finish_command(self, outcome: str) -> None:
        """Store the command's outcome with its held change (or in its transaction opened ahead and
        left unused) and commit both. Raises IntegrityError (everything rolled back) when a twin
        with the same key won."""
        assert self.command is not None and self.commands is not None and (self.held or self.ahead)
        key, name = self.command
        self.held = self.ahead = False
        try:
            failpoints.hit(f"command.{name}.before_commit")
            commands.remember(self.session, self.commands, key, name, outcome)
            self.session.commit()
        except BaseException:
            self._close()
            raise
        try:
            failpoints.hit("outbox.after_commit")
            failpoints.hit(f"command.{name}.after_commit")
            if self.emitted and self.after_commit:
                self.after_commit()
        finally:
            self._close()

    def release(self) -> None:
        """Roll back a held transaction (the command failed after `commit`), or one opened ahead
        and never entered."""
        if self.held or self.ahead:
            self.held = self.ahead = False
            self._close()

    def rollback(self) -> None:
        self.session.rollback()


def process_lock(engine: sa.Engine) -> DbLock | None:
    return threading.RLock() if engine.dialect.name == "sqlite" else None
