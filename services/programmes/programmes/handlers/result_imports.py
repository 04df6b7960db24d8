"""Use case of the results sheet (gateway.spreadsheets): rows of draft values applied in ONE
unit of work, all or nothing, each reported created, updated or unchanged. A row with an
`id` edits that result (its programme, indicator, city and period are its identity and
fixed); a row without one drafts a new result, as POST .../results does. Rows are checked
by the JSON API's schema (ResultCreate) and the domain's rules, so the same value gets the
same message; another organisation's programme or result is answered like a missing one.
Errors are keyed `rows.<i>.<field>`; a dry run does the same work and rolls it back."""
from typing import Any

import sqlalchemy as sa

from programmes import domain
from programmes.access import by, programme_for, require_writer, result_for
from programmes.handlers.periods import require_open
from programmes.handlers.programmes import merge
from programmes.handlers.results import _exists, _indicator_of, _ratio
from shared.actors import Actor
from shared.api import programmes as api
from shared.errors import InvalidInput, NotFound, PlatformError, validate
from shared.events.fields import utcnow

_result_in = api.ResultCreate()
MAX_ROWS = 5000


def import_results(uow: Any, rows: Any, *, dry_run: bool = False, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    if not isinstance(rows, list) or not 1 <= len(rows) <= MAX_ROWS:
        raise InvalidInput({"rows": [f"1 to {MAX_ROWS} rows"]})
    errors: dict[str, Any] = {}
    report: list[dict[str, Any]] = []
    now = utcnow()
    with uow:
        try:
            for i, row in enumerate(rows):
                sink: dict[str, Any] = {}
                outcome = _apply(uow, row if isinstance(row, dict) else {}, actor, now, sink)
                errors.update({f"rows.{i}.{k}": v for k, v in sink.items()})
                if outcome is not None:
                    report.append({"index": i, **outcome})
        except sa.exc.IntegrityError:   # a slot drafted by another request at the same moment: nothing kept
            raise InvalidInput({"rows": ["another request drafted one of these results at the same moment; "
                                         "import the sheet again"]}) from None
        if errors:
            raise InvalidInput(errors, "The sheet has rows the platform cannot take.")
        if not dry_run:
            uow.commit()
    return {"dry_run": dry_run, "rows": report}


def _apply(uow: Any, row: dict[str, Any], actor: Actor, now: Any, errors: dict[str, Any]) -> dict[str, Any] | None:
    fields = merge(errors, validate, _result_in, {k: v for k, v in row.items() if k not in ("id", "programme_id")})
    if fields is None:
        return None
    try:
        if row.get("id"):
            return _edit(uow, row, fields, actor, now, errors)
        return _draft(uow, row, fields, actor, now)
    except NotFound:
        field = "id" if row.get("id") else "programme_id"
        errors[field] = [f"no {'result' if field == 'id' else 'programme'} {row.get(field)!r}"]
    except PlatformError as exc:
        errors.update(getattr(exc, "errors", None) or {"_row": [exc.detail]})
    return None


def _draft(uow: Any, row: dict[str, Any], fields: dict[str, Any], actor: Actor, now: Any) -> dict[str, Any]:
    programme = programme_for(uow, row.get("programme_id"), actor)
    indicator = _indicator_of(uow, programme, fields["indicator"])
    result = domain.Result.draft(programme, indicator, city_id=fields["city_id"], period=fields["period"],
                                 value=fields["value"], disaggregations=fields["disaggregations"], now=now,
                                 by=by(actor), ratio=_ratio(fields))
    require_open(uow, programme.id, result.period_start, result.period_end)
    existing = uow.results.id_in_slot(programme.id, indicator.code, result.city_id, result.period_start,
                                      result.period_end)
    if existing:
        raise _exists(indicator.code, existing)
    uow.results.add(uow.track(result))
    return {"id": result.id, "outcome": "created"}


def _edit(uow: Any, row: dict[str, Any], fields: dict[str, Any], actor: Actor, now: Any,
          errors: dict[str, Any]) -> dict[str, Any] | None:
    result = result_for(uow, row["id"], actor, for_update=True)
    slot = (result.programme_id, result.indicator, result.city_id, result.period_start, result.period_end)
    if slot != (row.get("programme_id") or result.programme_id, fields["indicator"], fields["city_id"],
                fields["period"]["start"], fields["period"]["end"]):
        errors["id"] = ["a result's programme, indicator, city and period are fixed: leave id empty to draft "
                        "a new result"]
        return None
    require_open(uow, result.programme_id, result.period_start, result.period_end)
    disaggregations = {k: v for k, v in fields["disaggregations"].items() if v}
    ratio = _ratio(fields) if {"numerator", "denominator"} & set(row) else result.current.ratio   # no column: kept
    if (result.current.value, result.current.disaggregations, result.current.ratio) == (
            fields["value"], disaggregations, ratio):
        return {"id": result.id, "outcome": "unchanged"}
    result.edit(uow.indicators.get(result.programme_id, result.indicator), value=fields["value"],
                disaggregations=fields["disaggregations"], now=now, by=by(actor), ratio=ratio)
    uow.results.save(result)
    return {"id": result.id, "outcome": "updated"}
