"""Reviews of applications and the review panel: declared conflicts and assignments."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from grants import domain
from grants.repositories.base import APPLICATIONS, ASSIGNMENTS, CALLS, CONFLICTS, REVIEWS, Page, Repository, filtered
from shared.persistence import from_row, keyset_page, to_row


class SqlReviews(Repository):
    def add(self, review: domain.Review) -> None:
        self.session.execute(REVIEWS.insert().values(**to_row(REVIEWS, review)))

    def of(self, application_id: str) -> list[domain.Review]:
        r = REVIEWS.c
        rows = self.session.execute(sa.select(REVIEWS).where(r.application_id == application_id)
                                    .order_by(r.reviewed_at, r.id))
        return [from_row(domain.Review, row) for row in rows]

    def list(self, *, limit: int, cursor: str | None, not_of: str | None = None, seen_by: str | None = None,
             **filters: Any) -> Page:
        """`not_of`: leave out the reviews of that organisation's applications (as
        domain.same_organisation compares: case-folded, trimmed; stored names are single-spaced).
        `seen_by`: only what that reviewer sees (domain.visible_reviews): its own reviews, and the
        others' of `shared` calls' applications it reviewed and has declared no conflict on."""
        query = filtered(sa.select(REVIEWS), REVIEWS, filters)
        if not_of is not None:
            applicant = sa.func.lower(sa.func.trim(APPLICATIONS.c.applicant_organisation))
            own = sa.select(APPLICATIONS.c.id).where(applicant == " ".join(not_of.split()).casefold())
            query = query.where(REVIEWS.c.application_id.not_in(own))
        if seen_by is not None:
            r, a = REVIEWS.c, APPLICATIONS.c
            reviewed = sa.select(r.application_id).where(r.reviewer == seen_by)
            shared = (sa.select(a.id).join(CALLS, CALLS.c.id == a.call_id)
                      .where(CALLS.c.review_visibility == "shared", a.id.in_(reviewed),
                             a.id.not_in(sa.select(CONFLICTS.c.application_id)
                                         .where(CONFLICTS.c.reviewer == seen_by))))
            query = query.where(sa.or_(r.reviewer == seen_by, r.application_id.in_(shared)))
        page = keyset_page(self.session, query, [REVIEWS.c.reviewed_at, REVIEWS.c.id], limit=limit, cursor=cursor)
        return [from_row(domain.Review, r) for r in page.rows], page.next_cursor


class SqlPanel(Repository):
    """Declared conflicts of interest and reviewer assignments, per application."""

    def conflicts_of(self, application_id: str) -> list[domain.DeclaredConflict]:
        rows = self.session.execute(sa.select(CONFLICTS).where(CONFLICTS.c.application_id == application_id)
                                    .order_by(CONFLICTS.c.declared_at, CONFLICTS.c.id))
        return [from_row(domain.DeclaredConflict, row) for row in rows]

    def assignments_of(self, application_id: str) -> list[domain.Assignment]:
        rows = self.session.execute(sa.select(ASSIGNMENTS).where(ASSIGNMENTS.c.application_id == application_id)
                                    .order_by(ASSIGNMENTS.c.assigned_at, ASSIGNMENTS.c.id))
        return [from_row(domain.Assignment, row) for row in rows]

    def add_conflict(self, conflict: domain.DeclaredConflict) -> None:
        self.session.execute(CONFLICTS.insert().values(**to_row(CONFLICTS, conflict)))

    def add_assignment(self, assignment: domain.Assignment) -> None:
        self.session.execute(ASSIGNMENTS.insert().values(**to_row(ASSIGNMENTS, assignment)))
