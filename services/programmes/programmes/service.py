"""nameko entrypoints of the programmes service: thin, all logic is in handlers.
Every method takes `actor`, the caller as a wire dict (shared.actors), converted once here:
internal callers pass SYSTEM.to_wire(); a call without an actor is refused (Forbidden)."""
from marshmallow import ValidationError
from nameko.timer import timer

from programmes import handlers
from programmes.access import require_admin
from programmes.dependencies import backbone
from shared.actors import Actor
from shared.config import float_env
from shared.errors import InvalidInput, PlatformError
from shared.events.fields import UTCDateTime, utcnow
from shared.runtime.commands import RequestKey, command
from shared.runtime.consuming import rpc
from shared.runtime.ops import Ops

# How often the service looks at the clock: scheduled reports coming due or overdue send their
# event (once each). PROGRAMMES_SWEEP_INTERVAL seconds, default 60.
SWEEP_INTERVAL = float_env("PROGRAMMES_SWEEP_INTERVAL", 60.0)


class ProgrammesService:
    name = "programmes"

    uow = backbone()
    ops = Ops()  # METRICS_PORT: /metrics, /livez, /readyz; RPC timing (shared.runtime.ops)
    request_key = RequestKey()  # commands run once per key: shared.runtime.commands

    # -- programmes
    @rpc(expected_exceptions=PlatformError)
    @command
    def create_programme(self, data, actor=None):
        return handlers.create_programme(self.uow(), data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def get_programme(self, programme_id, actor=None):
        return handlers.get_programme(self.uow(), programme_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_programmes(self, query=None, actor=None):
        return handlers.list_programmes(self.uow(), query, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def update_programme(self, programme_id, data, actor=None):
        return handlers.update_programme(self.uow(), programme_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def change_status(self, programme_id, data, actor=None):
        return handlers.change_status(self.uow(), programme_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def programme_totals(self, programme_id, actor=None):
        return handlers.programme_totals(self.uow(), programme_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def add_programme_city(self, programme_id, data, actor=None):
        return handlers.add_programme_city(self.uow(), programme_id, data, actor=Actor.from_wire(actor))

    # -- cities
    @rpc(expected_exceptions=PlatformError)
    @command
    def create_city(self, data, actor=None):
        created, city = handlers.create_city(self.uow(), data, actor=Actor.from_wire(actor))
        return {"created": created, "city": city}

    @rpc(expected_exceptions=PlatformError)
    def get_city(self, city_id, actor=None):
        return handlers.get_city(self.uow(), city_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_cities(self, query=None, actor=None):
        return handlers.list_cities(self.uow(), query, actor=Actor.from_wire(actor))

    # -- indicators
    @rpc(expected_exceptions=PlatformError)
    @command
    def define_indicator(self, programme_id, data, actor=None):
        return handlers.define_indicator(self.uow(), programme_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def update_indicator(self, programme_id, code, data, actor=None):
        return handlers.update_indicator(self.uow(), programme_id, code, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_indicators(self, programme_id, actor=None):
        return handlers.list_indicators(self.uow(), programme_id, actor=Actor.from_wire(actor))

    # -- results
    @rpc(expected_exceptions=PlatformError)
    @command
    def create_result(self, programme_id, data, actor=None):
        return handlers.create_result(self.uow(), programme_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def update_result(self, result_id, data, actor=None):
        return handlers.update_result(self.uow(), result_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def submit_result(self, result_id, data=None, actor=None):
        return handlers.submit_result(self.uow(), result_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def approve_result(self, result_id, data=None, actor=None, level=None):
        return handlers.approve_result(self.uow(), result_id, data, actor=Actor.from_wire(actor), level=level)

    @rpc(expected_exceptions=PlatformError)
    @command
    def return_result(self, result_id, data, actor=None):
        return handlers.return_result(self.uow(), result_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def revise_result(self, result_id, data, actor=None):
        return handlers.revise_result(self.uow(), result_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def get_result(self, result_id, actor=None):
        return handlers.get_result(self.uow(), result_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_results(self, query=None, actor=None, programme_id=None):
        return handlers.list_results(self.uow(), query, actor=Actor.from_wire(actor), programme_id=programme_id)

    # -- reporting windows (domain/periods.py)
    @rpc(expected_exceptions=PlatformError)
    def get_period_state(self, programme_id, query=None, actor=None):
        return handlers.period_state(self.uow(), programme_id, query, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def reopen_period(self, programme_id, data, actor=None):
        return handlers.reopen_period(self.uow(), programme_id, data, actor=Actor.from_wire(actor))

    # -- narratives (domain/narratives.py); the gateway keeps attachments' bytes (shared.storage)
    @rpc(expected_exceptions=PlatformError)
    @command
    def write_narrative(self, programme_id, data, actor=None):
        return handlers.write_narrative(self.uow(), programme_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def get_narrative(self, narrative_id, actor=None):
        return handlers.get_narrative(self.uow(), narrative_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def attach_file(self, narrative_id, data, actor=None):
        return handlers.attach_file(self.uow(), narrative_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def remove_attachment(self, narrative_id, attachment_id, actor=None):
        return handlers.remove_attachment(self.uow(), narrative_id, attachment_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def get_attachment(self, narrative_id, attachment_id, actor=None):
        return handlers.attachment_of(self.uow(), narrative_id, attachment_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_narratives(self, programme_id, query=None, actor=None):
        return handlers.list_narratives(self.uow(), programme_id, query, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def get_programme_report(self, programme_id, query=None, actor=None):
        return handlers.programme_report(self.uow(), programme_id, query, actor=Actor.from_wire(actor))

    # -- report schedules (domain/schedules.py)
    @rpc(expected_exceptions=PlatformError)
    @command
    def schedule_reports(self, programme_id, data, actor=None):
        return handlers.schedule_reports(self.uow(), programme_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def get_report_schedule(self, programme_id, actor=None):
        return handlers.get_report_schedule(self.uow(), programme_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def submit_scheduled_report(self, programme_id, item_id, data=None, actor=None):
        return handlers.submit_scheduled_report(self.uow(), programme_id, item_id, data,
                                                actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def approve_scheduled_report(self, programme_id, item_id, actor=None):
        return handlers.approve_scheduled_report(self.uow(), programme_id, item_id, actor=Actor.from_wire(actor))

    @timer(interval=SWEEP_INTERVAL)
    def sweep_on_timer(self):
        handlers.sweep_schedules(self.uow, utcnow())

    @rpc(expected_exceptions=PlatformError)
    def sweep(self, as_of=None, actor=None):
        """Run the timer's sweep now, optionally as of another time (tests, operations)."""
        require_admin(Actor.from_wire(actor), "run the sweep")
        try:
            now = UTCDateTime().deserialize(as_of) if as_of else utcnow()
        except ValidationError as exc:
            raise InvalidInput({"as_of": list(exc.messages)}) from None
        return handlers.sweep_schedules(self.uow, now)

    # -- IATI import (docs/iati.md): every activity of a document in one transaction
    @rpc(expected_exceptions=PlatformError)
    @command
    def import_activities(self, activities, dry_run=False, actor=None, import_id=None):
        return handlers.import_activities(self.uow(), activities, dry_run=bool(dry_run), actor=Actor.from_wire(actor),
                                          import_id=import_id)

    # -- the results sheet (gateway.spreadsheets): every row in one transaction
    @rpc(expected_exceptions=PlatformError)
    @command
    def import_results(self, rows, dry_run=False, actor=None):
        return handlers.import_results(self.uow(), rows, dry_run=bool(dry_run), actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def stage_activities(self, import_id, seq, activities, actor=None):
        return handlers.stage_activities(self.uow(), import_id, seq, activities, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def discard_import(self, import_id, actor=None):
        return handlers.discard_import(self.uow(), import_id, actor=Actor.from_wire(actor))

    @rpc
    def ping(self):
        """"pong", or "database_unavailable" when its database does not answer (the gateway's /health)."""
        return self.ops.ping()

    @rpc
    def ops_state(self):
        """Readiness, outbox backlog, dead letters (what the gateway's /metrics and `platformctl status` show)."""
        return self.ops.state()
