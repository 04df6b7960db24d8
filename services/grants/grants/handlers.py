"""Use cases of the grants service, as plain functions of a unit of work.

Every use case acting for a caller takes `actor` ({"key_id", "organisation", "role", "scopes"},
or None for an internal call, which acts as an administrator):
- funds, calls, rates, contributions, determinations, disbursements, report approval,
  closeout and cancellation are for administrators (role "admin"); others get Forbidden;
- reviewers are administrators (or keys with a "review" scope); a reviewer cannot review
  an application of their own organisation;
- any other caller (partner, reader) sees and writes only the applications, grants and
  reports of its own organisation; others' answer NotFound, so ids cannot be probed."""
import logging
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from grants import domain
from shared.api import grants as api
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound, validate
from shared.events.fields import utcnow
from shared.reference import TRANSACTION_TYPES

log = logging.getLogger(__name__)

_schemas = {}


def _load(schema_cls, data):
    if schema_cls not in _schemas:
        _schemas[schema_cls] = schema_cls()
    return validate(_schemas[schema_cls], data if data is not None else {})


def _dump(schema_cls, value):
    if schema_cls not in _schemas:
        _schemas[schema_cls] = schema_cls()
    return _schemas[schema_cls].dump(value)


# --- who may do what ------------------------------------------------------------------------

def is_admin(actor) -> bool:
    return actor is None or actor.get("role") == "admin"


def is_reviewer(actor) -> bool:
    return is_admin(actor) or "review" in (actor.get("scopes") or [])


def require_admin(actor, what: str) -> None:
    if not is_admin(actor):
        raise Forbidden(f"{what} is for administrators; the key's role is {actor.get('role')}")


def require_writer(actor, what: str) -> None:
    """Partners and administrators write; readers only read."""
    if actor is not None and actor.get("role") not in ("partner", "admin"):
        raise Forbidden(f"{what} needs a partner or admin key; the key's role is {actor.get('role')}")


def own_organisation(actor) -> str | None:
    """The organisation a caller is limited to, or None when it sees everything."""
    if is_reviewer(actor):
        return None
    return actor.get("organisation") or ""


def _visible(actor, organisation: str) -> bool:
    mine = own_organisation(actor)
    return mine is None or domain.same_organisation(mine, organisation)


# --- views ----------------------------------------------------------------------------------

def _money(amount, currency):
    return {"amount": domain.money(amount), "currency": currency}


def fund_view(fund: domain.Fund) -> dict:
    b = fund.balance
    explanation = (f"available {b.available} = received {domain.money(b.received)} - committed "
                   f"{domain.money(b.committed)}; of the committed, {domain.money(b.disbursed)} is disbursed "
                   f"and {b.undisbursed} is still to be disbursed; pledged {domain.money(b.pledged)} "
                   f"({fund.currency})")
    return _dump(api.FundOut, {
        **fund.__dict__, "min_grant": _money(fund.min_grant, fund.currency),
        "max_grant": _money(fund.max_grant, fund.currency),
        "balance": {**b.as_dict(), "undisbursed": b.undisbursed, "explanation": explanation}})


def ledger_view(entry: domain.LedgerEntry) -> dict:
    return _dump(api.LedgerEntryOut, {
        **entry.__dict__, "transaction_type_name": TRANSACTION_TYPES[entry.transaction_type],
        "amount": _money(entry.amount, entry.currency),
        "original_amount": _money(entry.original_amount, entry.original_currency)})


def contribution_view(c: domain.Contribution) -> dict:
    return _dump(api.ContributionOut, {
        **c.__dict__, "original_amount": _money(c.original_amount, c.original_currency),
        "amount": _money(c.amount, c.currency), "received": _money(c.received_total, c.currency),
        "outstanding": _money(c.outstanding_original, c.original_currency),
        "receipts": [{**r.__dict__, "original_amount": _money(r.original_amount, c.original_currency),
                      "amount": _money(r.amount, c.currency)} for r in c.receipts]})


def call_view(call: domain.Call) -> dict:
    return _dump(api.CallOut, {
        **call.__dict__, "envelope": _money(call.envelope, call.currency),
        "committed": _money(call.committed, call.currency), "remaining": _money(call.remaining, call.currency),
        "allowed_actions": sorted(domain.CALL_LIFECYCLE[call.status])})


def review_view(review: domain.Review) -> dict:
    return _dump(api.ReviewOut, review.__dict__)


