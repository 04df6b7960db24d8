"""One run of a command under its request key (shared.runtime.commands): the command's
transaction, opened before the method runs, in which the key's stored outcome is read and the new
outcome is stored with the change; a twin that committed first answers for both."""
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shared import commands
from shared.events.fields import utcnow
from shared.uow import UnitOfWork

PRUNE = commands.PruneClock()


class CommandRun:
    """One run of `name` under `key`, through the service's unit-of-work factory. `begin` opens
    the command's transaction and reads the key's stored outcome in it; the method's first unit
    of work is that transaction (one BEGIN/COMMIT per command, not a lookup of its own first)."""

    def __init__(self, make_uow: Callable[[], UnitOfWork], key: str, name: str) -> None:
        self.make_uow, self.key, self.name = make_uow, key, name
        self.opened: list[UnitOfWork] = []
        self.spare: UnitOfWork | None = None  # opened by `begin`, not yet handed to the method

    def _unit(self) -> UnitOfWork:
        unit = self.make_uow()
        unit.command = (self.key, self.name)
        self.opened.append(unit)
        return unit

    def begin(self) -> str | None:
        """The stored outcome (its transaction closed), or None with the transaction kept open."""
        unit = self._unit().open_ahead()
        try:
            outcome = self.stored(unit)
        except BaseException:
            unit.release()
            raise
        if outcome is not None:
            unit.release()
            return outcome
        self.spare = unit
        return None

    def uow(self) -> UnitOfWork:
        if any(u.held for u in self.opened):
            raise RuntimeError(f"{self.name}: a command commits one unit of work")
        if self.spare is not None:
            unit, self.spare = self.spare, None
            return unit
        for unit in self.opened:  # a second unit: the first, never entered, gives its transaction up
            if unit.ahead:
                unit.release()
        return self._unit()

    def _table(self, unit: UnitOfWork) -> sa.Table:
        if unit.commands is None:
            raise RuntimeError(f"{type(unit).__name__}.commands is not set: no table for command outcomes")
        return unit.commands

    def stored(self, unit: UnitOfWork | None = None) -> str | None:
        """The key's outcome, read in `unit`'s transaction, else in a unit of work of its own."""
        if unit is not None:
            return commands.recall(unit.session, self._table(unit), self.key, self.name)
        with self.make_uow() as own:
            return commands.recall(own.session, self._table(own), self.key, self.name)

    def _store(self, outcome: str) -> None:
        """The outcome in the command's open transaction (with its change, if any), else in one
        of its own: nothing committed, or the change was rolled back."""
        for unit in self.opened:
            if unit.held or unit.ahead:
                unit.finish_command(outcome)
                return
        with self.make_uow() as own:
            commands.remember(own.session, self._table(own), self.key, self.name, outcome)
            own.session.commit()

    def _twin(self, exc: BaseException) -> Any:
        """A run with the same key committed first: answer what it answered."""
        outcome = self.stored()
        if outcome is None:
            raise exc
        return commands.replay(outcome)

    def succeeded(self, result: Any) -> Any:
        try:
            outcome = commands.result_outcome(result)
        except BaseException:
            self.release()
            raise
        try:
            self._store(outcome)
        except IntegrityError as exc:
            return self._twin(exc)
        self._housekeeping()
        return result

    def failed(self, exc: BaseException) -> Any:
        for unit in self.opened:  # a change made before the failure is rolled back
            if unit.held:
                unit.release()
        outcome = commands.error_outcome(exc)
        if outcome is None:
            self.release()
            raise exc
        try:
            self._store(outcome)
        except IntegrityError:
            return self._twin(exc)
        except Exception:
            commands.log.warning("%s: could not keep the error outcome", self.name, exc_info=True)
        raise exc

    def release(self) -> None:
        for unit in self.opened:
            unit.release()

    def _housekeeping(self) -> None:
        if PRUNE.due():
            commands.guarded(self._prune, "pruning old command outcomes")

    def _prune(self) -> None:
        with self.make_uow() as unit:
            commands.prune(unit.session, self._table(unit), utcnow(), commands.ttl())
            unit.session.commit()
