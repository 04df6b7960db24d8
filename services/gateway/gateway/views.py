"""What the gateway's own rows look like to clients: feed events (in GET /v1/events and in
webhook deliveries alike), webhook subscriptions and deliveries."""
import json
from typing import Any

from shared.events.fields import UTCDateTime


def _iso(value) -> str:
    return UTCDateTime()._serialize(value, None, None)  # type: ignore[return-value]


def event_view(row) -> dict[str, Any]:
    return {"sequence": row.sequence, "event_id": row.event_id, "type": row.type, "version": row.version,
            "producer": row.producer, "occurred_at": _iso(row.occurred_at), "correlation_id": row.correlation_id,
            "payload": json.loads(row.payload)}


def subscription_view(row) -> dict[str, Any]:
    return {"id": row.id, "organisation": row.organisation, "url": row.url, "event_types": list(row.event_types),
            "description": row.description, "active": row.active, "disabled_reason": row.disabled_reason,
            "created_at": row.created_at,
            "updated_at": row.updated_at}


def attempt_view(row) -> dict[str, Any]:
    return {"attempt": row.attempt, "at": row.at, "status_code": row.status_code, "error": row.error,
            "duration_ms": row.duration_ms}


def delivery_view(row, attempts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": row.id, "event_id": row.event_id, "event_type": row.event_type, "sequence": row.sequence,
            "status": row.status, "attempts": row.attempts, "next_attempt_at": row.next_attempt_at,
            "last_status_code": row.last_status_code, "last_error": row.last_error, "created_at": row.created_at,
            "updated_at": row.updated_at, "log": attempts}
