"""Funds, their ledger and exchange rates."""
from __future__ import annotations

from typing import Any

from grants import access, domain, views
from grants.handlers.common import found, list_query, load
from shared.actors import Actor
from shared.api import grants as api
from shared.errors import InvalidInput
from shared.events.fields import utcnow


def create_fund(uow: Any, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    access.require_admin(actor, "setting up a fund")
    fields = load(api.FundInput, data)
    fund = domain.Fund.create(
        name=fields["name"], window=fields["window"], currency=fields["currency"],
        min_grant=fields["min_grant"]["amount"], max_grant=fields["max_grant"]["amount"],
        eligible_applicant_types=fields["eligible_applicant_types"],
        eligible_countries=fields["eligible_countries"], max_cofinancing_share=fields["max_cofinancing_share"],
        now=utcnow())
    with uow:
        uow.funds.add(fund)
        uow.commit()
    return views.fund_view(fund)


def get_fund(uow: Any, fund_id: str, *, actor: Actor) -> dict[str, Any]:
    with uow:
        return views.fund_view(found(uow.funds.get(fund_id), "fund", fund_id))


def list_funds(uow: Any, query: dict[str, Any] | None = None, cursor: str | None = None, *,
        actor: Actor) -> dict[str, Any]:
    q, filters = list_query(api.FundQuery, query, cursor)
    with uow:
        funds, next_cursor = uow.funds.list(limit=q["limit"], cursor=q["cursor"], **filters)
        return views.page([views.fund_view(f) for f in funds], next_cursor)


def fund_ledger(uow: Any, fund_id: str, query: dict[str, Any] | None = None,
                cursor: str | None = None, *, actor: Actor) -> dict[str, Any]:
    access.require_admin(actor, "a fund's ledger")
    q, filters = list_query(api.LedgerQuery, query, cursor)
    with uow:
        found(uow.funds.get(fund_id), "fund", fund_id)
        entries, next_cursor = uow.funds.ledger(limit=q["limit"], cursor=q["cursor"], fund_id=fund_id, **filters)
        return views.page([views.ledger_view(e) for e in entries], next_cursor)


def load_rates(uow: Any, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    access.require_admin(actor, "loading exchange rates")
    fields = load(api.RatesInput, data)
    keys = [(r["from_currency"], r["to_currency"], r["effective_date"]) for r in fields["rates"]]
    dupes = sorted({i for i, k in enumerate(keys) if keys.index(k) != i})
    if dupes:
        raise InvalidInput({f"rates.{i}": ["the same currency pair and date appears twice"] for i in dupes})
    rates = [domain.Rate(r["from_currency"], r["to_currency"], r["effective_date"], r["rate"])
             for r in fields["rates"]]
    now = utcnow()
    with uow:
        for rate in rates:
            uow.rates.put(rate, now)
        uow.commit()
    return views.rates_loaded_view(rates)


def list_rates(uow: Any, query: dict[str, Any] | None = None, cursor: str | None = None, *,
        actor: Actor) -> dict[str, Any]:
    q, filters = list_query(api.RateQuery, query, cursor)
    with uow:
        rates, next_cursor = uow.rates.list(limit=q["limit"], cursor=q["cursor"], **filters)
        return views.page([views.rate_view(r) for r in rates], next_cursor)
