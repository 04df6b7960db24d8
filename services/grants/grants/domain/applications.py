"""Applications to a call: submitted, screened against the fund's and the call's rules (every
failure listed), reviewed by reviewers of other organisations, and determined."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from grants.domain.calls import Call
from grants.domain.common import (
    Errors,
    Lifecycle,
    Payload,
    check_ceiling,
    check_transition,
    money,
    new_id,
    same_organisation,
)
from grants.domain.funds import Fund
from grants.domain.screening import screening_failures
from shared.aggregate import EventsMixin
from shared.errors import Conflict, Forbidden, InvalidInput

APPLICATION_LIFECYCLE: Lifecycle = {
    "submitted": {"screen": "under_review|ineligible"},
    "under_review": {"review": "under_review", "award": "awarded", "reject": "rejected",
                     "withdraw": "withdrawn"},
    "ineligible": {},
    "awarded": {},
    "rejected": {},
    "withdrawn": {},
}


@dataclass
class Review:
    id: str
    application_id: str
    reviewer: str                 # the identity: the API key's id (an internal call names one)
    reviewer_organisation: str    # the key's organisation
    scores: dict[str, int]
    total_score: int
    recommendation: str
    comment: str
    reviewed_at: datetime
    reviewer_name: str = ""       # a display label from the request: never an identity


def reviewers(reviews: list[Review]) -> set[str]:
    """The distinct reviewer identities among `reviews` (what `required_reviews` counts)."""
    return {r.reviewer for r in reviews}


@dataclass
class Application(EventsMixin):
    id: str
    call_id: str
    fund_id: str
    window: str
    applicant_organisation: str
    applicant_type: str
    title: str
    city: str
    country: str
    theme: str
    amount_requested: Decimal
    currency: str
    project_cost: Decimal
    proposal: str
    answers: dict[str, str]
    programme_id: str
    programme_iati_identifier: str | None
    targets: list[dict[str, Any]]
    status: str
    failures: list[dict[str, str]]
    submitted_at: datetime
    updated_at: datetime
    decision_reasons: list[str] = field(default_factory=list)
    determined_at: datetime | None = None
    grant_id: str | None = None
    # organisations named as partners: their reviewers are conflicted (domain.conflicts)
    partner_organisations: list[str] = field(default_factory=list)

    @classmethod
    def submit(cls, fund: Fund, call: Call, *, applicant_organisation: str, applicant_type: str, title: str,
               city: str, country: str, theme: str, amount_requested: Payload, project_cost: Payload,
               proposal: str, answers: dict[str, str], programme_id: str, programme_iati_identifier: str | None,
               targets: list[dict[str, Any]], now: datetime,
               partner_organisations: list[str] | None = None) -> Application:
        call.check_accepts(now)
        errors: Errors = {}
        for name, value in (("amount_requested", amount_requested), ("project_cost", project_cost)):
            if value["currency"] != fund.currency:
                errors[f"{name}.currency"] = [f"must be the fund's currency {fund.currency}"]
        indicators = [t["indicator"] for t in targets]
        if len(set(indicators)) != len(indicators):
            errors["targets"] = ["an indicator is listed more than once"]
        for code in sorted(set(answers) - {q["code"] for q in call.questions}):
            errors[f"answers.{code}"] = ["the call asks no such question"]
        if errors:
            raise InvalidInput(errors)
        check_ceiling(money(project_cost["amount"]), "project_cost.amount", fund.currency)
        app = cls(
            id=new_id(), call_id=call.id, fund_id=fund.id, window=fund.window,
            applicant_organisation=" ".join(applicant_organisation.split()), applicant_type=applicant_type,
            title=title.strip(), city=city.strip(), country=country, theme=theme,
            amount_requested=money(amount_requested["amount"]), currency=fund.currency,
            project_cost=money(project_cost["amount"]), proposal=proposal, answers=dict(answers),
            programme_id=programme_id, programme_iati_identifier=programme_iati_identifier,
            targets=[dict(t) for t in targets], status="submitted", failures=[], submitted_at=now, updated_at=now,
            partner_organisations=[" ".join(p.split()) for p in partner_organisations or []])
        app.record("application.submitted", {**app.context(), "submitted_at": now})
        return app

    def context(self) -> Payload:
        """What every event about the application says of it."""
        return {
            "fund_id": self.fund_id, "window": self.window, "application_id": self.id, "call_id": self.call_id,
            "theme": self.theme, "country": self.country, "city": self.city,
            "applicant_organisation": self.applicant_organisation, "applicant_type": self.applicant_type,
            "programme_id": self.programme_id, "programme_iati_identifier": self.programme_iati_identifier,
            "amount_requested": self.amount_requested, "project_cost": self.project_cost, "currency": self.currency,
            "targets": [dict(t) for t in self.targets]}

    def screen(self, fund: Fund, call: Call, now: datetime) -> str:
        check_transition("application", APPLICATION_LIFECYCLE, self.status, "screen")
        self.failures = screening_failures(self, fund, call)
        previous, self.status = self.status, ("ineligible" if self.failures else "under_review")
        self.updated_at = now
        self.record("application.screened", {
            **self.context(), "passed": not self.failures, "failures": self.failures,
            "previous_status": previous, "status": self.status, "screened_at": now})
        return previous

    def check_review(self, reviewer_organisation: str, reviewer: str, existing: list[Review],
                     recused: str | None = None) -> None:
        """`recused`: why a conflict of interest recuses the reviewer (domain.conflicts.recusal)."""
        check_transition("application", APPLICATION_LIFECYCLE, self.status, "review")
        if same_organisation(reviewer_organisation, self.applicant_organisation):
            raise Forbidden(f"a reviewer from {reviewer_organisation} cannot review an application "
                            f"from their own organisation")
        if recused:
            raise Conflict(f"conflict of interest: {recused}")
        if any(r.reviewer == reviewer for r in existing):
            raise Conflict(f"{reviewer} has already reviewed this application")

    def withdraw(self, now: datetime) -> str:
        check_transition("application", APPLICATION_LIFECYCLE, self.status, "withdraw")
        previous, self.status, self.updated_at = self.status, "withdrawn", now
        self.record("application.withdrawn", {**self.context(), "previous_status": previous,
                                              "status": self.status, "withdrawn_at": now})
        return previous

    def determine(self, decision: str, reasons: list[str], reviews: list[Review], call: Call,
                  now: datetime) -> str:
        """Award or reject once the call's reviews are in; the previous status. (The events are
        recorded by `record_determination`, once an award's grant exists.)"""
        check_transition("application", APPLICATION_LIFECYCLE, self.status, decision)
        if len(reviewers(reviews)) < call.required_reviews:
            raise Conflict(f"the call asks for {call.required_reviews} review(s) before a determination; "
                           f"this application has {len(reviewers(reviews))}")
        previous = self.status
        self.status = "awarded" if decision == "award" else "rejected"
        self.decision_reasons = [r.strip() for r in reasons]
        self.determined_at = self.updated_at = now
        return previous

    def record_determination(self, previous: str, reviews: int, now: datetime, *, grant_id: str | None = None,
                             amount_awarded: Decimal | None = None) -> None:
        context = {**self.context(), "reviews": reviews, "previous_status": previous, "status": self.status,
                   "reasons": self.decision_reasons}
        if self.status == "awarded":
            self.record("application.awarded", {**context, "grant_id": grant_id, "amount_awarded": amount_awarded,
                                                "awarded_at": now})
        else:
            self.record("application.rejected", {**context, "rejected_at": now})

    def add_review(self, call: Call, *, reviewer: str, reviewer_organisation: str, scores: dict[str, int],
                   recommendation: str, comment: str | None, existing: list[Review], now: datetime,
                   reviewer_name: str = "", recused: str | None = None) -> Review:
        """A reviewer's scores against the call's criteria (every criterion scored, within its range)."""
        self.check_review(reviewer_organisation, reviewer, existing, recused)
        errors: Errors = {}
        criteria = {c["code"]: c for c in call.criteria}
        for code in sorted(set(criteria) - set(scores)):
            errors[f"scores.{code}"] = ["score this criterion"]
        for code, score in scores.items():
            if code not in criteria:
                errors[f"scores.{code}"] = [f"the call has no criterion {code!r} "
                                            f"(criteria: {', '.join(criteria)})"]
            elif not 0 <= score <= criteria[code]["max_score"]:
                errors[f"scores.{code}"] = [f"must be between 0 and {criteria[code]['max_score']}"]
        if errors:
            raise InvalidInput(errors)
        review = Review(id=new_id(), application_id=self.id, reviewer=reviewer,
                        reviewer_organisation=" ".join(reviewer_organisation.split()), scores=dict(scores),
                        total_score=sum(scores.values()), recommendation=recommendation, comment=comment or "",
                        reviewed_at=now, reviewer_name=reviewer_name)
        self.record("review.submitted", {
            **self.context(), "review_id": review.id, "reviewer": review.reviewer,
            "reviewer_organisation": review.reviewer_organisation, "total_score": review.total_score,
            "recommendation": review.recommendation, "reviews": len(existing) + 1, "reviewed_at": now})
        return review


def make_review(app: Application, call: Call, *, reviewer: str, reviewer_organisation: str, scores: dict[str, int],
                recommendation: str, comment: str | None, existing: list[Review], now: datetime) -> Review:
    return app.add_review(call, reviewer=reviewer, reviewer_organisation=reviewer_organisation, scores=scores,
                          recommendation=recommendation, comment=comment, existing=existing, now=now)
