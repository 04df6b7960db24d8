"""The event feed: the gateway's own copy of every integration event.

Each event gets the next `sequence` number when it enters the feed, which is in its
producer's own order (gateway.feed_order: an event whose predecessor from the same
producer has not arrived yet is held back until it has); GET /v1/events?after=<sequence>
pages through them, so a partner can pull the events in order and replay from any point.
Appending is exactly-once (the inbox records the event id in the same transaction) and
queues the webhook deliveries in that same transaction, so a delivery is never lost or doubled."""
import json

import sqlalchemy as sa

from gateway import event_policy, feed_order, models
from shared.actors import Actor
from shared.db import claim_inbox
from shared.events import Envelope
from shared.events.contracts import contract_for
from shared.events.fields import utcnow
from shared.events.reading import reader
from shared.persistence import encode_cursor, keyset_page
from shared.uow import DuplicateEvent


def append(store, envelope: Envelope, position: tuple[int | None, int | None] = (None, None)) -> list[int] | None:
    """Add `envelope` to the feed; `position` is (producer sequence, previous) from the relay's
    headers. Returns the feed sequences handed out (none while it is held back, several when it
    releases held ones), or None for a duplicate."""
    return append_many(store, [(envelope, position)])[0]


def append_many(store, items: list[tuple[Envelope, tuple[int | None, int | None]]]) -> list[list[int] | None]:
    """`append` for several events in ONE transaction (gateway.feed_batch groups the events
    delivered together): each its own inbox claim, so a duplicate is skipped alone. Returns
    `append`'s answer for each, in order."""
    # One schema instance per contract: building one per event cost a fifth of the gateway's CPU.
    payloads = [reader(contract_for(e.type, e.version)).dump(e.payload) for e, _ in items]
    answers: list[list[int] | None] = []
    with store.begin() as conn:
        _lock(conn)
        for (envelope, position), payload in zip(items, payloads, strict=True):
            try:
                _claim(conn, envelope)
            except DuplicateEvent:
                answers.append(None)
                continue
            row = dict(event_id=envelope.event_id, type=envelope.type, version=envelope.version,
                       producer=envelope.producer, occurred_at=envelope.occurred_at,
                       correlation_id=envelope.correlation_id,
                       organisation=event_policy.organisation_of(envelope.type, payload),
                       payload=json.dumps(payload, separators=(",", ":")), received_at=utcnow(),
                       producer_sequence=position[0])
            answers.append(feed_order.place(conn, row, position[1]))
        overdue = feed_order.release_overdue(conn)
    for answer in answers:   # released by this transaction: counted with its first appended event
        if answer is not None:
            answer += overdue
            break
    return answers


def release_overdue(store) -> list[int]:
    """Let held events that waited too long into the feed (a reader must not wait for a
    predecessor that never comes)."""
    with store.begin() as conn:
        if not feed_order.any_overdue(conn):
            return []
    with store.begin() as conn:
        _lock(conn)
        return feed_order.release_overdue(conn)


def _lock(conn) -> None:
    if conn.dialect.name == "postgresql":
        # Sequences are handed out in commit order: no reader ever sees 5 before 4 commits.
        conn.exec_driver_sql("LOCK TABLE event_feed IN EXCLUSIVE MODE")


def _claim(conn, envelope: Envelope) -> None:
    """The inbox record, on a connection already in a transaction (a duplicate leaves the batch's
    transaction usable: shared.db.claim_inbox)."""
    if not claim_inbox(conn, models.inbox, envelope):
        raise DuplicateEvent(envelope.event_id)


def read(store, actor: Actor, *, after: int, limit: int, types: list[str] | None = None) -> list[dict]:
    """The events after sequence `after` that `actor` may see, oldest first, as it may see them
    (gateway.event_policy: the same `view` as webhook deliveries)."""
    release_overdue(store)
    f = models.event_feed
    q = sa.select(f).where(event_policy.visible_rows(f.c.type, f.c.organisation, actor))
    if types:
        q = q.where(f.c.type.in_(types))
    with store.begin() as conn:
        page = keyset_page(conn, q, [f.c.sequence], limit=limit, cursor=encode_cursor([after]))
    return [event for event in (event_policy.view(r, actor) for r in page.rows) if event is not None]


def last_sequence(store) -> int:
    with store.begin() as conn:
        return conn.execute(sa.select(sa.func.coalesce(sa.func.max(models.event_feed.c.sequence), 0))).scalar_one()
