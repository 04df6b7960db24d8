"""The gateway's access policy, on the platform's one vocabulary (shared.actors).

- Routes: a route needs its least role AND its scopes, for every role, admins included:
  `read` for GET, `write` for other methods, plus `admin` on admin routes; a route may name
  the scope it needs instead of its method's (`@api(..., scope="review")`).
- The gateway's own objects: webhook subscriptions and their deliveries belong to an
  organisation (`owned`). Admins and the system see everything. Who sees which event in the
  feed and webhooks is gateway.event_policy, on `owned`.

Organisations compare case-folded (`Actor.owns`); the SQL forms compare `lower(trim(...))`,
which is the same for the identifiers the platform uses (IATI organisation refs)."""
from typing import Any

import sqlalchemy as sa

from shared.actors import ROLES, SCOPES_BY_ROLE, Actor, org_key
from shared.errors import Forbidden, InvalidInput

ACCESS_LEVELS = ("public",) + ROLES
READ_METHODS = ("GET", "HEAD")
# A scope another scope grants too: admins review (docs/grants.md).
ALSO_GRANTED_BY = {"review": "admin"}
# Scopes a key may get on top of its role's (never by default): reviewing is not a role.
# Programme staff and finance approve payment requests (two keys, docs/grants.md): never implied by admin.
EXTRA_SCOPES = ("review", "programme", "finance")


# -- routes ---------------------------------------------------------------------------------------

def scopes_needed(access: str, method: str, scope: str | None = None) -> tuple[str, ...]:
    """The scopes a route with least role `access` needs for `method`."""
    needed = [scope or ("read" if method in READ_METHODS else "write")]
    if access == "admin":
        needed.append("admin")
    return tuple(dict.fromkeys(needed))


def grants_scope(actor: Actor, scope: str) -> bool:
    granting = ALSO_GRANTED_BY.get(scope)
    return actor.has_scope(scope) or (granting is not None and actor.has_scope(granting))


def authorise(actor: Actor, access: str, method: str, scope: str | None = None) -> None:
    """Forbidden unless `actor` may call a route of least role `access` with `method`."""
    if access == "public":
        return
    if not actor.has_role(access):
        raise Forbidden(f"this route needs the {access} role; the caller's role is {actor.role or actor.kind}")
    missing = [s for s in scopes_needed(access, method, scope) if not grants_scope(actor, s)]
    if missing:
        needs = " and ".join(f"'{s}'" for s in missing)
        raise Forbidden(f"this route needs the {needs} scope; the key has {', '.join(actor.scopes) or 'none'}")


def key_scopes(role: str, scopes: list[str] | None) -> list[str]:
    """The scopes of a new key of `role`: the role's by default, else the subset asked for
    (plus the extra scopes any key may have). InvalidInput naming `scopes` otherwise."""
    allowed = SCOPES_BY_ROLE[role]
    if not scopes:
        return list(allowed)
    chosen = list(dict.fromkeys(scopes))
    beyond = [s for s in chosen if s not in allowed and s not in EXTRA_SCOPES]
    if beyond:
        raise InvalidInput({"scopes": [f"a {role} key can only have {', '.join(allowed + EXTRA_SCOPES)}; "
                                       f"not {', '.join(beyond)}"]})
    return chosen


# -- the gateway's own objects --------------------------------------------------------------------

def owned(column: Any, actor: Actor) -> Any:
    """SQL: the row of organisation `column` is `actor`'s own (Actor.owns, in SQL)."""
    if actor.is_admin:
        return sa.true()
    if actor.kind != "key" or not actor.organisation:
        return sa.false()
    return sa.func.lower(sa.func.trim(column)) == org_key(actor.organisation)

