"""Conflicts of interest and the review panel: a reviewer declares a conflict on an application
(with a reason), or has one by organisation (the applicant's, or a partner named on the
application); either recuses it: its review is refused, a review it already gave stops
counting, and a call's administrator cannot assign it. Once an application has assigned
reviewers, only they (unless recused) may review it. Who sees whose reviews follows the call's
`review_visibility`: `private` (a reviewer its own only) or `shared` (a reviewer of the
application sees the others' once it has submitted its own)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from grants.domain.applications import Application, Review
from grants.domain.common import new_id, same_organisation
from shared.errors import Conflict, Forbidden, InvalidInput

REVIEW_VISIBILITIES = ("private", "shared")


@dataclass
class DeclaredConflict:
    id: str
    application_id: str
    reviewer: str                 # the declaring API key's id
    reviewer_organisation: str
    reason: str
    declared_at: datetime


@dataclass
class Assignment:
    id: str
    application_id: str
    reviewer: str                 # the assigned API key's id
    reviewer_organisation: str
    assigned_by: str              # the administrator's key id (or "system")
    assigned_at: datetime


def recusal(app: Application, reviewer: str, organisation: str, conflicts: list[DeclaredConflict]) -> str | None:
    """Why `reviewer` (of `organisation`) may not review `app`, or None."""
    declared = next((c for c in conflicts if c.reviewer == reviewer), None)
    if declared is not None:
        return f"{reviewer} declared a conflict of interest on this application: {declared.reason}"
    if same_organisation(organisation, app.applicant_organisation):
        return f"{organisation} is the applicant"
    if any(same_organisation(organisation, p) for p in app.partner_organisations):
        return f"{organisation} is a partner organisation named on the application"
    return None


def check_on_panel(reviewer: str, assignments: list[Assignment]) -> None:
    """Once an application has a panel (at least one assignment), only its assigned reviewers
    review it (403 for others, an administrator's key included); without one, any reviewer may."""
    if assignments and not any(a.reviewer == reviewer for a in assignments):
        raise Forbidden(f"{reviewer} is not on this application's review panel: only assigned reviewers review it")


def counting(app: Application, reviews: list[Review], conflicts: list[DeclaredConflict]) -> list[Review]:
    """The reviews that count: a recused reviewer's review stops counting."""
    return [r for r in reviews if recusal(app, r.reviewer, r.reviewer_organisation, conflicts) is None]


def check_not_recused(app: Application, reviewer: str, organisation: str,
                      conflicts: list[DeclaredConflict]) -> None:
    why = recusal(app, reviewer, organisation, conflicts)
    if why is not None:
        raise Conflict(f"conflict of interest: {why}")


def declare_conflict(app: Application, *, reviewer: str, reviewer_organisation: str, reason: str,
                     conflicts: list[DeclaredConflict], now: datetime) -> DeclaredConflict:
    if any(c.reviewer == reviewer for c in conflicts):
        raise Conflict(f"{reviewer} has already declared a conflict on this application")
    if not reason.strip():
        raise InvalidInput({"reason": ["say why (a conflict of interest needs a reason)"]})
    conflict = DeclaredConflict(id=new_id(), application_id=app.id, reviewer=reviewer,
                                reviewer_organisation=" ".join(reviewer_organisation.split()),
                                reason=reason.strip(), declared_at=now)
    app.record("conflict.declared", {
        **app.context(), "conflict_id": conflict.id, "reviewer": reviewer,
        "reviewer_organisation": conflict.reviewer_organisation, "reason": conflict.reason, "declared_at": now})
    return conflict


def assign_reviewer(app: Application, *, reviewer: str, reviewer_organisation: str, assigned_by: str,
                    assignments: list[Assignment], conflicts: list[DeclaredConflict], now: datetime) -> Assignment:
    """Put a reviewer on the application's panel: refused (409) to a conflicted reviewer."""
    if app.status != "under_review":
        raise Conflict(f"reviewers are assigned to applications under review; this one is {app.status}")
    check_not_recused(app, reviewer, reviewer_organisation, conflicts)
    if any(a.reviewer == reviewer for a in assignments):
        raise Conflict(f"{reviewer} is already assigned to this application")
    assignment = Assignment(id=new_id(), application_id=app.id, reviewer=reviewer,
                            reviewer_organisation=" ".join(reviewer_organisation.split()),
                            assigned_by=assigned_by, assigned_at=now)
    app.record("reviewer.assigned", {
        **app.context(), "assignment_id": assignment.id, "reviewer": reviewer,
        "reviewer_organisation": assignment.reviewer_organisation, "assigned_at": now})
    return assignment


def visible_reviews(reviews: list[Review], visibility: str, reviewer: str | None, recused: bool) -> list[Review]:
    """What a (non-admin) reviewer sees of an application's reviews: its own, and under `shared`
    the others' once it has reviewed (unless recused)."""
    own = [r for r in reviews if r.reviewer == reviewer]
    if visibility == "shared" and own and not recused:
        return list(reviews)
    return own
