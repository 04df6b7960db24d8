"""The source services' history, for reconcile and rebuild: the events programmes and grants
committed to their outboxes (shared.db.backbone_tables: every service keeps the same outbox
table, rows are kept after publishing), read in commit order. Only the shared outbox table is
read; no other service's package is imported."""
from __future__ import annotations

import json

import sqlalchemy as sa

from shared.config import database_url
from shared.db import backbone_tables, create_engine
from shared.events import load_envelope
from shared.messaging.subscriptions.metrics import EVENT_TYPES

SOURCES = ("programmes", "grants")


def urls(config: dict | None = None) -> dict[str, str]:
    """Database URLs of the sources: <SERVICE>_DATABASE_URL from the config or environment."""
    config = config or {}
    return {s: config.get(f"{s.upper()}_DATABASE_URL") or database_url(s) for s in SOURCES}


def events(source_urls: dict[str, str], *, chunk: int = 5000):
    """(event_type, payload) of every event the metrics service consumes, each source in its
    commit order."""
    wanted = set(EVENT_TYPES)
    for url in source_urls.values():
        outbox, _ = backbone_tables(sa.MetaData())
        engine = create_engine(url)
        try:
            last = 0
            while True:
                with engine.connect() as conn:
                    rows = conn.execute(sa.select(outbox.c.id, outbox.c.event_type, outbox.c.body)
                                        .where(outbox.c.id > last).order_by(outbox.c.id).limit(chunk)).all()
                if not rows:
                    break
                for row in rows:
                    if row.event_type in wanted:
                        envelope = load_envelope(json.loads(row.body))
                        yield envelope.type, envelope.payload
                last = rows[-1].id
        finally:
            engine.dispose()