def application_view(app: domain.Application, reviews: list | None = None) -> dict:
    view = _dump(api.ApplicationOut, {
        **app.__dict__, "amount_requested": _money(app.amount_requested, app.currency),
        "project_cost": _money(app.project_cost, app.currency),
        "allowed_actions": sorted(domain.APPLICATION_LIFECYCLE[app.status]),
        "screening": {"passed": not app.failures, "failures": app.failures},
        "reviews": [r.__dict__ for r in reviews or []]})
    if reviews is None:
        view.pop("reviews")
    return view


def report_view(report: domain.Report, today: date) -> dict:
    return _dump(api.ReportOut, {**report.__dict__, "overdue": report.is_overdue(today)})


def grant_view(grant: domain.Grant, today: date | None = None) -> dict:
    today = today or utcnow().date()
    reports = {r.id: r for r in grant.reports}
    tranches = []
    for t in grant.tranches:
        report = reports.get(t.condition_report_id)
        tranches.append({**t.__dict__, "amount": _money(t.amount, grant.currency),
                         "disbursed": _money(t.disbursed, grant.currency),
                         "condition_report": report.number if report else None,
                         "condition_met": t.condition == "none" or bool(report and report.status == "approved")})
    people = grant.people_reached()
    cost = (grant.disbursed / people).quantize(domain.CENT) if people else None
    return _dump(api.GrantOut, {
        **grant.__dict__, "amount": _money(grant.amount, grant.currency),
        "disbursed": _money(grant.disbursed, grant.currency), "returned": _money(grant.returned, grant.currency),
        "undisbursed": _money(grant.undisbursed, grant.currency),
        "allowed_actions": sorted(domain.GRANT_LIFECYCLE[grant.status]) if grant.fund_id else [],
        "tranches": tranches, "reports": [{**r.__dict__, "overdue": r.is_overdue(today)} for r in grant.reports],
        "value_for_money": {
            "disbursed": str(domain.money(grant.disbursed)), "currency": grant.currency,
            "people_reached": people, "cost_per_person_reached": str(cost) if cost is not None else None}})


def _page(items: list, next_cursor) -> dict:
    return {"items": items, "next_cursor": next_cursor}


# --- event payloads -------------------------------------------------------------------------

def _fund_context(fund) -> dict:
    return {"fund_id": fund.id, "window": fund.window}


def _application_context(app: domain.Application) -> dict:
    return {
        "fund_id": app.fund_id, "window": app.window, "application_id": app.id, "call_id": app.call_id,
        "theme": app.theme, "country": app.country, "city": app.city,
        "applicant_organisation": app.applicant_organisation, "applicant_type": app.applicant_type,
        "programme_id": app.programme_id, "programme_iati_identifier": app.programme_iati_identifier,
        "amount_requested": app.amount_requested, "project_cost": app.project_cost, "currency": app.currency,
        "targets": [dict(t) for t in app.targets]}


def _grant_context(grant: domain.Grant) -> dict:
    return {
        "fund_id": grant.fund_id, "window": grant.window, "grant_id": grant.id,
        "application_id": grant.application_id, "call_id": grant.call_id, "theme": grant.theme,
        "country": grant.country, "city": grant.city, "recipient_organisation": grant.recipient,
        "recipient_type": grant.recipient_type, "programme_id": grant.programme_id,
        "programme_iati_identifier": grant.programme_iati_identifier, "currency": grant.currency}


def _report_context(grant: domain.Grant, report: domain.Report) -> dict:
    return {**_grant_context(grant), "report_id": report.id, "title": report.title, "final": report.final,
            "due_date": report.due_date}


def _contribution_payload(fund, c: domain.Contribution) -> dict:
    return {**_fund_context(fund), "contribution_id": c.id, "contributor": c.contributor,
            "contributor_type": c.contributor_type, "currency": fund.currency,
            "original_currency": c.original_currency, "fund_balance": fund.balance.as_dict()}


# --- helpers ---------------------------------------------------------------------------------

def _get(repo_get, resource: str, identifier: str, **kwargs):
    found = repo_get(identifier, **kwargs)
    if found is None:
        raise NotFound(resource, identifier)
    return found


def _converter(uow, field_name: str):
    def convert(amount, currency, to_currency, value_date):
        return domain.convert(amount, currency, to_currency, value_date, uow.rates.latest, field_name=field_name)
    return convert


def _filters(query: dict, schema_cls) -> dict:
    return {name: query.get(name) for name in api.QUERY_FILTERS[schema_cls] if query.get(name) is not None}


