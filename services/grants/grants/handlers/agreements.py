"""A grant's agreement: the grantee signs (a key of the recipient organisation), then the fund
countersigns (an administrator of another organisation); two steps, who and when recorded.
Tranches are paid only once it is countersigned (domain.agreements.check_payable)."""
from __future__ import annotations

from typing import Any

from grants import access, domain, views
from grants.handlers.common import load
from grants.handlers.grants import visible_grant
from shared.actors import Actor
from shared.api import grants as api
from shared.errors import Forbidden
from shared.events.fields import utcnow


def _signer(actor: Actor, grant: domain.Grant, party: str) -> str:
    if actor.is_system:   # operators' tools and internal calls, recorded as such
        return "system"
    grantee = bool(actor.organisation) and domain.same_organisation(actor.organisation, grant.recipient)
    if party == "grantee":
        access.require_writer(actor, "signing the agreement")
        if not grantee:
            raise Forbidden(f"the grantee signs with a key of its own organisation ({grant.recipient})")
    else:
        access.require_admin(actor, "countersigning the agreement")
        if grantee:   # one organisation cannot sign for both parties
            raise Forbidden("the fund countersigns with a key of another organisation than the grantee's")
    return actor.key_id or "system"


def sign_agreement(uow: Any, grant_id: str, data: dict[str, Any] | None = None, *, actor: Actor,
                   party: str) -> dict[str, Any]:
    """`party`: "grantee" (signs first) or "fund" (countersigns)."""
    load(api.EmptyInput, data)
    now = utcnow()
    with uow:
        grant = visible_grant(uow, grant_id, actor, for_update=True)
        by = _signer(actor, grant, party)
        domain.sign_agreement(grant, party, by, now)
        uow.grants.save(grant)
        uow.commit()
    return views.grant_view(grant, now.date())
