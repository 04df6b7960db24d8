"""nameko entrypoints of the grants service: thin, all logic is in handlers."""
from nameko.rpc import rpc

from shared.errors import PlatformError
from grants import handlers
from grants.dependencies import backbone


class GrantsService:
    name = "grants"

    uow = backbone()

    @rpc(expected_exceptions=PlatformError)
    def award_grant(self, data):
        return handlers.award_grant(self.uow(), data)

    @rpc(expected_exceptions=PlatformError)
    def get_grant(self, grant_id):
        return handlers.get_grant(self.uow(), grant_id)

    @rpc
    def ping(self):
        return "pong"