def _query(schema_cls, query: dict | None) -> dict:
    return _load(schema_cls, query or {})


def _list_query(schema_cls, query, cursor):
    # The cursor is a decoded value (a list or a number), not the schema's string: check it apart.
    data = dict(query or {})
    data.pop("cursor", None)
    loaded = _query(schema_cls, data)
    loaded["cursor"] = cursor if cursor is not None else (query or {}).get("cursor")
    return loaded


# --- funds and rates --------------------------------------------------------------------------

def create_fund(uow, data: dict, actor=None) -> dict:
    require_admin(actor, "setting up a fund")
    fields = _load(api.FundInput, data)
    now = utcnow()
    fund = domain.Fund.create(
        name=fields["name"], window=fields["window"], currency=fields["currency"],
        min_grant=fields["min_grant"]["amount"], max_grant=fields["max_grant"]["amount"],
        eligible_applicant_types=fields["eligible_applicant_types"],
        eligible_countries=fields["eligible_countries"], max_cofinancing_share=fields["max_cofinancing_share"],
        now=now)
    with uow:
        uow.funds.add(fund)
        uow.emit("fund.created", {
            **_fund_context(fund), "name": fund.name, "currency": fund.currency, "min_grant": fund.min_grant,
            "max_grant": fund.max_grant, "eligible_applicant_types": fund.eligible_applicant_types,
            "eligible_countries": fund.eligible_countries, "max_cofinancing_share": fund.max_cofinancing_share,
            "created_at": now})
        uow.commit()
    return fund_view(fund)


def get_fund(uow, fund_id: str, actor=None) -> dict:
    with uow:
        return fund_view(_get(uow.funds.get, "fund", fund_id))


def list_funds(uow, query: dict | None = None, actor=None, cursor=None) -> dict:
    q = _list_query(api.FundQuery, query, cursor)
    with uow:
        funds, next_cursor = uow.funds.list(limit=q["limit"], cursor=q["cursor"], **_filters(q, api.FundQuery))
        return _page([fund_view(f) for f in funds], next_cursor)


def fund_ledger(uow, fund_id: str, query: dict | None = None, actor=None, cursor=None) -> dict:
    require_admin(actor, "a fund's ledger")
    q = _list_query(api.LedgerQuery, query, cursor)
    with uow:
        _get(uow.funds.get, "fund", fund_id)
        entries, next_cursor = uow.funds.ledger(limit=q["limit"], cursor=q["cursor"], fund_id=fund_id,
                                                **_filters(q, api.LedgerQuery))
        return _page([ledger_view(e) for e in entries], next_cursor)


def load_rates(uow, data: dict, actor=None) -> dict:
    require_admin(actor, "loading exchange rates")
    fields = _load(api.RatesInput, data)
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
    return _dump(api.RatesOut, {"loaded": len(rates), "rates": [r.__dict__ for r in rates]})


def list_rates(uow, query: dict | None = None, actor=None, cursor=None) -> dict:
    q = _list_query(api.RateQuery, query, cursor)
    with uow:
        rates, next_cursor = uow.rates.list(limit=q["limit"], cursor=q["cursor"], **_filters(q, api.RateQuery))
        return _page([_dump(api.RateOut, r.__dict__) for r in rates], next_cursor)


# --- contributions ------------------------------------------------------------------------------

def pledge_contribution(uow, data: dict, actor=None) -> dict:
    require_admin(actor, "recording a contribution")
    fields = _load(api.ContributionInput, data)
    now = utcnow()
    with uow:
        fund = uow.funds.get(fields["fund_id"], for_update=True)
        if fund is None:
            raise InvalidInput({"fund_id": [f"no fund with id {fields['fund_id']!r}"]})
        contribution, _ = domain.Contribution.pledge(
            fund, contributor=fields["contributor"], contributor_type=fields["contributor_type"],
            amount=fields["amount"], value_date=fields["value_date"] or now.date(),
            convert_fn=_converter(uow, "amount.currency"), now=now)
        uow.contributions.save(contribution)
        uow.funds.flush_ledger(fund)
        uow.emit("contribution.pledged", {
            **_contribution_payload(fund, contribution), "amount": contribution.amount,
            "original_amount": contribution.original_amount, "exchange_rate": contribution.exchange_rate,
            "value_date": contribution.value_date, "transaction_type": domain.INCOMING_COMMITMENT,
            "status": contribution.status, "pledged_at": now})
        uow.commit()
    return contribution_view(contribution)


