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
outcome is stored in it before it commits (shared.runtime.command_run). A call without a request
key (operator tools, tests) runs as a plain RPC."""
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from nameko.containers import WorkerContext
from nameko.exceptions import IncorrectSignature
from nameko.extensions import DependencyProvider

from shared import commands
from shared.runtime.command_run import CommandRun

Method = TypeVar("Method", bound=Callable[..., Any])


class RequestKey(DependencyProvider):
    def get_dependency(self, worker_ctx: WorkerContext) -> str | None:
        key = worker_ctx.data.get(commands.CONTEXT_KEY)
        return str(key)[:commands.KEY_LENGTH] if key else None


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
