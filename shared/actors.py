"""Who is acting: the one vocabulary every service uses for access decisions.

Three kinds, never `None`:
- SYSTEM: the platform itself (timers, consumers, operator tools); sees and may do everything.
- ANONYMOUS: a public route's caller; reads only what is public.
- a key actor: an API key with an organisation, a role (reader < partner < admin) and scopes.

Actors cross RPC as plain dicts (`to_wire` / `from_wire`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.errors import Forbidden

ROLES = ("reader", "partner", "admin")
RANK = {role: i for i, role in enumerate(ROLES)}
# `review`, `programme` and `finance` are given to a key on top of its role's: reviewing an
# application, approving a payment as programme staff, approving and paying it as finance
SCOPES = ("read", "write", "review", "admin", "programme", "finance")


def org_key(organisation: str | None) -> str:
    """The form in which organisation identifiers are compared (IATI refs are case-insensitive)."""
    return (organisation or "").strip().casefold()


@dataclass(frozen=True)
class Actor:
    kind: str                                   # "system" | "anonymous" | "key"
    key_id: str | None = None
    organisation: str | None = None
    role: str | None = None
    scopes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_system(self) -> bool:
        return self.kind == "system"

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"

    @property
    def is_admin(self) -> bool:
        """Sees every organisation's objects: the platform itself or an admin key."""
        return self.is_system or (self.kind == "key" and self.role == "admin")

    def has_scope(self, scope: str) -> bool:
        return self.is_system or (self.kind == "key" and scope in self.scopes)

    def has_role(self, least: str) -> bool:
        return self.is_system or (self.kind == "key" and RANK.get(self.role or "", -1) >= RANK[least])

    def owns(self, organisation: str | None) -> bool:
        """The object of `organisation` is the actor's own (admins and the system own everything)."""
        if self.is_admin:
            return True
        return self.kind == "key" and bool(self.organisation) and org_key(self.organisation) == org_key(organisation)

    def to_wire(self) -> dict[str, Any]:
        return {"kind": self.kind, "key_id": self.key_id, "organisation": self.organisation,
                "role": self.role, "scopes": list(self.scopes)}

    @classmethod
    def from_wire(cls, wire: Actor | dict[str, Any] | None) -> Actor:
        """The actor an RPC caller named; an RPC without one is refused, never taken for an admin."""
        if isinstance(wire, Actor):
            return wire
        if not isinstance(wire, dict):
            raise Forbidden("the call names no actor")
        kind = wire.get("kind", "key")
        if kind == "system":
            return SYSTEM
        if kind == "anonymous":
            return ANONYMOUS
        if kind != "key" or wire.get("role") not in RANK:
            raise Forbidden("the call names no valid actor")
        return cls(kind="key", key_id=wire.get("key_id"), organisation=wire.get("organisation"),
                   role=wire["role"], scopes=tuple(wire.get("scopes") or ()))

    @classmethod
    def key(cls, *, organisation: str, role: str, scopes: tuple[str, ...] | list[str] | None = None,
            key_id: str | None = None) -> Actor:
        """A key actor (tests and tools); scopes default to the role's."""
        return cls(kind="key", key_id=key_id, organisation=organisation, role=role,
                   scopes=tuple(scopes if scopes is not None else SCOPES_BY_ROLE[role]))


SCOPES_BY_ROLE: dict[str, tuple[str, ...]] = {
    "reader": ("read",),
    "partner": ("read", "write"),
    "admin": ("read", "write", "admin"),
}
SYSTEM = Actor(kind="system")
ANONYMOUS = Actor(kind="anonymous")


def require_scope(actor: Actor, scope: str, what: str) -> None:
    """Scopes bind every role, admins included."""
    if not actor.has_scope(scope):
        raise Forbidden(f"{what} needs the `{scope}` scope")


def require_role(actor: Actor, least: str, what: str) -> None:
    if not actor.has_role(least):
        role = actor.role if actor.kind == "key" else actor.kind
        raise Forbidden(f"{what} needs a {least} key or above; the caller is {role}")
