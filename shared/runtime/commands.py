"""nameko glue for commands safe to repeat (shared.commands): the `RequestKey` dependency
reads the request key from the call's context data, and `@command` runs an RPC method once
per key. The service names its unit-of-work factory `uow` and the dependency `request_key`:

    class ProgrammesService:
        uow = backbone()
        request_key = RequestKey()

        @rpc(expected_exceptions=PlatformError)
        @command
        def approve_result(self, result_id, data=None, actor=None): ...

The units of work the method opens through `self.uow()` join the command: their `commit`
holds the transaction open, and the outcome is stored in it before it commits. A call
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
    """One run of `name` under `key`, through the service's unit-of-work factory."""

    def __init__(self, make_uow: Callable[[], UnitOfWork], key: str, name: str) -> None:
        self.make_uow, self.key, self.name = make_uow, key, name
        self.opened: list[UnitOfWork] = []

    def uow(self) -> UnitOfWork:
        if any(u.held for u in self.opened):
            raise RuntimeError(f"{self.name}: a command commits one unit of work")
        unit = self.make_uow()
        unit.command = (self.key, self.name)
        self.opened.append(unit)
        return unit

    def _table(self, unit: UnitOfWork) -> sa.Table:
        if unit.commands is None:
            raise RuntimeError(f"{type(unit).__name__}.commands is not set: no table for command outcomes")
        return unit.commands

    def stored(self) -> str | None:
        with self.make_uow() as unit:
            return commands.recall(unit.session, self._table(unit), self.key, self.name)

    def _store(self, outcome: str) -> None:
        with self.make_uow() as unit:
            commands.remember(unit.session, self._table(unit), self.key, self.name, outcome)
            unit.session.commit()

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
        held = [u for u in self.opened if u.held]
        try:
            if held:
                held[0].finish_command(outcome)
            else:  # nothing committed (nothing to change): the answer is still the answer
                self._store(outcome)
        except IntegrityError as exc:
            return self._twin(exc)
        self._housekeeping()
        return result

    def failed(self, exc: BaseException) -> Any:
        self.release()
        outcome = commands.error_outcome(exc)
        if outcome is None:
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
        outcome = attempt.stored()
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
