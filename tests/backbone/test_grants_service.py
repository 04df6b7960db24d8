"""The grants service as a nameko container on the real broker and real databases (SQLite
and PostgreSQL): the whole path over RPC, the money events reaching metrics, overdue
reports sent once, and two racing awards of which exactly one commits."""
from datetime import date, datetime, timedelta, timezone

import eventlet
import pytest
import sqlalchemy as sa

from grants import domain, handlers, models
from grants.service import GrantsService
from grants.unit_of_work import GrantsUnitOfWork
from metrics.service import MetricsService
from shared.actors import SYSTEM, Actor
from shared.db import create_engine, session_factory
from shared.errors import Conflict, Forbidden, NotFound
from shared.uow import process_lock
from tests.grants_flow import (
    REVIEW,
    REVIEWERS,
    SYSTEM_WIRE,
    application_body,
    call_body,
    fund_body,
    funded_call_over_rpc,
    money,
    reviewed_application_over_rpc,
)
from tests.helpers import rpc_proxy, wait_until

pytestmark = pytest.mark.broker

PARTNER = {"key_id": "key_jinja", "organisation": "Jinja Municipal Council", "role": "partner",
           "scopes": ["read", "write"]}
OTHER_PARTNER = {"key_id": "key_kisumu", "organisation": "Kisumu County", "role": "partner",
                 "scopes": ["read", "write"]}


def outbox_types(url) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        types = [r[0] for r in conn.execute(sa.select(models.outbox.c.event_type).order_by(models.outbox.c.id))]
    engine.dispose()
    return types


def test_contribution_to_closeout_over_rpc_and_metrics_sees_the_money(container_factory, service_config,
                                                                      amqp_uri, database_urls):
    for cls in (GrantsService, MetricsService):
        container_factory(cls, service_config(cls.name)).start()
    with rpc_proxy(amqp_uri) as rpc:
        fund, call = funded_call_over_rpc(rpc, received="100000.00", envelope="100000.00")
        app = reviewed_application_over_rpc(rpc, call["id"], "p-1")
        with pytest.raises(NotFound):   # a partner cannot see another organisation's application
            rpc.grants.get_application(app["id"], actor=OTHER_PARTNER)
        assert rpc.grants.get_application(app["id"], actor=PARTNER)["status"] == "under_review"
        with pytest.raises(Forbidden):
            rpc.grants.determine(app["id"], {"decision": "award", "reasons": ["x"]}, actor=PARTNER)
        result = rpc.grants.determine(app["id"], {
            "decision": "award", "reasons": ["strong local ownership"],
            "tranches": [{"amount": money("30000.00")},
                         {"amount": money("10000.00"), "condition": "report_approved", "report": 1}],
            "reports": [{"title": "Final report", "due_date": (date.today() + timedelta(days=200)).isoformat(),
                         "final": True}]}, actor=SYSTEM_WIRE)
        grant = result["grant"]
        progress = wait_until(lambda: (p := rpc.metrics.get_progress())["money"]["committed"] and p,
                              message="metrics to count the committed grant")
        assert progress["money"]["committed"] == [{"currency": "USD", "amount": "40000.00"}]

        with pytest.raises(Conflict) as unsigned:   # the agreement first: signed, then countersigned
            rpc.grants.disburse(grant["id"], {"tranche": 1}, actor=SYSTEM_WIRE)
        assert "countersigned" in unsigned.value.detail
        rpc.grants.sign_agreement(grant["id"], {}, actor=PARTNER)
        rpc.grants.countersign_agreement(grant["id"], {}, actor=SYSTEM_WIRE)
        rpc.grants.disburse(grant["id"], {"tranche": 1}, actor=SYSTEM_WIRE)
        with pytest.raises(Conflict) as caught:
            rpc.grants.disburse(grant["id"], {"tranche": 2}, actor=SYSTEM_WIRE)
        assert "approved" in caught.value.detail
        rpc.grants.submit_report(grant["id"], "1", {"summary": "All built.", "results": [
            {"indicator": "people_reached", "value": 5000}]}, actor=PARTNER)
        rpc.grants.approve_report(grant["id"], "1", {}, actor=SYSTEM_WIRE)
        rpc.grants.disburse(grant["id"], {"tranche": 2}, actor=SYSTEM_WIRE)
        closed = rpc.grants.close_grant(grant["id"], {}, actor=SYSTEM_WIRE)
        assert closed["status"] == "closed" and closed["value_for_money"]["cost_per_person_reached"] == "8.00"
        balance = rpc.grants.get_fund(fund["id"], actor=SYSTEM_WIRE)["balance"]
        assert (balance["received"], balance["committed"], balance["disbursed"], balance["available"]) == (
            "100000.00", "40000.00", "40000.00", "60000.00")
    assert outbox_types(database_urls["grants"]) == [
        "fund.created", "contribution.pledged", "contribution.received", "call.opened", "application.submitted",
        "application.screened", "review.submitted", "review.submitted", "application.awarded", "grant.committed",
        "agreement.signed", "agreement.signed", "tranche.disbursed", "report.submitted", "report.approved",
        "tranche.disbursed", "grant.closed"]


