"""The audit log: an append-only record of every write and every refused request.

Who (key id, organisation, role, client address), what (method, path, route, status),
when, the outcome, and the correlation id. Never the Authorization header, a key, a
webhook secret or a request body. Text that came from the request is stored with
every control character escaped (JSON string escapes), and each entry is logged as
one JSON object, so a CR/LF in a path or header can never start a forged entry.
This module only inserts and reads: there is no update or delete path."""
import json
import logging

import sqlalchemy as sa

from gateway import models
from shared.events.fields import utcnow

log = logging.getLogger("gateway.audit")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSED_STATUSES = frozenset({401, 403, 429})


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


def entry(*, request_id, actor, client, method, path, route, status, detail=None) -> dict:
    actor = actor or {}
    return {
        "at": utcnow(),
        "request_id": escape(request_id, 128),
        "key_id": actor.get("key_id"),
        "organisation": escape(actor.get("organisation"), 200),
        "role": actor.get("role"),
        "client": escape(client, 64),
        "method": escape(method, 10),
        "path": escape(path),
        "route": route,
        "status": int(status),
        "outcome": outcome_for(int(status)),
        "detail": json.dumps(detail, ensure_ascii=True, default=str) if detail is not None else None,
    }


def record(store, item: dict) -> None:
    with store.begin() as conn:
        conn.execute(models.audit_log.insert().values(**item))
    log.info("%s", as_line(item))


def as_line(item: dict) -> str:
    """One JSON line (what operators ship to a log store)."""
    return json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in item.items()},
                      ensure_ascii=True, sort_keys=True)


def view(row) -> dict:
    data = dict(row._mapping)
    data["detail"] = json.loads(data["detail"]) if data.get("detail") else None
    return data


def list_entries(store, *, after: int | None, limit: int, key_id=None, outcome=None, since=None,
                 request_id=None) -> list[dict]:
    t = models.audit_log
    q = sa.select(t).order_by(t.c.id).limit(limit)
    if after is not None:
        q = q.where(t.c.id > after)
    if key_id:
        q = q.where(t.c.key_id == key_id)
    if outcome:
        q = q.where(t.c.outcome == outcome)
    if since is not None:
        q = q.where(t.c.at >= since)
    if request_id:
        q = q.where(t.c.request_id == request_id)
    with store.begin() as conn:
        return [view(r) for r in conn.execute(q)]
