"""Staging of a large IATI import (docs/iati.md "Import"): each chunk the gateway sends is kept in
`import_chunks` under the import's id and its owner (the key that sent it); the final
`import_activities(..., import_id=)` applies them; `discard_import` and a TTL remove the rest."""
from datetime import timedelta
from typing import Any

from programmes.access import require_writer
from shared.actors import Actor
from shared.errors import InvalidInput
from shared.events.fields import utcnow

STAGED_TTL = timedelta(hours=1)   # chunks of an import that never finished are removed after this
MAX_CHUNK = 5000


def owner(actor: Actor) -> str:
    return f"{actor.kind}:{actor.key_id or ''}"


def check_id(import_id: Any) -> str:
    if not isinstance(import_id, str) or not 1 <= len(import_id) <= 36:
        raise InvalidInput({"import_id": ["an id of 1 to 36 characters"]})
    return import_id


def stage_activities(uow: Any, import_id: Any, seq: Any, activities: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    check_id(import_id)
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise InvalidInput({"seq": ["a whole number from 0"]})
    if not isinstance(activities, list) or not 1 <= len(activities) <= MAX_CHUNK:
        raise InvalidInput({"activities": [f"1 to {MAX_CHUNK} activities"]})
    now = utcnow()
    with uow:
        uow.imports.prune(now - STAGED_TTL)
        uow.imports.stage(import_id, seq, owner(actor), activities, now)
        uow.commit()
    return {"staged": len(activities)}


def discard_import(uow: Any, import_id: Any, *, actor: Actor) -> dict[str, Any]:
    require_writer(actor)
    with uow:
        uow.imports.drop(check_id(import_id), owner(actor))
        uow.commit()
    return {"discarded": import_id}