def receive_contribution(uow, contribution_id: str, data: dict | None = None, actor=None) -> dict:
    require_admin(actor, "recording money received")
    fields = _load(api.ReceiptInput, data)
    now = utcnow()
    with uow:
        found = _get(uow.contributions.get, "contribution", contribution_id)
        fund = uow.funds.get(found.fund_id, for_update=True)
        contribution = uow.contributions.get(contribution_id)  # re-read under the fund's lock
        amount = fields["amount"]
        if amount is not None and amount["currency"] != contribution.original_currency:
            raise InvalidInput({"amount.currency": [
                f"must be the pledge's currency {contribution.original_currency}"]})
        previous = contribution.status
        receipt, _ = contribution.receive(
            fund, amount=amount["amount"] if amount else None, value_date=fields["value_date"] or now.date(),
            convert_fn=_converter(uow, "value_date"), now=now)
        uow.contributions.save(contribution)
        uow.funds.flush_ledger(fund)
        uow.emit("contribution.received", {
            **_contribution_payload(fund, contribution), "receipt_id": receipt.id, "amount": receipt.amount,
            "original_amount": receipt.original_amount, "exchange_rate": receipt.exchange_rate,
            "value_date": receipt.value_date, "transaction_type": domain.INCOMING_FUNDS,
            "previous_status": previous, "status": contribution.status,
            "received_total": contribution.received_total,
            "outstanding_original": contribution.outstanding_original, "received_at": now})
        uow.commit()
    return contribution_view(contribution)


def get_contribution(uow, contribution_id: str, actor=None) -> dict:
    with uow:
        return contribution_view(_get(uow.contributions.get, "contribution", contribution_id))


def list_contributions(uow, query: dict | None = None, actor=None, cursor=None) -> dict:
    q = _list_query(api.ContributionQuery, query, cursor)
    with uow:
        items, next_cursor = uow.contributions.list(limit=q["limit"], cursor=q["cursor"],
                                                    **_filters(q, api.ContributionQuery))
        return _page([contribution_view(c) for c in items], next_cursor)


# --- calls ---------------------------------------------------------------------------------------

def open_call(uow, data: dict, actor=None) -> dict:
    require_admin(actor, "opening a call")
    fields = _load(api.CallInput, data)
    now = utcnow()
    with uow:
        fund = uow.funds.get(fields["fund_id"])
        if fund is None:
            raise InvalidInput({"fund_id": [f"no fund with id {fields['fund_id']!r}"]})
        call = domain.Call.open(fund, title=fields["title"], themes=fields["themes"], opens_at=fields["opens_at"],
                                closes_at=fields["closes_at"], envelope=fields["envelope"],
                                questions=fields["questions"], criteria=fields["criteria"],
                                required_reviews=fields["required_reviews"], now=now)
        uow.calls.save(call)
        uow.emit("call.opened", {
            **_fund_context(fund), "call_id": call.id, "title": call.title, "themes": call.themes,
            "opens_at": call.opens_at, "closes_at": call.closes_at, "envelope": call.envelope,
            "currency": call.currency, "required_reviews": call.required_reviews,
            "criteria": [c["code"] for c in call.criteria], "opened_at": now})
        uow.commit()
    return call_view(call)


def _emit_call_closed(uow, call: domain.Call, previous: str, reason: str, now: datetime) -> None:
    uow.emit("call.closed", {
        "fund_id": call.fund_id, "window": call.window, "call_id": call.id, "previous_status": previous,
        "status": call.status, "reason": reason, "envelope": call.envelope, "committed": call.committed,
        "currency": call.currency, "applications": uow.calls.applications_count(call.id), "closed_at": now})


def close_call(uow, call_id: str, actor=None) -> dict:
    require_admin(actor, "closing a call")
    now = utcnow()
    with uow:
        call = _get(uow.calls.get, "call", call_id, for_update=True)
        previous = call.close(now)
        uow.calls.save(call)
        _emit_call_closed(uow, call, previous, "closed_by_admin", now)
        uow.commit()
    return call_view(call)


def get_call(uow, call_id: str, actor=None) -> dict:
    with uow:
        return call_view(_get(uow.calls.get, "call", call_id))


