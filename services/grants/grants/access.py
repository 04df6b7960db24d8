"""Who may do what in the grants service, on the shared actor vocabulary (shared.actors):

- funds, calls, rates, contributions, determinations, disbursements, report approval,
  closeout, cancellation and the sweep are for administrators (an admin key or the system);
  others get Forbidden;
- reviewers are administrators or keys with the "review" scope (e.g. a reader key with
  scopes read + review: it reviews and reads, nothing else); a reviewer reviews as its key (id
  and organisation) and never an application of its own organisation (the domain's rule); a
  non-admin reviewer does not see the reviews of its own organisation's applications;
- writing (applying, withdrawing, submitting a report) needs a partner key or above;
- any other caller (partner, reader, anonymous; a reviewer for grants, reports and
  disbursements) sees only the applications, grants and reports of its own organisation
  (compared case-folded); others' answer NotFound, so ids cannot be probed."""
from __future__ import annotations

from grants import domain
from shared.actors import Actor
from shared.errors import Forbidden


def _who(actor: Actor) -> str:
    return actor.role if actor.kind == "key" and actor.role else actor.kind


def is_admin(actor: Actor) -> bool:
    return actor.is_admin


def is_reviewer(actor: Actor) -> bool:
    return actor.is_admin or actor.has_scope("review")


def require_admin(actor: Actor, what: str) -> None:
    if not is_admin(actor):
        raise Forbidden(f"{what} is for administrators; the key's role is {_who(actor)}")


def require_writer(actor: Actor, what: str) -> None:
    """Partners and administrators write; readers only read."""
    if not actor.has_role("partner"):
        raise Forbidden(f"{what} needs a partner or admin key; the key's role is {_who(actor)}")


def require_reviewer(actor: Actor, what: str) -> None:
    if not is_reviewer(actor):
        raise Forbidden(f"{what} by reviewers (an admin key or a key with the `review` scope); "
                        f"the key's role is {_who(actor)}")


def sees_reviews(actor: Actor, applicant_organisation: str) -> bool:
    """Reviews of an application are for reviewers, and not for the applicant's own (a non-admin
    reviewer of the applicant's organisation would read what others said of its application)."""
    if actor.is_admin:
        return True
    return is_reviewer(actor) and not domain.same_organisation(actor.organisation, applicant_organisation)


def conflicted_organisation(actor: Actor) -> str | None:
    """The applicant organisation whose reviews `actor` may not list (`sees_reviews`), or None."""
    return None if actor.is_admin else (actor.organisation or "")


def own_organisation(actor: Actor, *, applications: bool = False) -> str | None:
    """The organisation a caller is limited to, or None when it sees everything: administrators
    see everything; reviewers every application (to review it), yet only their own grants,
    reports and disbursements (reviewing is not overseeing)."""
    if actor.is_admin or (applications and is_reviewer(actor)):
        return None
    return actor.organisation or ""


def visible(actor: Actor, organisation: str, *, applications: bool = False) -> bool:
    mine = own_organisation(actor, applications=applications)
    return mine is None or domain.same_organisation(mine, organisation)


def applicant_for(actor: Actor, named: str | None) -> str | None:
    """The organisation an application is made for: a non-administrator applies for its own."""
    if is_admin(actor):
        return named
    mine = actor.organisation or ""
    if named is not None and not domain.same_organisation(named, mine):
        raise Forbidden(f"a partner applies for its own organisation ({mine}), not for {named}")
    return mine


def limit_to_own(actor: Actor, filters: dict[str, object], name: str, *, applications: bool = False) -> bool:
    """Restrict a list's filter `name` to the caller's organisation; False if the filter
    names another organisation (the list is then empty)."""
    mine = own_organisation(actor, applications=applications)
    if mine is None:
        return True
    given = filters.get(name)
    if given is not None and not domain.same_organisation(str(given), mine):
        return False
    filters[name] = mine
    return True
