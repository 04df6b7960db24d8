"""The audit log: an append-only record of every write and of refused requests.

Who (key id, organisation, role, client address), what (method, path, route, status),
when, the outcome, and the correlation id. Never the Authorization header, a key, a
webhook secret or a request body. Text that came from the request is stored with
every control character escaped (JSON string escapes), and each entry is logged as
one JSON object, so a CR/LF in a path or header can never start a forged entry.
This module only inserts and reads: there is no delete path, and the one update counts
refusals. A refused request (401, 403, 429) is counted in the row of its key (or, with no
key, its client address), status and REFUSAL_WINDOW (`count`, first `at`, `last_at`), so
key guessing or a client over its rate limit adds a row a minute, not a row a request;
the row keeps the first refused request's id and path, and is logged when it is opened."""
import json
import logging
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from gateway import models
from gateway.request import actor_of, client_of
from shared.actors import Actor
from shared.events.fields import utcnow
from shared.persistence import keyset_page

log = logging.getLogger("gateway.audit")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSED_STATUSES = frozenset({401, 403, 429})
REFUSAL_WINDOW = timedelta(minutes=1)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def escape(text, limit: int = 2000) -> str | None:
    """`text` with control and non-ASCII characters as JSON escapes (no raw CR/LF)."""
    if text is None:
        return None
    return json.dumps(str(text)[:limit], ensure_ascii=True)[1:-1]


def outcome_for(status: int) -> str:
    if status in REFUSED_STATUSES:
        return "refused"
    if status < 400:
        return "ok"
    if status < 500:
        return "rejected"
    return "error"


def should_audit(method: str, status: int) -> bool:
    return method in WRITE_METHODS or status in REFUSED_STATUSES


def entry(*, request_id, actor: Actor, client, method, path, route, status, detail=None) -> dict:
    return {
        "at": utcnow(),
        "request_id": escape(request_id, 128),
        "key_id": actor.key_id,
        "organisation": escape(actor.organisation, 200),
        "role": actor.role,
        "client": escape(client, 64),
        "method": escape(method, 10),
        "path": escape(path),
        "route": route,
        "status": int(status),
        "outcome": outcome_for(int(status)),
        "detail": json.dumps(detail, ensure_ascii=True, default=str) if detail is not None else None,
    }


def problem_detail(response) -> dict | None:
    """What a refused or failed response's problem says (type and detail), for the entry."""
    if response.status_code < 400 or response.mimetype != "application/problem+json":
        return None
    try:
        problem = json.loads(response.get_data())
    except ValueError:
        return None
    return {"problem": problem.get("type", "").rsplit("/", 1)[-1], "detail": str(problem.get("detail", ""))[:300]}


def record_response(store, request, request_id: str, route: str, response) -> None:
    """Record the entry of a request that must be audited (a write, a refusal), alone (a
    request answered through gateway.request_writes has it written with its batch's)."""
    try:
        item = entry_of(request, request_id, route, response)
        if item is None:
            return
        if item["outcome"] == "refused":
            count_refusal(store, item)
        else:
            record(store, item)
    except Exception:  # the response still goes out; operators see the failure
        log.exception("could not write the audit entry [request %s]", request_id)


def entry_of(request, request_id: str, route: str, response) -> dict | None:
    """The entry of a request that must be audited (a write, a refusal), or None."""
    if not should_audit(request.method, response.status_code):
        return None
    return entry(request_id=request_id, actor=actor_of(request), client=client_of(request),
                 method=request.method, path=request.path, route=route, status=response.status_code,
                 detail=problem_detail(response))


def record(store, item: dict) -> None:
    with store.begin() as conn:
        record_in(conn, item)


def record_in(conn, item: dict) -> None:
    """Record `item` in the caller's transaction (with the change it audits)."""
    conn.execute(models.audit_log.insert(), item)
    logged([item])


def logged(items: list[dict]) -> None:
    if log.isEnabledFor(logging.INFO):   # the line is built only when it is written
        for item in items:
            log.info("%s", as_line(item))


def count_refusal(store, item: dict) -> int:
    """Count the refusal `item` in its window's row (opened by the first); returns the count.
    An increment, not shared.persistence.upsert's replace: one statement, so concurrent
    requests on any replica never lose a count."""
    t = models.audit_log
    at = item["at"]
    window_start = at - (at - EPOCH) % REFUSAL_WINDOW
    refused_by = f"key:{item['key_id']}" if item["key_id"] else f"client:{item['client']}"
    with store.begin() as conn:
        module: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
        stmt = module.insert(t).values(**item, count=1, last_at=at, window_start=window_start,
                                       refused_by=refused_by[:120])
        stmt = stmt.on_conflict_do_update(index_elements=["refused_by", "status", "window_start"],
                                          set_={"count": t.c.count + 1, "last_at": stmt.excluded.last_at})
        count = conn.execute(stmt.returning(t.c.count)).scalar_one()
    if count == 1:
        log.info("%s", as_line({**item, "refusals_counted_until": (window_start + REFUSAL_WINDOW)}))
    return int(count)


def as_line(item: dict) -> str:
    """One JSON line (what operators ship to a log store)."""
    return json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in item.items()},
                      ensure_ascii=True, sort_keys=True)


def view(row) -> dict:
    data = dict(row._mapping)
    data["detail"] = json.loads(data["detail"]) if data.get("detail") else None
    return data


def list_entries(store, *, limit: int, cursor: str | None, key_id=None, outcome=None, since=None,
                 request_id=None) -> tuple[list[dict], str | None]:
    """One page of entries, oldest first, and the cursor of the next page."""
    t = models.audit_log
    q = sa.select(t)
    if key_id:
        q = q.where(t.c.key_id == key_id)
    if outcome:
        q = q.where(t.c.outcome == outcome)
    if since is not None:  # a refusal row changes while its window is open
        q = q.where(sa.or_(t.c.at >= since, t.c.last_at >= since))
    if request_id:
        q = q.where(t.c.request_id == request_id)
    with store.begin() as conn:
        page = keyset_page(conn, q, [t.c.id], limit=limit, cursor=cursor)
    return [view(r) for r in page.rows], page.next_cursor
