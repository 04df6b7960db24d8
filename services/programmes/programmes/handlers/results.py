"""Use cases of results: draft, edit, submit, approve, return, revise, read and list.
The result records its review events; these functions load, check access and store."""
from typing import Any

import sqlalchemy as sa

from programmes import domain, plans
from programmes.access import (
    by,
    list_scope,
    programme_for,
    require_admin,
    require_approver,
    require_writer,
    result_for,
)
from programmes.handlers.periods import require_open
from programmes.views import result_summary_view, result_view
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import Conflict, InvalidInput, validate
from shared.events.fields import utcnow

_result_in, _result_update, _query = api.ResultCreate(), api.ResultUpdate(), api.ResultListQuery()
_review, _return, _revise = api.ReviewAction(), api.ResultReturn(), api.ResultRevise()


def _indicator_of(uow: Any, programme: domain.Programme, code: str) -> domain.Indicator:
    indicator: domain.Indicator | None = uow.indicators.get(programme.id, code)
    if indicator is None:
        codes = [i.code for i in uow.indicators.of(programme.id)]
        raise InvalidInput({"indicator": [f"{code!r} is not an indicator of this programme (its indicators: "
                                          f"{', '.join(codes) or 'none yet'})"]})
    return indicator


def _exists(code: str, existing: str | None = None) -> InvalidInput:
    which = f" ({existing})" if existing else ""
    return InvalidInput({"period": [f"a result of {code} in this city for this period exists already{which}: "
                                    "edit, submit or revise it"]})


def create_result(uow: Any, programme_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    fields = validate(_result_in, data)
    with uow:
        programme = programme_for(uow, programme_id, actor)
        try:
            indicator = _indicator_of(uow, programme, fields["indicator"])
        except InvalidInput as exc:
            if programme.city(fields["city_id"]) is None:
                exc.errors["city_id"] = [f"{fields['city_id']!r} is not one of the programme's cities"]
            raise
        result = domain.Result.draft(programme, indicator, city_id=fields["city_id"], period=fields["period"],
                                     value=fields["value"], disaggregations=fields["disaggregations"], now=utcnow(),
                                     by=by(actor), ratio=_ratio(fields))
        require_open(uow, programme.id, result.period_start, result.period_end)
        existing = uow.results.id_in_slot(programme.id, indicator.code, result.city_id, result.period_start,
                                          result.period_end)
        if existing:
            raise _exists(indicator.code, existing)
        try:
            uow.results.add(result)
        except sa.exc.IntegrityError:   # the same slot, drafted at the same moment
            raise _exists(indicator.code) from None
        uow.commit()
        return result_view(result, programme.city(result.city_id))


def _context(uow: Any, result_id: Any, actor: Actor, *, entry: bool = False
             ) -> tuple[domain.Result, domain.Programme, domain.Indicator]:
    """The result, locked and tracked (lock order: unit_of_work), its programme and indicator;
    `entry`: a change of the figures, refused in a locked period (handlers/periods.py)."""
    result = result_for(uow, result_id, actor, for_update=True)
    if entry:
        require_open(uow, result.programme_id, result.period_start, result.period_end)
    programme = uow.programmes.get(result.programme_id)
    return result, programme, uow.indicators.get(programme.id, result.indicator)


def _stored(uow: Any, result: domain.Result, programme: domain.Programme) -> dict[str, Any]:
    uow.results.save(result)
    uow.commit()
    return result_view(result, programme.city(result.city_id))


def _ratio(fields: dict[str, Any]) -> tuple[Any, Any]:
    """A percentage's (numerator, denominator) as given; (None, None) when not."""
    return (fields.get("numerator"), fields.get("denominator"))


def update_result(uow: Any, result_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    changes = validate(_result_update, data)
    with uow:
        result, programme, indicator = _context(uow, result_id, actor, entry=True)
        result.edit(indicator, value=changes.get("value"), disaggregations=changes.get("disaggregations"),
                    now=utcnow(), by=by(actor),
                    ratio=_ratio(changes) if {"numerator", "denominator"} & set(changes) else None)
        return _stored(uow, result, programme)


def submit_result(uow: Any, result_id: Any, data: Any = None, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    fields = validate(_review, {} if data is None else data)
    with uow:
        result, programme, indicator = _context(uow, result_id, actor, entry=True)
        result.submit(programme, indicator, now=utcnow(), by=by(actor), comment=fields["comment"],
                      key=actor.key_id)
        return _stored(uow, result, programme)


def approve_result(uow: Any, result_id: Any, data: Any = None, *, actor: Actor,
                   level: str | None = None) -> dict[str, Any]:
    """Approve at the result's next level (docs/programmes.md, "Approval levels"); `level` "first":
    only if that is the next (the first-level route), so a click never approves twice."""
    require_approver(actor, "first" if level == "first" else None)
    fields = validate(_review, {} if data is None else data)
    with uow:
        result, programme, indicator = _context(uow, result_id, actor)
        rules = plans.reporting_rules(result.period_end)
        next_level = result.approval_level(rules) if result.status in ("submitted", "endorsed") else None
        if level == "first" and next_level != "first":
            raise Conflict(f"a {result.status} result awaits no first-level approval"
                           + (" (the plan asks for one level: the secretariat's)" if rules.approval_levels == 1
                              else ""), result.allowed_actions)
        require_approver(actor, next_level)
        result.approve(programme, indicator, now=utcnow(), by=by(actor), comment=fields["comment"], rules=rules,
                       key=actor.key_id)
        return _stored(uow, result, programme)


def return_result(uow: Any, result_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_admin(actor, "return results for revision")
    fields = validate(_return, data)
    with uow:
        result, programme, indicator = _context(uow, result_id, actor)
        result.return_for_revision(programme, indicator, comment=fields["comment"].strip(), now=utcnow(),
                                   by=by(actor))
        return _stored(uow, result, programme)


def revise_result(uow: Any, result_id: Any, data: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    fields = validate(_revise, data)
    with uow:
        result, programme, indicator = _context(uow, result_id, actor, entry=True)
        result.revise(programme, indicator, value=fields["value"], disaggregations=fields["disaggregations"],
                      comment=fields["comment"].strip(), now=utcnow(), by=by(actor), ratio=_ratio(fields),
                      key=actor.key_id)
        return _stored(uow, result, programme)


def get_result(uow: Any, result_id: Any, *, actor: Actor) -> dict[str, Any]:
    with uow:
        result = result_for(uow, result_id, actor)
        return result_view(result, uow.cities.get(result.city_id))


def list_results(uow: Any, query: Any = None, *, actor: Actor, programme_id: Any = None) -> dict[str, Any]:
    q = validate(_query, query or {})
    filters = {k: v for k, v in q.items() if k not in ("cursor", "limit") and v is not None}
    with uow:
        if programme_id is not None:
            if q.get("programme_id") not in (None, programme_id):
                raise InvalidInput({"programme_id": ["differs from the programme in the path"]})
            filters["programme_id"] = programme_for(uow, programme_id, actor).id
        page = uow.results.page(filters=filters, organisation=list_scope(actor), cursor=q["cursor"],
                                limit=q["limit"])
        cities = uow.cities.many(sorted({r["city_id"] for r in page.rows}))
    return {"items": [result_summary_view(r, cities[r["city_id"]]) for r in page.rows],
            "next_cursor": page.next_cursor}
