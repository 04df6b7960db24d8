"""nameko entrypoints of the programmes service: thin, all logic is in handlers."""
from nameko.rpc import rpc

from shared.errors import PlatformError
from programmes import handlers
from programmes.dependencies import backbone


class ProgrammesService:
    name = "programmes"

    uow = backbone()

    @rpc(expected_exceptions=PlatformError)
    def create_programme(self, data):
        return handlers.create_programme(self.uow(), data)

    @rpc(expected_exceptions=PlatformError)
    def record_result(self, programme_id, data):
        return handlers.record_result(self.uow(), programme_id, data)

    @rpc(expected_exceptions=PlatformError)
    def get_programme(self, programme_id):
        return handlers.get_programme(self.uow(), programme_id)

    @rpc
    def ping(self):
        return "pong"
