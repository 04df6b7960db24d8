"""Each producer's events enter the feed in the producer's own order.

The gateway consumes with many workers (and replicas), so events of one producer
reach the database out of order. The relay stamps every message with its outbox id
(`x-producer-sequence`) and the id of the event it published just before
(`x-producer-previous`, 0 for none). An event gets its feed `sequence` only once its
predecessor from the same producer is in the feed; until then it waits in
event_feed_held, and it is released (with everything waiting behind it) as soon as
the predecessor is appended. A predecessor the gateway never gets (parked in its
dead-letter queue, published before the gateway's database existed) would hold its
successors forever, so an event waits at most HOLD_SECONDS, then goes in anyway.

All of it runs under the feed's table lock, in the appending transaction, so feed
sequences still commit in order (a reader paging by `after=` never skips one)."""
from datetime import timedelta

import sqlalchemy as sa

from gateway import models
from gateway.webhooks import enqueue
from shared.events.fields import utcnow

HOLD_SECONDS = 10.0

_FEED_COLUMNS = ("event_id", "type", "version", "producer", "occurred_at", "correlation_id", "organisation",
                 "payload", "received_at", "producer_sequence")


def place(conn, row: dict, previous: int | None) -> list[int]:
    """Append `row` (an event_feed row without `sequence`) now if its predecessor is in the
    feed, else hold it; returns the feed sequences handed out (it and what it released)."""
    if row.get("producer_sequence") is None or not previous or _in_feed(conn, row["producer"], previous):
        return _append_and_release(conn, row)
    conn.execute(models.event_feed_held.insert(), {**row, "previous": previous})
    return []


def release_overdue(conn) -> list[int]:
    """Append the held events that waited longer than HOLD_SECONDS, oldest producer sequence first."""
    overdue = conn.execute(_OVERDUE, {"cutoff": _cutoff()}).all()
    sequences: list[int] = []
    for held in overdue:
        if conn.execute(_UNHOLD, {"event_id": held.event_id}).rowcount:  # not released above
            sequences += _append_and_release(conn, {c: getattr(held, c) for c in _FEED_COLUMNS})
    return sequences


def any_overdue(conn) -> bool:
    h = models.event_feed_held
    return conn.execute(sa.select(h.c.event_id).where(h.c.received_at <= _cutoff()).limit(1)).first() is not None


def _cutoff():
    return utcnow() - timedelta(seconds=HOLD_SECONDS)


# The per-event statements, built once (building one cost more than running it: bench, third round).
_IN_FEED = (sa.select(models.event_feed.c.sequence)
            .where(models.event_feed.c.producer == sa.bindparam("producer"),
                   models.event_feed.c.producer_sequence == sa.bindparam("producer_sequence")).limit(1))
_WAITING = (sa.select(models.event_feed_held)
            .where(models.event_feed_held.c.producer == sa.bindparam("producer"),
                   models.event_feed_held.c.previous == sa.bindparam("previous"))
            .order_by(models.event_feed_held.c.producer_sequence))
# Every feed transaction looks for overdue held events.
_OVERDUE = (sa.select(models.event_feed_held).where(models.event_feed_held.c.received_at <= sa.bindparam("cutoff"))
            .order_by(models.event_feed_held.c.producer, models.event_feed_held.c.producer_sequence))
_UNHOLD = sa.delete(models.event_feed_held).where(models.event_feed_held.c.event_id == sa.bindparam("event_id"))


def _in_feed(conn, producer: str, producer_sequence: int) -> bool:
    return conn.execute(_IN_FEED, {"producer": producer, "producer_sequence": producer_sequence}).first() is not None


def _append_and_release(conn, row: dict) -> list[int]:
    """Append `row`, then every held event that was waiting for it (transitively)."""
    sequences, todo = [], [row]
    while todo:
        current = todo.pop(0)
        sequences.append(_append(conn, current))
        if current.get("producer_sequence") is None:
            continue
        waiting = conn.execute(_WAITING, {"producer": current["producer"],
                                          "previous": current["producer_sequence"]}).all()
        for held in waiting:
            conn.execute(_UNHOLD, {"event_id": held.event_id})
            todo.append({c: getattr(held, c) for c in _FEED_COLUMNS})
    return sequences


def _append(conn, row: dict) -> int:
    sequence = conn.execute(models.event_feed.insert(), row).inserted_primary_key[0]
    enqueue(conn, event_id=row["event_id"], event_type=row["type"], sequence=sequence,
            organisation=row["organisation"])
    return sequence
