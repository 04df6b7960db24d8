"""nameko entrypoints of the grants service: thin, all logic is in the use cases. Each RPC
takes the caller as a wire actor (shared.actors) and converts it here, once: an RPC that
names no actor is refused; internal callers pass SYSTEM.to_wire()."""
import logging

from marshmallow import ValidationError
from nameko.dependency_providers import Config
from nameko.timer import timer

from grants import access, domain, handlers
from grants.dependencies import backbone
from shared.actors import Actor
from shared.config import float_env
from shared.errors import InvalidInput, PlatformError
from shared.events.fields import UTCDateTime, utcnow
from shared.runtime.commands import RequestKey, command
from shared.runtime.consuming import rpc
from shared.runtime.ops import Ops

log = logging.getLogger(__name__)

# How often the service looks at the clock: calls past their deadline close, reports coming
# due or overdue send their event (once each). GRANTS_SWEEP_INTERVAL seconds, default 60.
SWEEP_INTERVAL = float_env("GRANTS_SWEEP_INTERVAL", 60.0)


class GrantsService:
    name = "grants"

    uow = backbone()
    ops = Ops()  # METRICS_PORT: /metrics, /livez, /readyz; RPC timing (shared.runtime.ops)
    request_key = RequestKey()  # commands run once per key: shared.runtime.commands
    config = Config()

    # funds, rates, contributions
    @rpc(expected_exceptions=PlatformError)
    @command
    def create_fund(self, data, actor=None):
        return handlers.create_fund(self.uow(), data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def get_fund(self, fund_id, actor=None):
        return handlers.get_fund(self.uow(), fund_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_funds(self, query=None, actor=None, cursor=None):
        return handlers.list_funds(self.uow(), query, cursor, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def fund_ledger(self, fund_id, query=None, actor=None, cursor=None):
        return handlers.fund_ledger(self.uow(), fund_id, query, cursor, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def load_rates(self, data, actor=None):
        return handlers.load_rates(self.uow(), data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_rates(self, query=None, actor=None, cursor=None):
        return handlers.list_rates(self.uow(), query, cursor, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def pledge_contribution(self, data, actor=None):
        return handlers.pledge_contribution(self.uow(), data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def receive_contribution(self, contribution_id, data=None, actor=None):
        return handlers.receive_contribution(self.uow(), contribution_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def get_contribution(self, contribution_id, actor=None):
        return handlers.get_contribution(self.uow(), contribution_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_contributions(self, query=None, actor=None, cursor=None):
        return handlers.list_contributions(self.uow(), query, cursor, actor=Actor.from_wire(actor))

    # calls, applications, reviews, determinations
    @rpc(expected_exceptions=PlatformError)
    @command
    def open_call(self, data, actor=None):
        return handlers.open_call(self.uow(), data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def close_call(self, call_id, actor=None):
        return handlers.close_call(self.uow(), call_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def get_call(self, call_id, actor=None):
        return handlers.get_call(self.uow(), call_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_calls(self, query=None, actor=None, cursor=None):
        return handlers.list_calls(self.uow(), query, cursor, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def submit_application(self, data, actor=None, programme=None):
        return handlers.submit_application(self.uow(), data, programme, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def get_application(self, application_id, actor=None):
        return handlers.get_application(self.uow(), application_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_applications(self, query=None, actor=None, cursor=None):
        return handlers.list_applications(self.uow(), query, cursor, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def withdraw_application(self, application_id, data=None, actor=None):
        return handlers.withdraw_application(self.uow(), application_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def submit_review(self, application_id, data, actor=None):
        return handlers.submit_review(self.uow(), application_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_reviews(self, query=None, actor=None, cursor=None):
        return handlers.list_reviews(self.uow(), query, cursor, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def declare_conflict(self, application_id, data, actor=None):
        return handlers.declare_conflict(self.uow(), application_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def assign_reviewer(self, application_id, data, actor=None):
        return handlers.assign_reviewer(self.uow(), application_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def determine(self, application_id, data, actor=None):
        return handlers.determine(self.uow(), application_id, data, actor=Actor.from_wire(actor))

    # grants after the award
    @rpc(expected_exceptions=PlatformError)
    def get_grant(self, grant_id, actor=None):
        return handlers.get_grant(self.uow(), grant_id, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_grants(self, query=None, actor=None, cursor=None):
        return handlers.list_grants(self.uow(), query, cursor, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def disburse(self, grant_id, data, actor=None):
        return handlers.disburse(self.uow(), grant_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def sign_agreement(self, grant_id, data=None, actor=None):
        return handlers.sign_agreement(self.uow(), grant_id, data, actor=Actor.from_wire(actor), party="grantee")

    @rpc(expected_exceptions=PlatformError)
    @command
    def countersign_agreement(self, grant_id, data=None, actor=None):
        return handlers.sign_agreement(self.uow(), grant_id, data, actor=Actor.from_wire(actor), party="fund")

    @rpc(expected_exceptions=PlatformError)
    @command
    def request_payment(self, grant_id, data, actor=None):
        return handlers.request_payment(self.uow(), grant_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def act_on_payment(self, payment_id, action, data=None, actor=None):
        """`action`: approve_programme, approve_finance, reject_programme, reject_finance, pay, fail or retry."""
        if action not in ("approve_programme", "approve_finance", "reject_programme", "reject_finance", "pay",
                          "fail", "retry"):
            raise InvalidInput({"action": [f"no such payment action {action!r}"]})
        return handlers.act_on_payment(self.uow(), payment_id, data, actor=Actor.from_wire(actor), action=action)

    @rpc(expected_exceptions=PlatformError)
    def list_payments(self, grant_id, query=None, actor=None, cursor=None):
        return handlers.list_payments(self.uow(), grant_id, query, cursor, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    def list_disbursements(self, query=None, actor=None, cursor=None):
        return handlers.list_disbursements(self.uow(), query, cursor, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def submit_report(self, grant_id, report_id, data, actor=None):
        return handlers.submit_report(self.uow(), grant_id, report_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def approve_report(self, grant_id, report_id, data=None, actor=None):
        return handlers.review_report(self.uow(), grant_id, report_id, data,
                                       actor=Actor.from_wire(actor), approve=True)

    @rpc(expected_exceptions=PlatformError)
    @command
    def request_report_changes(self, grant_id, report_id, data=None, actor=None):
        return handlers.review_report(self.uow(), grant_id, report_id, data,
                                       actor=Actor.from_wire(actor), approve=False)

    @rpc(expected_exceptions=PlatformError)
    def list_reports(self, query=None, actor=None, cursor=None):
        return handlers.list_reports(self.uow(), query, cursor, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def close_grant(self, grant_id, data=None, actor=None):
        return handlers.close_grant(self.uow(), grant_id, data, actor=Actor.from_wire(actor))

    @rpc(expected_exceptions=PlatformError)
    @command
    def cancel_grant(self, grant_id, data, actor=None):
        return handlers.cancel_grant(self.uow(), grant_id, data, actor=Actor.from_wire(actor))

    # the passing of time
    @timer(interval=SWEEP_INTERVAL)
    def sweep_on_timer(self):
        handlers.sweep(self.uow, utcnow(), self._notice_days())

    @rpc(expected_exceptions=PlatformError)
    def sweep(self, as_of=None, actor=None):
        """Run the timer's sweep now, optionally as of another time (tests, operations)."""
        access.require_admin(Actor.from_wire(actor), "running the sweep")
        try:
            now = UTCDateTime().deserialize(as_of) if as_of else utcnow()
        except ValidationError as exc:
            raise InvalidInput({"as_of": list(exc.messages)}) from None
        return handlers.sweep(self.uow, now, self._notice_days())

    def _notice_days(self) -> int:
        return int(self.config.get("REPORT_NOTICE_DAYS", domain.DEFAULT_REPORT_NOTICE_DAYS))

    @rpc
    def ping(self):
        """"pong", or "database_unavailable" when its database does not answer (the gateway's /health)."""
        return self.ops.ping()

    @rpc
    def ops_state(self):
        """Readiness, outbox backlog, dead letters (what the gateway's /metrics and `platformctl status` show)."""
        return self.ops.state()
