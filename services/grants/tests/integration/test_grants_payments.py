"""Payment requests on the real databases (SQLite and PostgreSQL): the grantee requests a
tranche in another currency (converted at the invoice's value date, the rate kept exactly),
programme staff then finance approve with two different keys, a failed payment keeps its
reason and nothing is disbursed, the retry pays it once: one IATI 3 row, one `tranche.disbursed`."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from grants import handlers, models
from shared.actors import SYSTEM, Actor
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.grants_flow import REVIEW, application_body, call_body, fund_body, money

APPLICANT = "Jinja Municipal Council"
GRANTEE = Actor.key(key_id="key_jinja", organisation=APPLICANT, role="partner")
OTHER = Actor.key(key_id="key_kisumu", organisation="Kisumu County", role="partner")
FUND = Actor.key(key_id="key_fund", organisation="Cities Alliance Secretariat", role="admin")
STAFF = Actor.key(key_id="key_staff", organisation="Cities Alliance Secretariat", role="reader",
                  scopes=["read", "programme"])
FINANCE = Actor.key(key_id="key_finance", organisation="Cities Alliance Secretariat", role="reader",
                    scopes=["read", "finance"])
BOTH = Actor.key(key_id="key_both", organisation="Cities Alliance Secretariat", role="reader",
                 scopes=["read", "programme", "finance"])
GRANTEE_FINANCE = Actor.key(key_id="key_jinja_fin", organisation=APPLICANT, role="reader", scopes=["finance"])
REVIEWER = Actor.key(key_id="key_wb", organisation="World Bank", role="reader", scopes=["read", "review"])


@pytest.fixture
def uow(grants_db):
    return grants_db[1]


def awarded(uow):
    handlers.load_rates(uow(), {"rates": [{"from_currency": "EUR", "to_currency": "USD",
                                           "effective_date": "2020-01-01", "rate": "1.1037"}]}, actor=SYSTEM)
    fund = handlers.create_fund(uow(), fund_body(), actor=SYSTEM)
    pledge = handlers.pledge_contribution(uow(), {"fund_id": fund["id"], "contributor": "Sweden",
                                                  "amount": money("100000.00")}, actor=SYSTEM)
    handlers.receive_contribution(uow(), pledge["id"], {}, actor=SYSTEM)
    call = handlers.open_call(uow(), call_body(fund["id"], required_reviews=1), actor=SYSTEM)
    app = handlers.submit_application(uow(), application_body(call["id"], "p-1"), actor=SYSTEM)
    handlers.submit_review(uow(), app["id"], REVIEW, actor=REVIEWER)
    grant = handlers.determine(uow(), app["id"], {"decision": "award", "reasons": ["ok"]}, actor=SYSTEM)["grant"]
    return fund, grant


def act(uow, payment, action, actor, data=None):
    return handlers.act_on_payment(uow(), payment["id"], data or {}, actor=actor, action=action)


def test_a_payment_request_goes_through_two_approvals_fails_is_retried_and_is_paid_once(uow, grants_db):
    fund, grant = awarded(uow)
    with pytest.raises(NotFound):
        handlers.request_payment(uow(), grant["id"], {"tranche": 1}, actor=OTHER)
    with pytest.raises(InvalidInput) as too_much:
        handlers.request_payment(uow(), grant["id"], {"tranche": 1, "amount": money("40000.01")}, actor=GRANTEE)
    assert set(too_much.value.errors) == {"amount.amount"}
    payment = handlers.request_payment(uow(), grant["id"], {
        "tranche": 1, "amount": money("12345.67", "EUR"), "value_date": "2020-07-01", "reference": "INV-7"},
        actor=GRANTEE)
    # 12345.67 EUR x 1.1037 = 13625.916...: 13625.92 USD, the rate kept as declared
    assert (payment["amount"], payment["original_amount"], payment["exchange_rate"], payment["value_date"]) == (
        money("13625.92"), money("12345.67", "EUR"), "1.1037000000", "2020-07-01")
    assert (payment["status"], payment["allowed_actions"]) == ("submitted", ["approve_programme", "reject_programme"])

    with pytest.raises(Forbidden):          # finance's scope is not programme staff's
        act(uow, payment, "approve_programme", FINANCE)
    with pytest.raises(Forbidden):          # an admin key without the scopes approves nothing
        act(uow, payment, "approve_programme", FUND)
    with pytest.raises(Conflict, match="cannot approve finance"):
        act(uow, payment, "approve_finance", FINANCE)
    assert act(uow, payment, "approve_programme", BOTH)["programme_approved_by"] == "key_both"
    with pytest.raises(Forbidden, match="another key"):   # two approvals, two keys
        act(uow, payment, "approve_finance", BOTH)
    with pytest.raises(Forbidden, match="grantee's own keys"):
        act(uow, payment, "approve_finance", GRANTEE_FINANCE)
    approved = act(uow, payment, "approve_finance", FINANCE)
    assert (approved["status"], approved["finance_approved_by"]) == ("approved", "key_finance")

    with pytest.raises(Conflict, match="countersigned"):  # the agreement first
        act(uow, payment, "pay", FINANCE)
    handlers.sign_agreement(uow(), grant["id"], actor=GRANTEE, party="grantee")
    handlers.sign_agreement(uow(), grant["id"], actor=FUND, party="fund")
    with pytest.raises(InvalidInput):
        act(uow, payment, "fail", FINANCE, {"reason": " "})
    failed = act(uow, payment, "fail", FINANCE, {"reason": "returned by the bank: account closed"})
    assert (failed["status"], failed["failure_reason"], failed["allowed_actions"]) == (
        "payment_failed", "returned by the bank: account closed", ["retry"])
    assert handlers.get_fund(uow(), fund["id"], actor=SYSTEM)["balance"]["disbursed"] == "0.00"
    with pytest.raises(Conflict, match="payment_failed"):
        act(uow, payment, "pay", FINANCE)
    assert act(uow, payment, "retry", FINANCE)["status"] == "approved"
    paid = act(uow, payment, "pay", FINANCE, {"value_date": "2020-07-15"})
    assert (paid["status"], paid["paid_value_date"], paid["attempts"]) == ("paid", "2020-07-15", 2)
    with pytest.raises(Conflict, match="nothing can be done to a paid payment request"):
        act(uow, payment, "pay", FINANCE)

    seen = handlers.get_grant(uow(), grant["id"], actor=GRANTEE)
    assert seen["disbursed"] == money("13625.92") and seen["tranches"][0]["disbursed"] == money("13625.92")
    assert handlers.get_fund(uow(), fund["id"], actor=SYSTEM)["balance"]["disbursed"] == "13625.92"
    engine, ledger_table = grants_db[0], models.LedgerEntry.__table__
    with engine.connect() as conn:
        ledger = conn.execute(sa.select(ledger_table.c.amount, ledger_table.c.value_date)
                              .where(ledger_table.c.transaction_type == "3")).all()
        outbox = [r[0] for r in conn.execute(sa.select(models.outbox.c.event_type)).all()]
    assert [(Decimal(a), str(d)) for a, d in ledger] == [(Decimal("13625.92"), "2020-07-15")]
    assert outbox.count("tranche.disbursed") == 1 and outbox.count("payment.paid") == 1
    assert [p["status"] for p in handlers.list_payments(uow(), grant["id"], {}, actor=GRANTEE)["items"]] == ["paid"]
    with pytest.raises(NotFound):
        handlers.list_payments(uow(), grant["id"], {}, actor=OTHER)


def test_a_rejected_request_is_kept_with_its_reason_and_direct_disbursement_is_refused(uow, grants_db):
    fund, grant = awarded(uow)
    handlers.sign_agreement(uow(), grant["id"], actor=GRANTEE, party="grantee")
    handlers.sign_agreement(uow(), grant["id"], actor=FUND, party="fund")
    first = handlers.request_payment(uow(), grant["id"], {"tranche": 1, "amount": money("1000.00")}, actor=GRANTEE)
    with pytest.raises(Forbidden):     # finance's scope is not programme staff's
        act(uow, first, "reject_programme", FINANCE, {"reason": "no"})
    with pytest.raises(InvalidInput) as no_reason:
        act(uow, first, "reject_programme", STAFF, {})
    assert set(no_reason.value.errors) == {"reason"}
    rejected = act(uow, first, "reject_programme", STAFF, {"reason": "no invoice attached"})
    assert (rejected["status"], rejected["rejected_stage"], rejected["rejected_by"], rejected["rejection_reason"],
            rejected["allowed_actions"]) == ("rejected", "programme", "key_staff", "no invoice attached", [])
    second = handlers.request_payment(uow(), grant["id"], {"tranche": 1, "amount": money("2000.00")}, actor=GRANTEE)
    act(uow, second, "approve_programme", STAFF)
    assert act(uow, second, "reject_finance", FINANCE, {"reason": "over budget"})["rejected_stage"] == "finance"
    # the grant pays through payment requests now: the admin's direct disbursement bypasses no approval
    with pytest.raises(Conflict, match="paid through payment requests"):
        handlers.disburse(uow(), grant["id"], {"tranche": 1}, actor=FUND)
    statuses = handlers.list_payments(uow(), grant["id"], {"status": "rejected"}, actor=GRANTEE)["items"]
    assert sorted(p["rejection_reason"] for p in statuses) == ["no invoice attached", "over budget"]
    assert handlers.get_fund(uow(), fund["id"], actor=SYSTEM)["balance"]["disbursed"] == "0.00"
    with grants_db[0].connect() as conn:
        outbox = [r[0] for r in conn.execute(sa.select(models.outbox.c.event_type)).all()]
    assert outbox.count("payment.rejected") == 2 and "tranche.disbursed" not in outbox
