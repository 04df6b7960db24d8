"""Payment requests per tranche: submitted by the grantee, approved by programme staff and then
by finance (two approvals by two different keys), then paid, which disburses the tranche
(IATI 3, `tranche.disbursed`: the only step that moves money, so metrics counts it once); a
payment that fails is `payment_failed` with its reason and may be retried. Either approval level
may instead reject the request, with a reason (`rejected`: final; the grantee may request again). Every amount carries
its currency, value date and the exchange rate used."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from grants.domain.common import Lifecycle, Payload, check_transition, fmt, new_id
from grants.domain.grants import Grant
from shared.aggregate import EventsMixin
from shared.errors import Conflict, Forbidden, InvalidInput

PAYMENT_LIFECYCLE: Lifecycle = {
    "submitted": {"approve_programme": "programme_approved", "reject_programme": "rejected"},
    "programme_approved": {"approve_finance": "approved", "reject_finance": "rejected"},
    "approved": {"pay": "paid", "fail": "payment_failed"},
    "payment_failed": {"retry": "approved"},
    "paid": {},
    "rejected": {},
}


def check_direct_disbursement(grant: Grant, uses_payment_requests: bool) -> None:
    """A grant whose grantee has requested a payment is paid only through approved payment
    requests: an administrator's direct disbursement would bypass both approvals."""
    if uses_payment_requests:
        raise Conflict(f"grant {grant.id} is paid through payment requests: a tranche is disbursed when finance "
                       f"pays an approved request (POST /v1/payments/{{id}}/payment), not directly")


@dataclass
class PaymentRequest(EventsMixin):
    id: str
    grant_id: str
    tranche_id: str
    tranche_number: int
    amount: Decimal                 # in the grant's currency
    currency: str
    original_amount: Decimal        # as invoiced
    original_currency: str
    exchange_rate: Decimal          # 1 original_currency = rate currency, at value_date
    value_date: date                # the invoice's; the payment's is paid_value_date
    reference: str
    status: str
    submitted_by: str
    submitted_at: datetime
    programme_approved_by: str | None = None
    programme_approved_at: datetime | None = None
    finance_approved_by: str | None = None
    finance_approved_at: datetime | None = None
    paid_at: datetime | None = None
    paid_value_date: date | None = None
    disbursement_id: str | None = None
    failure_reason: str | None = None
    failed_at: datetime | None = None
    attempts: int = 0
    rejected_stage: str | None = None   # programme | finance: the level that rejected it
    rejected_by: str | None = None
    rejected_at: datetime | None = None
    rejection_reason: str | None = None

    @classmethod
    def submit(cls, grant: Grant, *, tranche_ref: str, amount: Decimal, currency: str, original_amount: Decimal,
               original_currency: str, rate: Decimal, value_date: date, reference: str, by: str,
               now: datetime) -> PaymentRequest:
        grant.check_allowed("disburse")
        tranche = grant.tranche(tranche_ref)
        check_transition("tranche", {"planned": {"request_payment": "planned"}}, tranche.status, "request_payment")
        if amount > tranche.remaining:
            raise InvalidInput({"amount.amount": [f"exceeds what is left of tranche {tranche.number} "
                                                  f"({fmt(tranche.remaining, grant.currency)})"]})
        request = cls(id=new_id(), grant_id=grant.id, tranche_id=tranche.id, tranche_number=tranche.number,
                      amount=amount, currency=currency, original_amount=original_amount,
                      original_currency=original_currency, exchange_rate=rate, value_date=value_date,
                      reference=reference.strip(), status="submitted", submitted_by=by, submitted_at=now)
        request._record(grant, "payment.requested", now)
        return request

    def _record(self, grant: Grant, event_type: str, now: datetime, **extra: object) -> None:
        self.record(event_type, {**grant.context(), **self.summary(), **extra, "at": now})

    def summary(self) -> Payload:
        return {"payment_id": self.id, "tranche_id": self.tranche_id, "tranche_number": self.tranche_number,
                "amount": self.amount, "original_amount": self.original_amount,
                "original_currency": self.original_currency, "exchange_rate": self.exchange_rate,
                "value_date": self.value_date, "status": self.status}

    def approve(self, grant: Grant, stage: str, by: str, now: datetime) -> None:
        """`stage`: "programme" then "finance", by two different keys."""
        check_transition("payment request", PAYMENT_LIFECYCLE, self.status, f"approve_{stage}")
        if stage == "finance":
            if by == self.programme_approved_by:
                raise Forbidden("finance approves with another key than the programme approval's")
            self.finance_approved_by, self.finance_approved_at, self.status = by, now, "approved"
        else:
            self.programme_approved_by, self.programme_approved_at, self.status = by, now, "programme_approved"
        self._record(grant, "payment.approved", now, stage=stage, approved_by=by)

    def reject(self, grant: Grant, stage: str, by: str, reason: str, now: datetime) -> None:
        """Programme staff reject a submitted request, finance one programme staff approved."""
        check_transition("payment request", PAYMENT_LIFECYCLE, self.status, f"reject_{stage}")
        if not reason.strip():
            raise InvalidInput({"reason": ["say why the payment request is rejected"]})
        self.status, self.rejected_stage, self.rejected_by = "rejected", stage, by
        self.rejected_at, self.rejection_reason = now, reason.strip()
        self._record(grant, "payment.rejected", now, stage=stage, rejected_by=by, reason=self.rejection_reason)

    def pay(self, grant: Grant, disburse: object, value_date: date, now: datetime) -> None:
        """Pay: `disburse(tranche_number, amount, value_date, invoiced)` disburses the tranche (its
        checks: agreement countersigned, condition met, what is left) and gives the ledger entry's
        id; the IATI 3 row keeps the invoiced amount, its currency and the rate used."""
        check_transition("payment request", PAYMENT_LIFECYCLE, self.status, "pay")
        assert callable(disburse)
        invoiced = (self.original_amount, self.original_currency, self.exchange_rate)
        self.disbursement_id = disburse(str(self.tranche_number), self.amount, value_date, invoiced)
        self.status, self.paid_at, self.paid_value_date = "paid", now, value_date
        self.attempts += 1
        self._record(grant, "payment.paid", now, paid_value_date=value_date, disbursement_id=self.disbursement_id)

    def fail(self, grant: Grant, reason: str, now: datetime) -> None:
        check_transition("payment request", PAYMENT_LIFECYCLE, self.status, "fail")
        if not reason.strip():
            raise InvalidInput({"reason": ["say why the payment failed"]})
        self.status, self.failure_reason, self.failed_at = "payment_failed", reason.strip(), now
        self.attempts += 1
        self._record(grant, "payment.failed", now, reason=self.failure_reason)

    def retry(self, grant: Grant, now: datetime) -> None:
        check_transition("payment request", PAYMENT_LIFECYCLE, self.status, "retry")
        self.status = "approved"
        self._record(grant, "payment.retried", now, previous_failure=self.failure_reason)