def list_calls(uow, query: dict | None = None, actor=None, cursor=None) -> dict:
    q = _list_query(api.CallQuery, query, cursor)
    with uow:
        items, next_cursor = uow.calls.list(limit=q["limit"], cursor=q["cursor"], **_filters(q, api.CallQuery))
        return _page([call_view(c) for c in items], next_cursor)


# --- applications and reviews ---------------------------------------------------------------------

def submit_application(uow, data: dict, actor=None, programme: dict | None = None) -> dict:
    """`programme`: what the gateway found of the programme ({"id", "iati_identifier"}), if it looked."""
    require_writer(actor, "applying")
    fields = _load(api.ApplicationInput, data)
    organisation = fields["applicant_organisation"]
    if not is_admin(actor):
        mine = actor.get("organisation") or ""
        if organisation is not None and not domain.same_organisation(organisation, mine):
            raise Forbidden(f"a partner applies for its own organisation ({mine}), not for {organisation}")
        organisation = mine
    if not organisation:
        raise InvalidInput({"applicant_organisation": ["name the applicant organisation"]})
    iati_identifier = None
    if programme:
        if programme.get("id") not in (None, fields["programme_id"]):
            raise InvalidInput({"programme_id": ["does not match the programme looked up"]})
        iati_identifier = programme.get("iati_identifier")
    now = utcnow()
    with uow:
        call = uow.calls.get(fields["call_id"])
        if call is None:
            raise InvalidInput({"call_id": [f"no call with id {fields['call_id']!r}"]})
        fund = uow.funds.get(call.fund_id)
        app = domain.Application.submit(
            fund, call, applicant_organisation=organisation, applicant_type=fields["applicant_type"],
            title=fields["title"], city=fields["city"], country=fields["country"], theme=fields["theme"],
            amount_requested=fields["amount_requested"], project_cost=fields["project_cost"],
            proposal=fields["proposal"], answers=fields["answers"], programme_id=fields["programme_id"],
            programme_iati_identifier=iati_identifier, targets=fields["targets"], now=now)
        uow.emit("application.submitted", {**_application_context(app), "submitted_at": now})
        previous = app.screen(fund, call, now)
        uow.applications.save(app)
        uow.emit("application.screened", {
            **_application_context(app), "passed": not app.failures, "failures": app.failures,
            "previous_status": previous, "status": app.status, "screened_at": now})
        uow.commit()
    return application_view(app)


def _visible_application(uow, application_id: str, actor, *, for_update=False) -> domain.Application:
    app = uow.applications.get(application_id, for_update=for_update)
    if app is None or not _visible(actor, app.applicant_organisation):
        raise NotFound("application", application_id)
    return app


def get_application(uow, application_id: str, actor=None) -> dict:
    with uow:
        app = _visible_application(uow, application_id, actor)
        reviews = uow.reviews.of(app.id) if is_reviewer(actor) else None
        return application_view(app, reviews)


def list_applications(uow, query: dict | None = None, actor=None, cursor=None) -> dict:
    q = _list_query(api.ApplicationQuery, query, cursor)
    filters = _filters(q, api.ApplicationQuery)
    mine = own_organisation(actor)
    if mine is not None:
        if "applicant_organisation" in filters and not domain.same_organisation(filters["applicant_organisation"],
                                                                                mine):
            return _page([], None)
        filters["applicant_organisation"] = mine
    with uow:
        items, next_cursor = uow.applications.list(limit=q["limit"], cursor=q["cursor"], **filters)
        return _page([application_view(a) for a in items], next_cursor)


def withdraw_application(uow, application_id: str, data: dict | None = None, actor=None) -> dict:
    require_writer(actor, "withdrawing an application")
    _load(api.WithdrawalInput, data)
    now = utcnow()
    with uow:
        app = _visible_application(uow, application_id, actor, for_update=True)
        previous = app.withdraw(now)
        uow.applications.save(app)
        uow.emit("application.withdrawn", {**_application_context(app), "previous_status": previous,
                                           "status": app.status, "withdrawn_at": now})
        uow.commit()
    return application_view(app)