def test_overdue_reports_emit_one_event_each_and_are_visible(container_factory, service_config, amqp_uri,
                                                             database_urls):
    container_factory(GrantsService, service_config("grants")).start()
    due = date.today() + timedelta(days=60)
    with rpc_proxy(amqp_uri) as rpc:
        _, call = funded_call_over_rpc(rpc)
        app = reviewed_application_over_rpc(rpc, call["id"], "p-1")
        grant = rpc.grants.determine(app["id"], {"decision": "award", "reasons": ["ok"], "reports": [
            {"title": "Final report", "due_date": due.isoformat(), "final": True}]}, actor=SYSTEM_WIRE)["grant"]
        late = datetime(due.year, due.month, due.day, tzinfo=timezone.utc) + timedelta(days=2)
        with pytest.raises(Forbidden):
            rpc.grants.sweep(late.isoformat(), actor=PARTNER)
        first = rpc.grants.sweep(late.isoformat(), actor=SYSTEM_WIRE)
        again = rpc.grants.sweep((late + timedelta(hours=1)).isoformat(), actor=SYSTEM_WIRE)
        assert (first["reports_overdue"], first["reports_due"], first["calls_closed"]) == (1, 1, 1)
        assert (again["reports_overdue"], again["reports_due"]) == (0, 0)
        report = rpc.grants.get_grant(grant["id"], actor=SYSTEM_WIRE)["reports"][0]
        assert report["overdue_at"] is not None
    types = outbox_types(database_urls["grants"])
    assert types.count("report.overdue") == 1 and types.count("report.due") == 1 and types.count("call.closed") == 1


@pytest.fixture
def grants_uow(database_urls):
    engine = create_engine(database_urls["grants"])
    sessions, lock = session_factory(engine), process_lock(engine)
    yield lambda: GrantsUnitOfWork(sessions, models.outbox, models.inbox, producer="grants", lock=lock)
    engine.dispose()


def test_two_concurrent_awards_exceeding_the_balance_commit_exactly_one(grants_uow, db_backend, monkeypatch):
    """Each award runs in its own green thread with its own database connection. The first to
    lock the fund holds its transaction open a moment (inside Grant.award), so the second is
    certainly concurrent: without the fund's row lock both would read 60,000 available and
    both commit."""
    uow = grants_uow
    fund = handlers.create_fund(uow(), fund_body(), actor=SYSTEM)
    pledge = handlers.pledge_contribution(uow(), {"fund_id": fund["id"], "contributor": "Sweden",
                                                  "amount": money("60000.00")}, actor=SYSTEM)
    handlers.receive_contribution(uow(), pledge["id"], {}, actor=SYSTEM)
    call = handlers.open_call(uow(), call_body(fund["id"], envelope="500000.00"), actor=SYSTEM)
    apps = []
    for organisation, city, country in (("Jinja Municipal Council", "Jinja", "UG"),
                                        ("Kisumu County", "Kisumu", "KE")):
        app = handlers.submit_application(uow(), application_body(
            call["id"], "p-1", amount="40000.00", applicant_organisation=organisation, city=city, country=country),
            actor=SYSTEM)
        for reviewer in REVIEWERS:
            handlers.submit_review(uow(), app["id"], REVIEW, actor=Actor.from_wire(reviewer))
        apps.append(app)

    award = domain.Grant.award.__func__
    inside = []

    def slow_award(cls, *args, **kwargs):
        inside.append(datetime.now(timezone.utc))
        eventlet.sleep(0.5)   # hold the fund's lock while the other award tries
        return award(cls, *args, **kwargs)

    monkeypatch.setattr(domain.Grant, "award", classmethod(slow_award))

    def determine(app_id):
        try:
            return handlers.determine(uow(), app_id, {"decision": "award", "reasons": ["both are good"]}, actor=SYSTEM)
        except Conflict as exc:
            return exc

    pool = eventlet.GreenPool()
    results = list(pool.imap(determine, [a["id"] for a in apps]))

    wins = [r for r in results if isinstance(r, dict)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "available balance is 20000.00 USD" in losses[0].detail
    balance = handlers.get_fund(uow(), fund["id"], actor=SYSTEM)["balance"]
    assert (balance["received"], balance["committed"], balance["available"]) == ("60000.00", "40000.00",
                                                                                  "20000.00")
    # the ledger agrees with the balance, and the loser is still under review, untouched
    ledger = handlers.fund_ledger(uow(), fund["id"], {"transaction_type": "2"}, actor=SYSTEM)["items"]
    assert [e["amount"]["amount"] for e in ledger] == ["40000.00"]
    statuses = sorted(handlers.get_application(uow(), a["id"], actor=SYSTEM)["status"] for a in apps)
    assert statuses == ["awarded", "under_review"]
    assert len(handlers.list_grants(uow(), {}, actor=SYSTEM)["items"]) == 1
    assert handlers.get_call(uow(), call["id"], actor=SYSTEM)["committed"] == money("40000.00")
