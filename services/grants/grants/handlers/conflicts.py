"""Conflicts of interest and the review panel: a reviewer declares a conflict (it is recused:
its review is refused, one it gave stops counting); an administrator assigns reviewers (never a
conflicted one); and who sees whose reviews (the call's review_visibility)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from grants import access, domain, views
from grants.handlers.common import load
from shared.actors import Actor
from shared.api import grants as api
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events.fields import utcnow


def _visible(uow: Any, application_id: str, actor: Actor) -> domain.Application:
    app: domain.Application | None = uow.applications.get(application_id, for_update=True)
    if app is None or not access.visible(actor, app.applicant_organisation, applications=True):
        raise NotFound("application", application_id)
    return app


def declare_conflict(uow: Any, application_id: str, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    """The calling reviewer declares a conflict of interest on an application: it is recused."""
    access.require_reviewer(actor, "conflicts are declared")
    fields = load(api.ConflictInput, data)
    if not actor.key_id or not actor.organisation:
        raise Forbidden("a conflict is declared by an API key with an organisation (the reviewer)")
    with uow:
        app = _visible(uow, application_id, actor)   # the row lock serialises it with a review
        conflict = domain.declare_conflict(app, reviewer=actor.key_id, reviewer_organisation=actor.organisation,
                                           reason=fields["reason"], conflicts=uow.panel.conflicts_of(app.id),
                                           now=utcnow())
        try:
            uow.panel.add_conflict(conflict)
            uow.applications.save(app)
            uow.commit()
        except IntegrityError:
            raise Conflict(f"{actor.key_id} has already declared a conflict on this application") from None
    return views.dump(api.ConflictOut, conflict.__dict__)


def assign_reviewer(uow: Any, application_id: str, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    """An administrator puts a reviewer (an API key with the review scope; the gateway gives its
    organisation) on an application's panel; a conflicted reviewer is refused (409)."""
    access.require_admin(actor, "assigning reviewers")
    fields = load(api.AssignmentInput, data)
    if not fields["reviewer_organisation"]:
        raise InvalidInput({"reviewer": ["no reviewer key with that id"]})
    with uow:
        app = _visible(uow, application_id, actor)
        assignment = domain.assign_reviewer(
            app, reviewer=fields["reviewer"].strip(), reviewer_organisation=fields["reviewer_organisation"],
            assigned_by=actor.key_id or "system", assignments=uow.panel.assignments_of(app.id),
            conflicts=uow.panel.conflicts_of(app.id), now=utcnow())
        try:
            uow.panel.add_assignment(assignment)
            uow.applications.save(app)
            uow.commit()
        except IntegrityError:
            raise Conflict(f"{assignment.reviewer} is already assigned to this application") from None
    return views.dump(api.AssignmentOut, assignment.__dict__)


def reviews_seen(uow: Any, app: domain.Application, actor: Actor) -> tuple[list[domain.Review], set[str]] | None:
    """(the application's reviews `actor` sees, the ids of those that count), or None when it
    sees none at all (not a reviewer, or of the applicant's organisation)."""
    if not access.sees_reviews(actor, app.applicant_organisation):
        return None
    reviews, conflicts = uow.reviews.of(app.id), uow.panel.conflicts_of(app.id)
    counted = {r.id for r in domain.counting(app, reviews, conflicts)}
    if not actor.is_admin:
        recused = domain.recusal(app, actor.key_id or "", actor.organisation or "", conflicts) is not None
        reviews = domain.visible_reviews(reviews, uow.calls.get(app.call_id).review_visibility,
                                         actor.key_id, recused)
    return reviews, counted


def counted_among(uow: Any, reviews: list[domain.Review]) -> set[str]:
    """The ids of `reviews` (of any applications) that count."""
    counted: set[str] = set()
    for application_id in {r.application_id for r in reviews}:
        app = uow.applications.get(application_id)
        own = [r for r in reviews if r.application_id == application_id]
        counted |= {r.id for r in domain.counting(app, own, uow.panel.conflicts_of(application_id))}
    return counted


def panel_view(uow: Any, app: domain.Application, actor: Actor) -> dict[str, Any] | None:
    """Assignments and declared conflicts: for administrators only."""
    if not actor.is_admin:
        return None
    return {"assignments": [a.__dict__ for a in uow.panel.assignments_of(app.id)],
            "conflicts": [c.__dict__ for c in uow.panel.conflicts_of(app.id)]}