def submit_review(uow, application_id: str, data: dict, actor=None) -> dict:
    if not is_reviewer(actor):
        raise Forbidden("reviews are by reviewers (administrators); the key's role is "
                        f"{actor.get('role')}")
    fields = _load(api.ReviewInput, data)
    if actor is None:
        missing = {name: ["name the reviewer on an internal call"]
                   for name in ("reviewer", "reviewer_organisation") if not fields[name]}
        if missing:
            raise InvalidInput(missing)
        reviewer, organisation = fields["reviewer"].strip(), fields["reviewer_organisation"]
    else:
        reviewer, organisation = actor.get("key_id") or "", actor.get("organisation") or ""
        given = fields["reviewer_organisation"]
        if given is not None and not domain.same_organisation(given, organisation):
            raise Forbidden(f"you review as your own organisation ({organisation}), not as {given}")
        if fields["reviewer"]:
            reviewer = f"{reviewer} ({fields['reviewer'].strip()})" if reviewer else fields["reviewer"].strip()
    now = utcnow()
    with uow:
        app = uow.applications.get(application_id, for_update=True)
        if app is None:
            raise NotFound("application", application_id)
        call = uow.calls.get(app.call_id)
        existing = uow.reviews.of(app.id)
        review = domain.make_review(app, call, reviewer=reviewer, reviewer_organisation=organisation,
                                    scores=fields["scores"], recommendation=fields["recommendation"],
                                    comment=fields["comment"], existing=existing, now=now)
        try:  # the unique (application, reviewer) constraint backs the check above
            uow.reviews.add(review)
            uow.emit("review.submitted", {
                **_application_context(app), "review_id": review.id, "reviewer": review.reviewer,
                "reviewer_organisation": review.reviewer_organisation, "total_score": review.total_score,
                "recommendation": review.recommendation, "reviews": len(existing) + 1, "reviewed_at": now})
            uow.commit()
        except IntegrityError:
            raise Conflict(f"{reviewer} has already reviewed this application") from None
    return review_view(review)


def list_reviews(uow, query: dict | None = None, actor=None, cursor=None) -> dict:
    if not is_reviewer(actor):
        raise Forbidden("reviews are seen by reviewers (administrators)")
    q = _list_query(api.ReviewQuery, query, cursor)
    with uow:
        items, next_cursor = uow.reviews.list(limit=q["limit"], cursor=q["cursor"], **_filters(q, api.ReviewQuery))
        return _page([review_view(r) for r in items], next_cursor)


def determine(uow, application_id: str, data: dict, actor=None) -> dict:
    """Award (commit money to a new grant) or reject, with reasons, once the call's reviews are in.

    Locks the fund, then the call, then the application, and checks the fund's available
    balance and the call's envelope inside the transaction: of two racing awards that
    together exceed them, exactly one commits."""
    require_admin(actor, "the determination")
    fields = _load(api.DeterminationInput, data)
    now = utcnow()
    with uow:
        found = _get(uow.applications.get, "application", application_id)
        fund = uow.funds.get(found.fund_id, for_update=True)
        call = uow.calls.get(found.call_id, for_update=True)
        app = uow.applications.get(application_id, for_update=True)
        reviews = uow.reviews.of(app.id)
        decision = fields["decision"]
        previous = app.determine(decision, fields["reasons"], reviews, call, now)
        grant = None
        if decision == "award":
            amount = fields["amount"]
            if amount is not None and amount["currency"] != fund.currency:
                raise InvalidInput({"amount.currency": [f"must be the fund's currency {fund.currency}"]})
            grant, _ = domain.Grant.award(app, fund, call, amount=amount["amount"] if amount else None,
                                          tranches=fields["tranches"], reports=fields["reports"], now=now)
            uow.grants.save(grant)
            uow.calls.save(call)
            uow.funds.flush_ledger(fund)
        uow.applications.save(app)
        context = {**_application_context(app), "reviews": len(reviews), "previous_status": previous,
                   "status": app.status, "reasons": app.decision_reasons}
        if grant is None:
            uow.emit("application.rejected", {**context, "rejected_at": now})
        else:
            uow.emit("application.awarded", {**context, "grant_id": grant.id, "amount_awarded": grant.amount,
                                             "awarded_at": now})
            uow.emit("grant.committed", {
                **_grant_context(grant), "transaction_type": domain.OUTGOING_COMMITMENT, "amount": grant.amount,
                "tranches": [{"tranche_id": t.id, "number": t.number, "amount": t.amount,
                              "planned_date": t.planned_date, "condition": t.condition,
                              "condition_report_id": t.condition_report_id} for t in grant.tranches],
                "reports": [{"report_id": r.id, "title": r.title, "due_date": r.due_date, "final": r.final}
                            for r in grant.reports],
                "targets": grant.targets, "call_envelope": call.envelope, "call_committed": call.committed,
                "fund_balance": fund.balance.as_dict(), "committed_at": now})
        uow.commit()
    return {"application": application_view(app, reviews), "grant": grant_view(grant) if grant else None}


