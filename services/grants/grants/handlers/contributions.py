"""Contributions: pledges to a fund and the money received on them."""
from __future__ import annotations

from typing import Any

from grants import access, domain, views
from grants.handlers.common import converter, found, list_query, load
from shared.actors import Actor
from shared.api import grants as api
from shared.errors import InvalidInput, unknown_reference
from shared.events.fields import utcnow


def pledge_contribution(uow: Any, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    access.require_admin(actor, "recording a contribution")
    fields = load(api.ContributionInput, data)
    now = utcnow()
    with uow:
        fund = uow.funds.get(fields["fund_id"], for_update=True)
        if fund is None:
            raise unknown_reference("fund_id", "fund", fields["fund_id"])
        contribution, _ = domain.Contribution.pledge(
            fund, contributor=fields["contributor"], contributor_type=fields["contributor_type"],
            amount=fields["amount"], value_date=fields["value_date"] or now.date(),
            convert_fn=converter(uow, "amount.currency"), now=now)
        uow.contributions.save(contribution)
        uow.funds.save_ledger(fund)
        uow.commit()
    return views.contribution_view(contribution)


def receive_contribution(uow: Any, contribution_id: str, data: dict[str, Any] | None = None,
                         *, actor: Actor) -> dict[str, Any]:
    access.require_admin(actor, "recording money received")
    fields = load(api.ReceiptInput, data)
    now = utcnow()
    with uow:
        pledge = found(uow.contributions.get(contribution_id), "contribution", contribution_id)
        fund = uow.funds.get(pledge.fund_id, for_update=True)
        contribution = uow.contributions.get(contribution_id)  # re-read under the fund's lock
        amount = fields["amount"]
        if amount is not None and amount["currency"] != contribution.original_currency:
            raise InvalidInput({"amount.currency": [
                f"must be the pledge's currency {contribution.original_currency}"]})
        contribution.receive(fund, amount=amount["amount"] if amount else None,
                             value_date=fields["value_date"] or now.date(),
                             convert_fn=converter(uow, "value_date"), now=now)
        uow.contributions.save(contribution)
        uow.funds.save_ledger(fund)
        uow.commit()
    return views.contribution_view(contribution)


def get_contribution(uow: Any, contribution_id: str, *, actor: Actor) -> dict[str, Any]:
    with uow:
        return views.contribution_view(found(uow.contributions.get(contribution_id), "contribution",
                                             contribution_id))


def list_contributions(uow: Any, query: dict[str, Any] | None = None,
                       cursor: str | None = None, *, actor: Actor) -> dict[str, Any]:
    q, filters = list_query(api.ContributionQuery, query, cursor)
    with uow:
        items, next_cursor = uow.contributions.list(limit=q["limit"], cursor=q["cursor"], **filters)
        return views.page([views.contribution_view(c) for c in items], next_cursor)
