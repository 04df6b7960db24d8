"""Payment requests in the pure domain: the lifecycle (two approvals by two keys, paid or failed
and retried), amounts within the tranche, and paying as the one step that disburses."""
from decimal import Decimal

import pytest
from grants_domain_builders import NOW, TODAY, awarded

from grants import domain
from shared.errors import Conflict, Forbidden, InvalidInput


def request(grant, amount="12000.00", tranche="1"):
    return domain.PaymentRequest.submit(
        grant, tranche_ref=tranche, amount=Decimal(amount), currency="USD", original_amount=Decimal("10000.00"),
        original_currency="EUR", rate=Decimal("1.2"), value_date=TODAY, reference=" INV-1 ", by="key_grantee",
        now=NOW)


def paying(fund, grant):
    def disburse(tranche, amount, value_date, invoiced):
        _, entry = grant.disburse(fund, tranche, amount, value_date, NOW, invoiced)
        return entry.id
    return disburse


def test_two_approvals_by_two_keys_then_paid_disburses_the_tranche_once():
    fund, _, _, grant = awarded()
    payment = request(grant)
    assert (payment.status, payment.reference, payment.exchange_rate) == ("submitted", "INV-1", Decimal("1.2"))
    with pytest.raises(Conflict, match="cannot approve finance"):
        payment.approve(grant, "finance", "key_fin", NOW)
    payment.approve(grant, "programme", "key_staff", NOW)
    with pytest.raises(Forbidden, match="another key"):
        payment.approve(grant, "finance", "key_staff", NOW)
    payment.approve(grant, "finance", "key_fin", NOW)
    payment.pay(grant, paying(fund, grant), TODAY, NOW)
    assert (payment.status, payment.attempts, grant.disbursed, fund.balance.disbursed) == (
        "paid", 1, Decimal("12000.00"), Decimal("12000.00"))
    assert [e.type for e in grant.take_events()] == ["tranche.disbursed"]
    assert [e.type for e in payment.take_events()] == ["payment.requested", "payment.approved", "payment.approved",
                                                       "payment.paid"]
    # the IATI 3 row keeps the invoiced amount, its currency and the rate used, as the request does
    entry = fund.new_entries[-1]
    assert (entry.amount, entry.currency, entry.original_amount, entry.original_currency, entry.exchange_rate,
            entry.value_date) == (Decimal("12000.00"), "USD", Decimal("10000.00"), "EUR", Decimal("1.2"), TODAY)


@pytest.mark.parametrize("stage", ["programme", "finance"])
def test_either_approval_level_rejects_with_a_reason_and_nothing_is_paid(stage):
    fund, _, _, grant = awarded()
    payment = request(grant)
    if stage == "finance":
        with pytest.raises(Conflict, match="cannot reject finance"):   # finance rejects after programme staff
            payment.reject(grant, "finance", "key_fin", "no", NOW)
        payment.approve(grant, "programme", "key_staff", NOW)
    with pytest.raises(InvalidInput) as no_reason:
        payment.reject(grant, stage, "key_x", "  ", NOW)
    assert set(no_reason.value.errors) == {"reason"}
    payment.reject(grant, stage, "key_x", " invoice does not match the tranche ", NOW)
    assert (payment.status, payment.rejected_stage, payment.rejected_by, payment.rejection_reason) == (
        "rejected", stage, "key_x", "invoice does not match the tranche")
    assert domain.PAYMENT_LIFECYCLE["rejected"] == {}
    with pytest.raises(Conflict, match="rejected"):
        payment.pay(grant, paying(fund, grant), TODAY, NOW)
    rejected = payment.take_events()[-1]
    assert (rejected.type, rejected.payload["stage"], rejected.payload["reason"], rejected.payload["status"]) == (
        "payment.rejected", stage, "invoice does not match the tranche", "rejected")
    assert grant.disbursed == 0 and request(grant).status == "submitted"   # the grantee may request again


def test_a_grant_with_payment_requests_is_not_disbursed_directly():
    _, _, _, grant = awarded()
    domain.check_direct_disbursement(grant, uses_payment_requests=False)
    with pytest.raises(Conflict, match="paid through payment requests"):
        domain.check_direct_disbursement(grant, uses_payment_requests=True)


def test_a_failed_payment_moves_no_money_and_is_retried():
    fund, _, _, grant = awarded()
    payment = request(grant)
    payment.approve(grant, "programme", "key_staff", NOW)
    payment.approve(grant, "finance", "key_fin", NOW)
    with pytest.raises(InvalidInput):
        payment.fail(grant, "  ", NOW)
    payment.fail(grant, "account closed", NOW)
    assert (payment.status, payment.failure_reason, grant.disbursed) == ("payment_failed", "account closed", 0)
    with pytest.raises(Conflict, match="payment_failed"):
        payment.pay(grant, paying(fund, grant), TODAY, NOW)
    payment.retry(grant, NOW)
    payment.pay(grant, paying(fund, grant), TODAY, NOW)
    assert (payment.status, payment.attempts, grant.disbursed) == ("paid", 2, Decimal("12000.00"))


def test_a_request_stays_within_its_tranche_and_pays_only_a_countersigned_grant():
    fund, _, _, grant = awarded(signed=False)
    with pytest.raises(InvalidInput) as too_much:
        request(grant, amount="40000.01")
    assert set(too_much.value.errors) == {"amount.amount"}
    with pytest.raises(InvalidInput, match="no tranche"):
        request(grant, tranche="9")
    payment = request(grant)
    payment.approve(grant, "programme", "key_staff", NOW)
    payment.approve(grant, "finance", "key_fin", NOW)
    with pytest.raises(Conflict, match="countersigned"):
        payment.pay(grant, paying(fund, grant), TODAY, NOW)
    assert payment.status == "approved" and grant.disbursed == 0