# --- grants ----------------------------------------------------------------------------------------

def _visible_grant(uow, grant_id: str, actor, *, for_update=False) -> domain.Grant:
    grant = uow.grants.get(grant_id, for_update=for_update)
    if grant is None or not _visible(actor, grant.recipient):
        raise NotFound("grant", grant_id)
    return grant


def _locked_grant(uow, grant_id: str, actor):
    """(fund, call, grant), locked in that order."""
    found = _visible_grant(uow, grant_id, actor)
    fund = uow.funds.get(found.fund_id, for_update=True) if found.fund_id else None
    call = uow.calls.get(found.call_id, for_update=True) if found.call_id else None
    return fund, call, uow.grants.get(grant_id, for_update=True)


def get_grant(uow, grant_id: str, actor=None) -> dict:
    with uow:
        return grant_view(_visible_grant(uow, grant_id, actor))


def list_grants(uow, query: dict | None = None, actor=None, cursor=None) -> dict:
    q = _list_query(api.GrantQuery, query, cursor)
    filters = _filters(q, api.GrantQuery)
    mine = own_organisation(actor)
    if mine is not None:
        if "recipient" in filters and not domain.same_organisation(filters["recipient"], mine):
            return _page([], None)
        filters["recipient"] = mine
    today = utcnow().date()
    with uow:
        items, next_cursor = uow.grants.list(limit=q["limit"], cursor=q["cursor"], **filters)
        return _page([grant_view(g, today) for g in items], next_cursor)


def disburse(uow, grant_id: str, data: dict, actor=None) -> dict:
    require_admin(actor, "disbursing")
    fields = _load(api.DisbursementInput, data)
    now = utcnow()
    with uow:
        fund, _, grant = _locked_grant(uow, grant_id, actor)
        if fund is None:
            grant._check("disburse")
        amount = fields["amount"]
        if amount is not None and amount["currency"] != grant.currency:
            raise InvalidInput({"amount.currency": [f"must be the grant's currency {grant.currency}"]})
        tranche, entry = grant.disburse(fund, str(fields["tranche"]), amount["amount"] if amount else None,
                                        fields["value_date"] or now.date(), now)
        uow.grants.save(grant)
        uow.funds.flush_ledger(fund)
        uow.emit("tranche.disbursed", {
            **_grant_context(grant), "disbursement_id": entry.id, "tranche_id": tranche.id,
            "tranche_number": tranche.number, "transaction_type": domain.DISBURSEMENT, "amount": entry.amount,
            "value_date": entry.value_date, "grant_committed": grant.amount, "grant_disbursed": grant.disbursed,
            "fund_balance": fund.balance.as_dict(), "disbursed_at": now})
        uow.commit()
    return {"disbursement": ledger_view(entry), "grant": grant_view(grant)}


def list_disbursements(uow, query: dict | None = None, actor=None, cursor=None) -> dict:
    q = _list_query(api.DisbursementQuery, query, cursor)
    filters = _filters(q, api.DisbursementQuery)
    mine = own_organisation(actor)
    with uow:
        if mine is not None:
            grant_id = filters.get("grant_id")
            if grant_id is None:
                raise InvalidInput({"grant_id": ["partners list the disbursements of one of their grants"]})
            _visible_grant(uow, grant_id, actor)
        items, next_cursor = uow.funds.ledger(limit=q["limit"], cursor=q["cursor"],
                                              transaction_type=domain.DISBURSEMENT, **filters)
        return _page([ledger_view(e) for e in items], next_cursor)


def submit_report(uow, grant_id: str, report_id: str, data: dict, actor=None) -> dict:
    require_writer(actor, "submitting a report")
    fields = _load(api.ReportSubmissionInput, data)
    now = utcnow()
    with uow:
        grant = _visible_grant(uow, grant_id, actor, for_update=True)
        report, previous = grant.submit_report(report_id, fields["summary"].strip(), fields["results"], now)
        uow.grants.save(grant)
        uow.emit("report.submitted", {**_report_context(grant, report), "results": report.results,
                                      "previous_status": previous, "status": report.status, "submitted_at": now})
        uow.commit()
    return report_view(report, now.date())


