"""RPC to the services behind the gateway: shared.runtime.rpc.DeadlineRpc, with actors sent as
their wire form. A route passes `actor=actor_of(request).to_wire()`; an Actor passed as is
(anywhere in the call's arguments) is converted the same way, so it can never fail to
serialise or arrive as anything but the shared wire dict (Actor.from_wire reads it)."""
from typing import Any

from shared.actors import Actor
from shared.runtime.rpc import DeadlineRpc


def _wire(value: Any) -> Any:
    return value.to_wire() if isinstance(value, Actor) else value


class _ActorProxy:
    def __init__(self, proxy: Any):
        self._proxy = proxy

    def __getattr__(self, method: str) -> Any:
        target = getattr(self._proxy, method)

        def call(*args: Any, **kwargs: Any) -> Any:
            return target(*(_wire(a) for a in args), **{k: _wire(v) for k, v in kwargs.items()})
        return call


class ServiceRpc(DeadlineRpc):

    def get_dependency(self, worker_ctx):
        return _ActorProxy(super().get_dependency(worker_ctx))


class LongRpc(ServiceRpc):
    """For the few calls that may take long (an import of a large IATI document): the
    deadline is the setting `deadline_setting` (seconds), not RPC_DEADLINE_SECONDS."""

    def __init__(self, target_service: str, deadline_setting: str, default: float, **options: Any):
        super().__init__(target_service, **options)
        self.deadline_setting, self.default_deadline = deadline_setting, default

    def setup(self) -> None:
        deadline = float(self.container.config.get(self.deadline_setting, self.default_deadline))
        self.options["expiration"] = deadline
        super().setup()
        self.deadline = deadline
