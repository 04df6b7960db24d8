"""nameko glue for commands safe to repeat (shared.commands): the `RequestKey` dependency
reads the request key from the call's context data, and `@command` runs an RPC method once
per key. The service names its unit-of-work factory `uow` and the dependency `request_key`:

    class ProgrammesService:
        uow = backbone()
        request_key = RequestKey()

        @rpc(expected_exceptions=PlatformError)
        @command
        def approve_result(self, result_id, data=None, actor=None): ...

The command's transaction opens before the method runs and first reads the key's stored
outcome; the method's `self.uow()` is that transaction, its `commit` holds it open, and the
outcome is stored in it before it commits. A call
without a request key (operator tools, tests) runs as a plain RPC."""
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from nameko.containers import WorkerContext
from nameko.exceptions import IncorrectSignature
from nameko.extensions import DependencyProvider
from sqlalchemy.exc import IntegrityError

from shared import commands
from shared.events.fields import utcnow
from shared.uow import UnitOfWork

Method = TypeVar("Method", bound=Callable[..., Any])
PRUNE = commands.PruneClock()


class RequestKey(DependencyProvider):
    def get_dependency(self, worker_ctx: WorkerContext) -> str | None:
        key = worker_ctx.data.get(commands.CONTEXT_KEY)
        return str(key)[:commands.KEY_LENGTH] if key else None


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


def command(method: Method) -> Method:
    """Run the RPC method once per request key: a repeat answers the first outcome."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def run(service: Any, *args: Any, **kwargs: Any) -> Any:
        try:  # the wrapper hides the signature from nameko's own check
            signature.bind(service, *args, **kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None
        key = service.request_key
        if not key:
            return method(service, *args, **kwargs)
        factory = service.uow
        attempt = CommandRun(factory, key, method.__name__)
        outcome = attempt.begin()
        if outcome is not None:
            return commands.replay(outcome)
        service.uow = attempt.uow
        try:
            result = method(service, *args, **kwargs)
        except Exception as exc:
            return attempt.failed(exc)
        except BaseException:  # the worker is killed: roll a held transaction back
            attempt.release()
            raise
        finally:
            service.uow = factory
        return attempt.succeeded(result)

    return cast(Method, run)
