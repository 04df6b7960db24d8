"""Calls for proposals: opened under a fund, closed by hand or at their deadline (the sweep)."""
from __future__ import annotations

from typing import Any

from grants import access, domain, views
from grants.handlers.common import found, list_query, load
from shared.actors import Actor
from shared.api import grants as api
from shared.errors import unknown_reference
from shared.events.fields import utcnow


def open_call(uow: Any, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    access.require_admin(actor, "opening a call")
    fields = load(api.CallInput, data)
    now = utcnow()
    with uow:
        fund = uow.funds.get(fields["fund_id"])
        if fund is None:
            raise unknown_reference("fund_id", "fund", fields["fund_id"])
        call = domain.Call.open(fund, title=fields["title"], themes=fields["themes"], opens_at=fields["opens_at"],
                                closes_at=fields["closes_at"], envelope=fields["envelope"],
                                questions=fields["questions"], criteria=fields["criteria"],
                                required_reviews=fields["required_reviews"], now=now,
                                review_visibility=fields["review_visibility"])
        uow.calls.save(call)
        uow.commit()
    return views.call_view(call)


def close_call(uow: Any, call_id: str, *, actor: Actor) -> dict[str, Any]:
    access.require_admin(actor, "closing a call")
    now = utcnow()
    with uow:
        call = found(uow.calls.get(call_id, for_update=True), "call", call_id)
        call.close(now, "closed_by_admin", uow.calls.applications_count(call.id))
        uow.calls.save(call)
        uow.commit()
    return views.call_view(call)


def get_call(uow: Any, call_id: str, *, actor: Actor) -> dict[str, Any]:
    with uow:
        return views.call_view(found(uow.calls.get(call_id), "call", call_id))


def list_calls(uow: Any, query: dict[str, Any] | None = None, cursor: str | None = None, *,
        actor: Actor) -> dict[str, Any]:
    q, filters = list_query(api.CallQuery, query, cursor)
    with uow:
        items, next_cursor = uow.calls.list(limit=q["limit"], cursor=q["cursor"], **filters)
        return views.page([views.call_view(c) for c in items], next_cursor)
