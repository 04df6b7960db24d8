"""Applications to calls: submitted (and screened at once), read, withdrawn; reviews; and the
determination that awards a grant or rejects."""
from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from grants import access, domain, views
from grants.handlers.common import found, list_query, load
from grants.handlers.conflicts import counted_among, panel_view, reviews_seen
from shared.actors import Actor
from shared.api import grants as api
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound, unknown_reference
from shared.events.fields import utcnow


def submit_application(uow: Any, data: dict[str, Any],
                       programme: dict[str, Any] | None = None, *, actor: Actor) -> dict[str, Any]:
    """`programme`: what the gateway found of the programme as the caller ({"id", "iati_identifier",
    "reporting_org", "partners"}), if it looked. The programme must be the applicant's, whoever
    applies (an award would otherwise attribute one organisation's money to another's programme);
    another's is answered like a missing one. Its participating organisations (`partners`) join
    the application's partner_organisations: their reviewers are conflicted."""
    access.require_writer(actor, "applying")
    fields = load(api.ApplicationInput, data)
    organisation = access.applicant_for(actor, fields["applicant_organisation"])
    if not organisation:
        raise InvalidInput({"applicant_organisation": ["name the applicant organisation"]})
    iati_identifier, partners = None, list(fields["partner_organisations"])
    if programme:
        if programme.get("id") not in (None, fields["programme_id"]):
            raise InvalidInput({"programme_id": ["does not match the programme looked up"]})
        iati_identifier = programme.get("iati_identifier")
        owner = programme.get("reporting_org")   # absent from a gateway of before this rule
        if owner is not None and not domain.same_organisation(owner, organisation):
            raise unknown_reference("programme_id", "programme", fields["programme_id"])
        # the programme's participating organisations are the project's partners too
        for partner in programme.get("partners") or []:
            if not any(domain.same_organisation(partner, known) for known in [organisation, *partners]):
                partners.append(partner)
    now = utcnow()
    with uow:
        call = uow.calls.get(fields["call_id"])
        if call is None:
            raise unknown_reference("call_id", "call", fields["call_id"])
        fund = uow.funds.get(call.fund_id)
        app = domain.Application.submit(
            fund, call, applicant_organisation=organisation, applicant_type=fields["applicant_type"],
            title=fields["title"], city=fields["city"], country=fields["country"], theme=fields["theme"],
            amount_requested=fields["amount_requested"], project_cost=fields["project_cost"],
            proposal=fields["proposal"], answers=fields["answers"], programme_id=fields["programme_id"],
            programme_iati_identifier=iati_identifier, targets=fields["targets"], now=now,
            partner_organisations=partners)
        app.screen(fund, call, now)
        uow.applications.save(app)
        uow.commit()
    return views.application_view(app)


def visible_application(uow: Any, application_id: str, actor: Actor, *,
                        for_update: bool = False) -> domain.Application:
    app: domain.Application | None = uow.applications.get(application_id, for_update=for_update)
    if app is None or not access.visible(actor, app.applicant_organisation, applications=True):
        raise NotFound("application", application_id)
    return app


def get_application(uow: Any, application_id: str, *, actor: Actor) -> dict[str, Any]:
    with uow:
        app = visible_application(uow, application_id, actor)
        seen = reviews_seen(uow, app, actor)
        reviews, counted = seen if seen is not None else (None, set())
        return views.application_view(app, reviews, counted, panel_view(uow, app, actor))


def list_applications(uow: Any, query: dict[str, Any] | None = None,
                      cursor: str | None = None, *, actor: Actor) -> dict[str, Any]:
    q, filters = list_query(api.ApplicationQuery, query, cursor)
    if not access.limit_to_own(actor, filters, "applicant_organisation", applications=True):
        return views.page([], None)
    with uow:
        items, next_cursor = uow.applications.list(limit=q["limit"], cursor=q["cursor"], **filters)
        return views.page([views.application_view(a) for a in items], next_cursor)


def withdraw_application(uow: Any, application_id: str, data: dict[str, Any] | None = None,
                         *, actor: Actor) -> dict[str, Any]:
    access.require_writer(actor, "withdrawing an application")
    load(api.WithdrawalInput, data)
    with uow:
        app = visible_application(uow, application_id, actor, for_update=True)
        app.withdraw(utcnow())
        uow.applications.save(app)
        uow.commit()
    return views.application_view(app)


