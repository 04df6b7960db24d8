"""Where parked events go: the `platform.dead-letters` exchange and one `<consumer>.dead-letters`
queue per consumer, a quorum queue, so a parked event survives the loss of a RabbitMQ node and
stays readable while the node is away (a classic queue lives on one node only).

Platforms deployed before this release have classic dead-letter queues, and RabbitMQ refuses to
redeclare a queue with another type (406 PRECONDITION_FAILED), so `declare_dead_letters` keeps
working with such a queue and logs a warning naming the upgrade command, which moves the parked
events into a quorum queue (tools/platformctl/platformctl/upgrade.py)."""
import logging

from amqp.exceptions import PreconditionFailed
from kombu import Connection, Exchange, Queue

log = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "platform.dead-letters"
SUFFIX = ".dead-letters"
UPGRADE_COMMAND = "platformctl dead-letters upgrade"


def dead_letter_exchange() -> Exchange:
    return Exchange(DEAD_LETTER_EXCHANGE, type="direct", durable=True)  # type: ignore[no-untyped-call]


def dead_letter_queue(consumer: str, *, classic: bool = False) -> Queue:
    """The consumer's quorum dead-letter queue; `classic=True`: as releases before declared it."""
    arguments = None if classic else {"x-queue-type": "quorum"}
    return Queue(f"{consumer}{SUFFIX}", exchange=dead_letter_exchange(),  # type: ignore[no-untyped-call]
                 routing_key=consumer, durable=True, queue_arguments=arguments)


def is_dead_letter_queue(entity: object) -> bool:
    return isinstance(entity, Queue) and str(entity.name).endswith(SUFFIX)


def consumer_of(queue: Exchange | Queue) -> str:
    return str(queue.name)[:-len(SUFFIX)]


def declare_dead_letters(conn: Connection, consumer: str) -> bool:
    """Declares the consumer's dead-letter queue (and exchange and binding): True when it is the
    quorum queue. False when an older classic one is there: that one is kept (re-bound) and a
    warning names the upgrade. Each attempt on a channel of its own: a 406 closes the channel."""
    for classic in (False, True):
        channel = conn.channel()  # type: ignore[no-untyped-call]
        try:
            dead_letter_queue(consumer, classic=classic)(channel).declare()  # type: ignore[no-untyped-call]
        except PreconditionFailed:
            if classic:
                raise  # neither quorum nor classic: some other queue by that name
            continue
        finally:
            close_quietly(channel)
        if classic:
            log.warning("%s%s is a classic queue, on one RabbitMQ node only: events parked while that node is "
                        "away are refused until it returns. Run `%s` to move them into a quorum queue "
                        "(docs/operations.md, Broker topology)", consumer, SUFFIX, UPGRADE_COMMAND)
        return not classic
    raise AssertionError("unreachable")


def close_quietly(channel: object) -> None:
    """Closes a channel the broker may already have closed (a 406 closes it)."""
    try:
        channel.close()  # type: ignore[attr-defined]
    except Exception:  # already closed by the broker's 406
        log.debug("dead-letter channel already closed", exc_info=True)
