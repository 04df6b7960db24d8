"""Who may do what in the grants service, on the shared actor vocabulary (shared.actors):

- funds, calls, rates, contributions, determinations, disbursements, report approval,
  closeout, cancellation and the sweep are for administrators (an admin key or the system);
  others get Forbidden;
- reviewers are administrators or keys with the "review" scope; a reviewer cannot review an
  application of their own organisation (the domain's rule);
- writing (applying, withdrawing, submitting a report) needs a partner key or above;
- any other caller (partner, reader, anonymous) sees only the applications, grants and
  reports of its own organisation (compared case-folded); others' answer NotFound, so ids
  cannot be probed."""
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
        raise Forbidden(f"{what} by reviewers (administrators); the key's role is {_who(actor)}")


def own_organisation(actor: Actor) -> str | None:
    """The organisation a caller is limited to, or None when it sees everything."""
    if is_reviewer(actor):
        return None
    return actor.organisation or ""


def visible(actor: Actor, organisation: str) -> bool:
    mine = own_organisation(actor)
    return mine is None or domain.same_organisation(mine, organisation)


def applicant_for(actor: Actor, named: str | None) -> str | None:
    """The organisation an application is made for: a non-administrator applies for its own."""
    if is_admin(actor):
        return named
    mine = actor.organisation or ""
    if named is not None and not domain.same_organisation(named, mine):
        raise Forbidden(f"a partner applies for its own organisation ({mine}), not for {named}")
    return mine


def limit_to_own(actor: Actor, filters: dict[str, object], name: str) -> bool:
    """Restrict a list's filter `name` to the caller's organisation; False if the filter
    names another organisation (the list is then empty)."""
    mine = own_organisation(actor)
    if mine is None:
        return True
    given = filters.get(name)
    if given is not None and not domain.same_organisation(str(given), mine):
        return False
    filters[name] = mine
    return True
