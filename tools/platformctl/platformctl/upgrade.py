"""`platformctl dead-letters upgrade`: a platform deployed before dead-letter queues were quorum
queues has classic ones, which live on one RabbitMQ node. A queue's type cannot change in place
(RabbitMQ refuses the redeclare: 406), so for each consumer whose <consumer>.dead-letters is
classic, its parked events are moved to <consumer>.dead-letters.upgrading (a quorum queue), the
emptied classic queue is deleted (only if empty: an event parked meanwhile is moved first) and
declared again as a quorum queue, and the events are moved back. Each move is confirmed by the
broker before its source message is acked, so an interrupted run loses nothing (at worst an
event is in both queues, at most once more) and running it again finishes the job; on a
quorum queue with no .upgrading queue left, it changes nothing. Services keep running: one
parking in the moment the queue is away gets its event back and parks it again later."""
import argparse
from typing import Any

from amqp.exceptions import PreconditionFailed
from kombu import Connection, Queue

from platformctl import output
from platformctl.broker import broker_errors, connection, queue_depth
from platformctl.errors import CtlError
from platformctl.parked import consumers
from shared.messaging.dead_letters import close_quietly, dead_letter_queue, declare_dead_letters
from shared.messaging.publisher import ConfirmingPublisher

ATTEMPTS = 5  # moves out before giving up on a classic queue services keep parking into


def holding_queue(consumer: str) -> Queue:
    return Queue(f"{dead_letter_queue(consumer).name}.upgrading", durable=True,
                 queue_arguments={"x-queue-type": "quorum"})


def move(conn: Connection, publisher: ConfirmingPublisher, source: str, target: str) -> int:
    """Every message now in `source` into `target`, each acked only once its copy is confirmed."""
    channel = conn.channel()
    moved = 0
    try:
        while (raw := channel.basic_get(source, no_ack=False)) is not None:
            message = channel.message_to_python(raw)
            publisher.publish(message.body, exchange="", routing_key=target, headers=dict(message.headers or {}),
                              message_id=message.properties.get("message_id"), mandatory=True,
                              content_type=message.content_type or "application/octet-stream",
                              content_encoding=message.content_encoding or "binary")
            message.ack()
            moved += 1
    finally:
        channel.close()
    return moved


def upgrade(conn: Connection, publisher: ConfirmingPublisher, consumer: str) -> dict[str, Any]:
    name, holding = dead_letter_queue(consumer).name, holding_queue(consumer)
    was_quorum = declare_dead_letters(conn, consumer)  # creates a missing one as quorum
    moved_out = 0
    if not was_quorum:
        holding(conn.default_channel).declare()
        for _ in range(ATTEMPTS):
            moved_out += move(conn, publisher, name, holding.name)
            if _delete_if_empty(conn, name):
                break
        else:
            raise CtlError(f"{name} kept receiving parked events; run the upgrade again")
        if not declare_dead_letters(conn, consumer):
            raise CtlError(f"{name} was declared classic again by a service mid-upgrade; run it again")
    moved_back = 0
    if queue_depth(conn, holding.name) is not None:  # also what an interrupted run left there
        moved_back = move(conn, publisher, holding.name, name)
        if queue_depth(conn, holding.name) == 0:  # quorum queues refuse if-empty deletes; only we write here
            conn.default_channel.queue_delete(holding.name)
    return {"consumer": consumer, "queue": name, "was": "quorum" if was_quorum else "classic",
            "moved_out": moved_out, "moved_back": moved_back, "now": "quorum"}


def _delete_if_empty(conn: Connection, name: str) -> bool:
    """Deletes the classic queue unless something was parked in it meanwhile."""
    channel = conn.channel()
    try:
        channel.queue_delete(name, if_empty=True)
        return True
    except PreconditionFailed:  # not empty: something was parked meanwhile
        return False
    finally:
        close_quietly(channel)  # the broker's 406 has closed it


def run(args: argparse.Namespace) -> int:
    known = consumers()
    if args.consumer and args.consumer not in known:
        raise CtlError(f"no consumer {args.consumer!r}; consumers: {', '.join(known)}")
    chosen = [args.consumer] if args.consumer else known
    publisher = ConfirmingPublisher(args.amqp_uri)
    try:
        with connection(args.amqp_uri) as conn, broker_errors(args.amqp_uri):
            done = [upgrade(conn, publisher, consumer) for consumer in chosen]
    finally:
        publisher.close()
    output.report({"action": "upgrade", "queues": done}, args.json, done,
                  ("consumer", "queue", "was", "moved_out", "moved_back", "now"), title="dead-letter queues")
    return 0
