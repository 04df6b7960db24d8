"""Payment requests: the grantee asks for (part of) a tranche; programme staff (the `programme`
scope) approve, then finance (the `finance` scope, another key) approves and pays it, which
disburses the tranche; a failed payment keeps its reason and may be retried. Either approval
level may reject it instead, with a reason."""
from __future__ import annotations

from typing import Any

from grants import access, domain, views
from grants.handlers.common import converter, found, list_query, load
from grants.handlers.grants import locked_grant, visible_grant
from shared.actors import Actor, require_scope
from shared.api import grants as api
from shared.errors import Forbidden, NotFound
from shared.events.fields import utcnow


def _by(actor: Actor) -> str:
    return actor.key_id or "system"


def request_payment(uow: Any, grant_id: str, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    access.require_writer(actor, "requesting a payment")
    fields = load(api.PaymentRequestInput, data)
    now = utcnow()
    value_date = fields["value_date"] or now.date()
    with uow:
        grant = visible_grant(uow, grant_id, actor, for_update=True)
        if not actor.is_system and not domain.same_organisation(actor.organisation, grant.recipient):
            raise Forbidden(f"the grantee ({grant.recipient}) requests its payments")
        tranche = grant.tranche(str(fields["tranche"]))
        invoiced = fields["amount"] or {"amount": tranche.remaining, "currency": grant.currency}
        amount, rate = converter(uow, "amount.currency")(invoiced["amount"], invoiced["currency"], grant.currency,
                                                         value_date)
        payment = domain.PaymentRequest.submit(
            grant, tranche_ref=str(fields["tranche"]), amount=amount, currency=grant.currency,
            original_amount=domain.money(invoiced["amount"]), original_currency=invoiced["currency"], rate=rate,
            value_date=value_date, reference=fields["reference"], by=_by(actor), now=now)
        uow.payments.save(payment)
        uow.commit()
    return views.payment_view(payment)


def _acting(uow: Any, payment_id: str, actor: Actor, scope: str, what: str) -> tuple[Any, Any, Any, Any]:
    """(fund, call, grant, payment), locked in the unit of work's order; staff of the grantee's
    own organisation never act on its payments."""
    require_scope(actor, scope, what)
    pending = found(uow.payments.get(payment_id), "payment request", payment_id)
    fund, call, grant = locked_grant(uow, pending.grant_id, Actor(kind="system"))
    if not actor.is_system and domain.same_organisation(actor.organisation, grant.recipient):
        raise Forbidden("the grantee's own keys do not approve or pay its payments")
    return fund, call, grant, uow.payments.get(payment_id, for_update=True)


def act_on_payment(uow: Any, payment_id: str, data: dict[str, Any] | None = None, *, actor: Actor,
                   action: str) -> dict[str, Any]:
    """`action`: approve_ or reject_ programme or finance, pay, fail or retry."""
    scope = "programme" if action.endswith("_programme") else "finance"
    schema = {"pay": api.PaymentInput, "fail": api.PaymentFailureInput, "reject_programme": api.PaymentRejectionInput,
              "reject_finance": api.PaymentRejectionInput}.get(action, api.EmptyInput)
    fields = load(schema, data)
    now = utcnow()
    with uow:
        fund, _, grant, payment = _acting(uow, payment_id, actor, scope, action.replace("_", " ") + " of payments")
        if action.startswith("approve_"):
            payment.approve(grant, action.removeprefix("approve_"), _by(actor), now)
        elif action.startswith("reject_"):
            payment.reject(grant, action.removeprefix("reject_"), _by(actor), fields["reason"], now)
        elif action == "pay":
            def disburse(tranche: str, amount: Any, value_date: Any, invoiced: Any) -> str:
                _, entry = grant.disburse(fund, tranche, amount, value_date, now, invoiced)
                return str(entry.id)
            payment.pay(grant, disburse, fields["value_date"] or now.date(), now)
            uow.grants.save(grant)
            uow.funds.save_ledger(fund)
        elif action == "fail":
            payment.fail(grant, fields["reason"], now)
        else:
            payment.retry(grant, now)
        uow.payments.save(payment)
        uow.commit()
    return views.payment_view(payment)


def list_payments(uow: Any, grant_id: str, query: dict[str, Any] | None = None, cursor: str | None = None, *,
                  actor: Actor) -> dict[str, Any]:
    q, filters = list_query(api.PaymentQuery, query, cursor)
    with uow:
        try:
            visible_grant(uow, grant_id, actor)
        except NotFound:
            if not (actor.has_scope("programme") or actor.has_scope("finance")):
                raise
            found(uow.grants.get(grant_id), "grant", grant_id)   # staff see every grant's payments
        items, next_cursor = uow.payments.list(limit=q["limit"], cursor=q["cursor"], grant_id=grant_id, **filters)
        return views.page([views.payment_view(p) for p in items], next_cursor)
