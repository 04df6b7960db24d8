"""Who may see and do what in the programmes service, on the shared vocabulary of
shared.actors (organisations compared case-folded, `actor.owns`):

- the system and admins see and do everything; approving and returning results is for
  admins (and the system) only, but for the first of two approval levels (a plan's
  `approval_levels: 2`), which a key of the result's organisation with the `programme` scope
  (programme staff, grant manager) may give too;
- any other actor sees only the programmes (and their indicators and results) whose
  reporting organisation it owns; others' answer NotFound, so ids cannot be probed.
  A `partner` writes what it sees (including status changes of its programmes); a
  `reader` only reads; an anonymous caller sees no programme.
- Cities are shared records: everyone reads them, partners add them.
- A programme's parent reports for the same organisation as the programme."""
from typing import Any

from programmes import domain
from shared.actors import Actor, org_key
from shared.errors import Forbidden, NotFound

NOBODY = "\x00"  # the organisation of an actor without one: matches no programme


def list_scope(actor: Actor) -> str | None:
    """The organisation (case-folded) a list is limited to; None: every organisation's."""
    if actor.is_admin:
        return None
    return org_key(actor.organisation) or NOBODY


def by(actor: Actor) -> str | None:
    """Who a result's review log names."""
    return actor.organisation or actor.key_id


def require_writer(actor: Actor) -> None:
    if not actor.has_role("partner"):
        raise Forbidden(f"the {actor.role or actor.kind} role only reads")


def require_admin(actor: Actor, what: str) -> None:
    if not actor.has_role("admin"):
        raise Forbidden(f"only an admin may {what}")


def require_approver(actor: Actor, level: str | None) -> None:
    """`level` "first": an admin or programme staff (the `programme` scope); otherwise the
    secretariat's: an admin."""
    if level == "first" and actor.has_role("partner") and actor.has_scope("programme"):
        return
    require_admin(actor, "approve results" + (" at the first level" if level == "first" else
                                              " at the secretariat's level"))


def programme_for(uow: Any, programme_id: Any, actor: Actor, *, for_update: bool = False) -> domain.Programme:
    """The programme, if the actor may see it (NotFound otherwise); `for_update` for a change
    (the programme is then tracked: the events it records are written at commit)."""
    programme = uow.programmes.get(programme_id, for_update=for_update) if isinstance(programme_id, str) else None
    if programme is None or not actor.owns(programme.reporting_org["ref"]):
        raise NotFound("programme", programme_id)
    return uow.track(programme) if for_update else programme


def result_for(uow: Any, result_id: Any, actor: Actor, *, for_update: bool = False) -> domain.Result:
    result = uow.results.get(result_id, for_update=for_update) if isinstance(result_id, str) else None
    if result is None or not actor.owns(result.reporting_org_ref):
        raise NotFound("result", result_id)
    return uow.track(result) if for_update else result


def parent_for(uow: Any, programme: domain.Programme, actor: Actor) -> domain.Programme | None:
    """The programme's parent, locked (unit_of_work: lock order), if the actor may see it and
    it reports for the same organisation; None otherwise, answered like a missing one. A
    family is one organisation's: the parent shows its children and rolls their results up."""
    if programme.parent_id is None:
        return None
    parent = uow.programmes.get(programme.parent_id, for_update=True)
    if parent is None or not actor.owns(parent.reporting_org["ref"]) \
            or org_key(parent.reporting_org["ref"]) != org_key(programme.reporting_org["ref"]):
        return None
    return parent
