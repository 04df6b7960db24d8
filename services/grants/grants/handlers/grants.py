"""Grants after the award: read, disbursed tranche by tranche, closed out or cancelled."""
from __future__ import annotations

from typing import Any

from grants import access, domain, views
from grants.handlers.common import list_query, load
from shared.actors import Actor
from shared.api import grants as api
from shared.errors import InvalidInput, NotFound
from shared.events.fields import utcnow


def visible_grant(uow: Any, grant_id: str, actor: Actor, *, for_update: bool = False) -> domain.Grant:
    grant: domain.Grant | None = uow.grants.get(grant_id, for_update=for_update)
    if grant is None or not access.visible(actor, grant.recipient):
        raise NotFound("grant", grant_id)
    return grant


def locked_grant(uow: Any, grant_id: str, actor: Actor) -> tuple[domain.Fund | None, domain.Call | None,
                                                                  domain.Grant]:
    """(fund, call, grant), locked in that order (the unit of work's lock order)."""
    pending = visible_grant(uow, grant_id, actor)
    fund = uow.funds.get(pending.fund_id, for_update=True) if pending.fund_id else None
    call = uow.calls.get(pending.call_id, for_update=True) if pending.call_id else None
    return fund, call, uow.grants.get(grant_id, for_update=True)


def get_grant(uow: Any, grant_id: str, *, actor: Actor) -> dict[str, Any]:
    with uow:
        return views.grant_view(visible_grant(uow, grant_id, actor))


def list_grants(uow: Any, query: dict[str, Any] | None = None, cursor: str | None = None, *,
        actor: Actor) -> dict[str, Any]:
    q, filters = list_query(api.GrantQuery, query, cursor)
    if not access.limit_to_own(actor, filters, "recipient"):
        return views.page([], None)
    today = utcnow().date()
    with uow:
        items, next_cursor = uow.grants.list(limit=q["limit"], cursor=q["cursor"], **filters)
        return views.page([views.grant_view(g, today) for g in items], next_cursor)


def disburse(uow: Any, grant_id: str, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    access.require_admin(actor, "disbursing")
    fields = load(api.DisbursementInput, data)
    now = utcnow()
    with uow:
        fund, _, grant = locked_grant(uow, grant_id, actor)
        if fund is None:
            grant.check_allowed("disburse")
        amount = fields["amount"]
        if amount is not None and amount["currency"] != grant.currency:
            raise InvalidInput({"amount.currency": [f"must be the grant's currency {grant.currency}"]})
        assert fund is not None
        domain.check_direct_disbursement(grant, uow.payments.any_for(grant.id))
        _, entry = grant.disburse(fund, str(fields["tranche"]), amount["amount"] if amount else None,
                                  fields["value_date"] or now.date(), now)
        uow.grants.save(grant)
        uow.funds.save_ledger(fund)
        uow.commit()
    return {"disbursement": views.ledger_view(entry), "grant": views.grant_view(grant)}


def list_disbursements(uow: Any, query: dict[str, Any] | None = None,
                       cursor: str | None = None, *, actor: Actor) -> dict[str, Any]:
    q, filters = list_query(api.DisbursementQuery, query, cursor)
    with uow:
        if access.own_organisation(actor) is not None:
            grant_id = filters.get("grant_id")
            if grant_id is None:
                raise InvalidInput({"grant_id": ["partners list the disbursements of one of their grants"]})
            visible_grant(uow, grant_id, actor)
        items, next_cursor = uow.funds.ledger(limit=q["limit"], cursor=q["cursor"],
                                              transaction_type=domain.DISBURSEMENT, **filters)
        return views.page([views.ledger_view(e) for e in items], next_cursor)


def _end_grant(uow: Any, grant_id: str, actor: Actor, how: str, reason: str = "") -> dict[str, Any]:
    now = utcnow()
    with uow:
        fund, call, grant = locked_grant(uow, grant_id, actor)
        if fund is None:
            grant.check_allowed(how)
        assert fund is not None
        if how == "close":
            grant.close(fund, call, now)
        else:
            grant.cancel(fund, call, reason, now)
        uow.grants.save(grant)
        if call is not None:
            uow.calls.save(call)
        uow.funds.save_ledger(fund)
        uow.commit()
    return views.grant_view(grant, now.date())


def close_grant(uow: Any, grant_id: str, data: dict[str, Any] | None = None, *, actor: Actor) -> dict[str, Any]:
    access.require_admin(actor, "closing out a grant")
    load(api.EmptyInput, data)
    return _end_grant(uow, grant_id, actor, "close")


def cancel_grant(uow: Any, grant_id: str, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    access.require_admin(actor, "cancelling a grant")
    fields = load(api.CancellationInput, data)
    return _end_grant(uow, grant_id, actor, "cancel", fields["reason"])
