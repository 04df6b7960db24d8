"""Grants: an award commits money from the fund; tranches are disbursed once their conditions
hold; reports fall due; the grant ends closed out (final report approved) or cancelled, and
either way the undisbursed part returns to the fund."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from grants.domain.agreements import check_payable
from grants.domain.applications import Application
from grants.domain.awards import award_plan
from grants.domain.calls import Call
from grants.domain.common import (
    DISBURSEMENT,
    OUTGOING_COMMITMENT,
    Lifecycle,
    Payload,
    check_transition,
    fmt,
    money,
    new_id,
)
from grants.domain.funds import Fund, LedgerEntry
from grants.domain.reports import REPORT_LIFECYCLE, TRANCHE_LIFECYCLE, Report, Tranche
from shared.aggregate import EventsMixin
from shared.errors import Conflict, InvalidInput, NotFound

GRANT_LIFECYCLE: Lifecycle = {
    "active": {"disburse": "active", "submit_report": "active", "approve_report": "active",
               "request_report_changes": "active", "close": "closed", "cancel": "cancelled",
               "sign_agreement": "active"},
    "closed": {},
    "cancelled": {},
}


@dataclass
class Grant(EventsMixin):
    id: str
    application_id: str | None
    call_id: str | None
    fund_id: str | None
    window: str | None
    theme: str | None
    country: str | None
    city: str | None
    recipient: str                      # the recipient organisation
    recipient_type: str | None
    programme_id: str
    programme_iati_identifier: str | None
    amount: Decimal                     # the commitment
    currency: str
    disbursed: Decimal
    returned: Decimal
    status: str
    targets: list[dict[str, Any]]
    awarded_at: datetime
    updated_at: datetime
    tranches: list[Tranche] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    closed_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    # the agreement (domain.agreements): the grantee signs, the fund countersigns
    agreement_status: str = "unsigned"
    grantee_signed_by: str | None = None
    grantee_signed_at: datetime | None = None
    fund_signed_by: str | None = None
    fund_signed_at: datetime | None = None

    @property
    def undisbursed(self) -> Decimal:
        return money(self.amount - self.disbursed - self.returned)

    @classmethod
    def award(cls, app: Application, fund: Fund, call: Call, *, amount: Decimal | None,
              tranches: list[dict[str, Any]] | None, reports: list[dict[str, Any]] | None,
              now: datetime) -> tuple[Grant, LedgerEntry]:
        """Commit money to a new grant: within the fund's available balance and the call's envelope."""
        amount = app.amount_requested if amount is None else money(amount)
        if amount > app.amount_requested:
            raise InvalidInput({"amount.amount": [
                f"must not exceed the amount requested ({fmt(app.amount_requested, app.currency)})"]})
        grant_id = new_id()
        tranche_objs, report_objs = award_plan(grant_id, amount, fund.currency, now.date(), tranches=tranches,
                                               reports=reports)
        call.commit(amount)
        grant = cls(id=grant_id, application_id=app.id, call_id=call.id, fund_id=fund.id, window=fund.window,
                    theme=app.theme, country=app.country, city=app.city, recipient=app.applicant_organisation,
                    recipient_type=app.applicant_type, programme_id=app.programme_id,
                    programme_iati_identifier=app.programme_iati_identifier, amount=amount, currency=fund.currency,
                    disbursed=Decimal("0.00"), returned=Decimal("0.00"), status="active",
                    targets=[dict(t) for t in app.targets], awarded_at=now, updated_at=now,
                    tranches=tranche_objs, reports=report_objs)
        entry = fund.post(OUTGOING_COMMITMENT, amount, now=now, value_date=now.date(),
                          description=f"grant to {grant.recipient}", grant_id=grant.id)
        app.grant_id = grant.id
        return grant, entry

    # --- events ---------------------------------------------------------------------------

    def context(self) -> Payload:
        """What every event about the grant says of it."""
        return {
            "fund_id": self.fund_id, "window": self.window, "grant_id": self.id,
            "application_id": self.application_id, "call_id": self.call_id, "theme": self.theme,
            "country": self.country, "city": self.city, "recipient_organisation": self.recipient,
            "recipient_type": self.recipient_type, "programme_id": self.programme_id,
            "programme_iati_identifier": self.programme_iati_identifier, "currency": self.currency}

    def report_context(self, report: Report) -> Payload:
        return {**self.context(), **report.context()}

    def record_committed(self, fund: Fund, call: Call, now: datetime) -> None:
        self.record("grant.committed", {
            **self.context(), "transaction_type": OUTGOING_COMMITMENT, "amount": self.amount,
            "tranches": [t.summary() for t in self.tranches], "reports": [r.obligation() for r in self.reports],
            "targets": self.targets, "call_envelope": call.envelope, "call_committed": call.committed,
            "fund_balance": fund.balance.as_dict(), "committed_at": now})

    # --- the lifecycle --------------------------------------------------------------------

    def check_allowed(self, action: str) -> None:
        """Conflict unless the grant's status allows `action` and the grant has a fund to act on."""
        check_transition("grant", GRANT_LIFECYCLE, self.status, action)
        if self.fund_id is None:
            raise Conflict("this grant was recorded before funds existed; it has no fund to act on")

    def tranche(self, tranche_id: str) -> Tranche:
        for t in self.tranches:
            if t.id == tranche_id or str(t.number) == str(tranche_id):
                return t
        raise InvalidInput({"tranche": [f"this grant has no tranche {tranche_id!r} "
                                        f"(tranches: {', '.join(str(t.number) for t in self.tranches)})"]})

    def report(self, report_id: str) -> Report:
        for r in self.reports:
            if r.id == report_id or str(r.number) == str(report_id):
                return r
        raise NotFound("report", report_id)

    def disburse(self, fund: Fund, tranche_ref: str, amount: Decimal | None, value_date: date,
                 now: datetime, invoiced: tuple[Decimal, str, Decimal] | None = None) -> tuple[Tranche, LedgerEntry]:
        """`invoiced`: (amount, currency, rate) of the payment request paid, kept on the ledger row."""
        self.check_allowed("disburse")
        check_payable(self)
        tranche = self.tranche(tranche_ref)
        check_transition("tranche", TRANCHE_LIFECYCLE, tranche.status, "disburse")
        if tranche.condition == "report_approved":
            report = next(r for r in self.reports if r.id == tranche.condition_report_id)
            if report.status != "approved":
                raise Conflict(f"tranche {tranche.number} is released when report {report.number} "
                               f"({report.title!r}) is approved; it is {report.status}")
        amount = tranche.remaining if amount is None else money(amount)
        if amount > tranche.remaining:
            raise InvalidInput({"amount.amount": [f"exceeds what is left of tranche {tranche.number} "
                                                  f"({fmt(tranche.remaining, self.currency)})"]})
        if amount > self.undisbursed:
            raise InvalidInput({"amount.amount": [f"exceeds the undisbursed commitment "
                                                  f"({fmt(self.undisbursed, self.currency)})"]})
        original, currency, rate = invoiced or (amount, self.currency, Decimal(1))
        entry = fund.post(DISBURSEMENT, amount, now=now, value_date=value_date,
                          original_amount=original, original_currency=currency, exchange_rate=rate,
                          description=f"tranche {tranche.number} to {self.recipient}", grant_id=self.id,
                          tranche_id=tranche.id)
        tranche.disbursed = money(tranche.disbursed + amount)
        if tranche.remaining == 0:
            tranche.status, tranche.disbursed_at = "disbursed", now
        self.disbursed = money(self.disbursed + amount)
        self.updated_at = now
        self.record("tranche.disbursed", {
            **self.context(), "disbursement_id": entry.id, "tranche_id": tranche.id,
            "tranche_number": tranche.number, "transaction_type": DISBURSEMENT, "amount": entry.amount,
            "value_date": entry.value_date, "grant_committed": self.amount, "grant_disbursed": self.disbursed,
            "original_amount": entry.original_amount, "original_currency": entry.original_currency,
            "exchange_rate": entry.exchange_rate,
            "fund_balance": fund.balance.as_dict(), "disbursed_at": now})
        return tranche, entry

    def submit_report(self, report_id: str, summary: str, results: list[dict[str, Any]],
                      now: datetime) -> tuple[Report, str]:
        self.check_allowed("submit_report")
        report = self.report(report_id)
        check_transition("report", REPORT_LIFECYCLE, report.status, "submit")
        previous = report.status
        report.status, report.summary, report.results, report.submitted_at = "submitted", summary, \
            [dict(r) for r in results], now
        self.updated_at = now
        self.record("report.submitted", {**self.report_context(report), "results": report.results,
                                         "previous_status": previous, "status": report.status,
                                         "submitted_at": now})
        return report, previous

    def review_report(self, report_id: str, approve: bool, feedback: str, now: datetime) -> tuple[Report, str]:
        self.check_allowed("approve_report" if approve else "request_report_changes")
        report = self.report(report_id)
        check_transition("report", REPORT_LIFECYCLE, report.status, "approve" if approve else "request_changes")
        previous = report.status
        report.feedback = feedback or ""
        if approve:
            report.status, report.approved_at = "approved", now
            self.record("report.approved", {**self.report_context(report), "results": report.results,
                                            "previous_status": previous, "status": report.status,
                                            "approved_at": now})
        else:
            report.status = "due"
        self.updated_at = now
        return report, previous

    def _end(self, fund: Fund, call: Call | None, status: str, now: datetime, description: str) -> Payload:
        returned = self.undisbursed
        if returned > 0:
            fund.post(OUTGOING_COMMITMENT, -returned, now=now, value_date=now.date(),
                      description=description, grant_id=self.id)
            if call is not None:
                call.release(returned)
        for tranche in self.tranches:
            if tranche.status == "planned":
                tranche.status = "cancelled"
        previous, self.status = self.status, status
        self.returned = money(self.returned + returned)
        self.updated_at = now
        return {**self.context(), "transaction_type": OUTGOING_COMMITMENT, "committed": self.amount,
                "disbursed": self.disbursed, "returned": returned, "previous_status": previous,
                "status": self.status, "fund_balance": fund.balance.as_dict()}

    def close(self, fund: Fund, call: Call | None, now: datetime) -> tuple[str, Decimal]:
        self.check_allowed("close")
        final = next((r for r in self.reports if r.final), None)
        if final is None or final.status != "approved":
            state = final.status if final else "missing"
            raise Conflict(f"closeout needs the final report approved; it is {state}")
        payload = self._end(fund, call, "closed", now, f"undisbursed balance of a closed grant to "
                                                       f"{self.recipient} returned")
        self.closed_at = now
        self.record("grant.closed", {**payload, "closed_at": now})
        return payload["previous_status"], payload["returned"]

    def cancel(self, fund: Fund, call: Call | None, reason: str, now: datetime) -> tuple[str, Decimal]:
        self.check_allowed("cancel")
        payload = self._end(fund, call, "cancelled", now, f"grant to {self.recipient} cancelled: "
                                                          f"undisbursed part returned")
        self.cancelled_at, self.cancel_reason = now, reason.strip()
        self.record("grant.cancelled", {**payload, "reason": self.cancel_reason, "cancelled_at": now})
        return payload["previous_status"], payload["returned"]

    # --- reporting obligations over time --------------------------------------------------

    def reports_coming_due(self, today: date, notice_days: int) -> list[Report]:
        """Reports whose due date is within the notice period and not yet notified."""
        if self.status != "active":
            return []
        return [r for r in self.reports if r.status == "due" and r.due_notified_at is None
                and r.due_date - timedelta(days=notice_days) <= today]

    def reports_newly_overdue(self, today: date) -> list[Report]:
        if self.status != "active":
            return []
        return [r for r in self.reports if r.is_overdue(today) and r.overdue_at is None]

    def notify_reports(self, now: datetime, notice_days: int) -> tuple[int, int]:
        """Mark and announce reports coming due and newly overdue, once each: (due, overdue)."""
        today = now.date()
        coming, late = self.reports_coming_due(today, notice_days), self.reports_newly_overdue(today)
        for report in coming:
            report.due_notified_at = now
            self.record("report.due", {**self.report_context(report), "status": report.status,
                                       "notified_at": now})
        for report in late:
            report.overdue_at = now
            self.record("report.overdue", {**self.report_context(report), "status": report.status,
                                           "days_overdue": (today - report.due_date).days, "overdue_at": now})
        return len(coming), len(late)

    def people_reached(self) -> int | None:
        """People reached as the approved reports tell (the latest approved report's figure)."""
        approved = sorted((r for r in self.reports if r.status == "approved"), key=lambda r: r.number)
        figures = [next((x["value"] for x in r.results if x["indicator"] == "people_reached"), None)
                   for r in approved]
        found = [f for f in figures if f is not None]
        return int(found[-1]) if found else None