def _reviewer(actor: Actor, fields: dict[str, Any]) -> tuple[str, str, str]:
    """(identity, organisation, display name) of the reviewer. A key reviews as itself: its id
    and its organisation, whatever the body says (a `reviewer` there is only a display name), so
    one key is one reviewer however it names itself. Only an internal call names the reviewer."""
    if actor.is_system:
        missing = {name: ["name the reviewer on an internal call"]
                   for name in ("reviewer", "reviewer_organisation") if not fields[name]}
        if missing:
            raise InvalidInput(missing)
        return fields["reviewer"].strip(), fields["reviewer_organisation"], ""
    if not actor.key_id or not actor.organisation:
        raise Forbidden("a review needs an API key with an organisation")
    given = fields["reviewer_organisation"]
    if given is not None and not domain.same_organisation(given, actor.organisation):
        raise Forbidden(f"you review as your own organisation ({actor.organisation}), not as {given}")
    return actor.key_id, actor.organisation, (fields["reviewer"] or "").strip()


def submit_review(uow: Any, application_id: str, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    access.require_reviewer(actor, "reviews are")
    fields = load(api.ReviewInput, data)
    reviewer, organisation, name = _reviewer(actor, fields)
    now = utcnow()
    with uow:
        # the application's row lock serialises two reviews of one application (PostgreSQL)
        app = visible_application(uow, application_id, actor, for_update=True)
        call = uow.calls.get(app.call_id)
        recused = domain.recusal(app, reviewer, organisation, uow.panel.conflicts_of(app.id))
        if not actor.is_system and recused is None:   # an internal call (operators' tools) is not limited
            domain.check_on_panel(reviewer, uow.panel.assignments_of(app.id))
        review = app.add_review(call, reviewer=reviewer, reviewer_organisation=organisation, reviewer_name=name,
                                scores=fields["scores"], recommendation=fields["recommendation"],
                                comment=fields["comment"], existing=uow.reviews.of(app.id), now=now,
                                recused=recused)
        try:  # the unique (application, reviewer) constraint backs the check above
            uow.reviews.add(review)
            uow.commit()
        except IntegrityError:
            raise Conflict(f"{reviewer} has already reviewed this application") from None
    return views.review_view(review)


def list_reviews(uow: Any, query: dict[str, Any] | None = None, cursor: str | None = None, *,
        actor: Actor) -> dict[str, Any]:
    access.require_reviewer(actor, "reviews are seen")
    q, filters = list_query(api.ReviewQuery, query, cursor)
    with uow:
        items, next_cursor = uow.reviews.list(limit=q["limit"], cursor=q["cursor"],
                                              not_of=access.conflicted_organisation(actor),
                                              seen_by=None if actor.is_admin else (actor.key_id or ""), **filters)
        counted = counted_among(uow, items)
        return views.page([views.review_view(r, r.id in counted) for r in items], next_cursor)


def determine(uow: Any, application_id: str, data: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    """Award (commit money to a new grant) or reject, with reasons, once the call's reviews are in.

    Locks the fund, then the call, then the application, and checks the fund's available
    balance and the call's envelope inside the transaction: of two racing awards that
    together exceed them, exactly one commits."""
    access.require_admin(actor, "the determination")
    fields = load(api.DeterminationInput, data)
    now = utcnow()
    with uow:
        pending = found(uow.applications.get(application_id), "application", application_id)
        fund = uow.funds.get(pending.fund_id, for_update=True)
        call = uow.calls.get(pending.call_id, for_update=True)
        app = uow.applications.get(application_id, for_update=True)
        reviews = uow.reviews.of(app.id)
        counted = domain.counting(app, reviews, uow.panel.conflicts_of(app.id))   # recused reviewers' do not
        grant = domain.determine(app, fund, call, counted, decision=fields["decision"], reasons=fields["reasons"],
                                 amount=fields["amount"], tranches=fields["tranches"], reports=fields["reports"],
                                 now=now)
        if grant is not None:
            uow.grants.save(grant)
            uow.calls.save(call)
            uow.funds.save_ledger(fund)
        uow.applications.save(app)
        uow.commit()
    return {"application": views.application_view(app, reviews, {r.id for r in counted}),
            "grant": views.grant_view(grant) if grant else None}