def review_report(uow, grant_id: str, report_id: str, data: dict | None, actor=None, *, approve: bool) -> dict:
    require_admin(actor, "approving reports" if approve else "asking for changes to a report")
    fields = _load(api.ReportReviewInput, data)
    now = utcnow()
    with uow:
        grant = _visible_grant(uow, grant_id, actor, for_update=True)
        report, previous = grant.review_report(report_id, approve, fields["feedback"], now)
        uow.grants.save(grant)
        if approve:
            uow.emit("report.approved", {**_report_context(grant, report), "results": report.results,
                                         "previous_status": previous, "status": report.status,
                                         "approved_at": now})
        uow.commit()
    return report_view(report, now.date())


def _end_grant(uow, grant_id: str, actor, how: str, reason: str | None = None) -> dict:
    now = utcnow()
    with uow:
        fund, call, grant = _locked_grant(uow, grant_id, actor)
        if fund is None:
            grant._check(how)
        if how == "close":
            previous, returned = grant.close(fund, call, now)
        else:
            previous, returned = grant.cancel(fund, call, reason, now)
        uow.grants.save(grant)
        if call is not None:
            uow.calls.save(call)
        uow.funds.flush_ledger(fund)
        payload = {**_grant_context(grant), "transaction_type": domain.OUTGOING_COMMITMENT,
                   "committed": grant.amount, "disbursed": grant.disbursed, "returned": returned,
                   "previous_status": previous, "status": grant.status, "fund_balance": fund.balance.as_dict()}
        if how == "close":
            uow.emit("grant.closed", {**payload, "closed_at": now})
        else:
            uow.emit("grant.cancelled", {**payload, "reason": grant.cancel_reason, "cancelled_at": now})
        uow.commit()
    return grant_view(grant, now.date())


def close_grant(uow, grant_id: str, data: dict | None = None, actor=None) -> dict:
    require_admin(actor, "closing out a grant")
    _load(api.EmptyInput, data)
    return _end_grant(uow, grant_id, actor, "close")


def cancel_grant(uow, grant_id: str, data: dict, actor=None) -> dict:
    require_admin(actor, "cancelling a grant")
    fields = _load(api.CancellationInput, data)
    return _end_grant(uow, grant_id, actor, "cancel", fields["reason"])


def list_reports(uow, query: dict | None = None, actor=None, cursor=None, today: date | None = None) -> dict:
    q = _list_query(api.ReportQuery, query, cursor)
    filters = _filters(q, api.ReportQuery)
    overdue = filters.pop("overdue", None)
    today = today or utcnow().date()
    with uow:
        items, next_cursor = uow.grants.reports(limit=q["limit"], cursor=q["cursor"], today=today,
                                                overdue=overdue, recipient=own_organisation(actor), **filters)
        return _page([report_view(r, today) for r in items], next_cursor)


# --- the passing of time -----------------------------------------------------------------------------

def sweep(make_uow, now: datetime, notice_days: int = domain.DEFAULT_REPORT_NOTICE_DAYS) -> dict:
    """Close calls past their deadline; send report.due for reports coming due and report.overdue
    for reports past due, once each (the mark and the event commit together, under the grant's
    lock, so concurrent sweeps of several replicas send each event once)."""
    today = now.date()
    with make_uow() as uow:
        due_calls = [c.id for c in uow.calls.past_deadline(now)]
        grant_ids = uow.grants.with_reports_to_check(today, notice_days)
    closed, due, overdue = 0, 0, 0
    for call_id in due_calls:
        with make_uow() as uow:
            call = uow.calls.get(call_id, for_update=True)
            if call is None or not call.is_past_deadline(now):
                continue
            previous = call.close(now)
            uow.calls.save(call)
            _emit_call_closed(uow, call, previous, "deadline", now)
            uow.commit()
            closed += 1
    for grant_id in grant_ids:
        with make_uow() as uow:
            grant = uow.grants.get(grant_id, for_update=True)
            coming, late = grant.reports_coming_due(today, notice_days), grant.reports_newly_overdue(today)
            for report in coming:
                report.due_notified_at = now
                uow.emit("report.due", {**_report_context(grant, report), "status": report.status,
                                        "notified_at": now})
            for report in late:
                report.overdue_at = now
                uow.emit("report.overdue", {**_report_context(grant, report), "status": report.status,
                                            "days_overdue": (today - report.due_date).days, "overdue_at": now})
            if coming or late:
                uow.grants.save(grant)
                uow.commit()
            due, overdue = due + len(coming), overdue + len(late)
    return {"calls_closed": closed, "reports_due": due, "reports_overdue": overdue}
