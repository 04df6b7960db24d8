"""The broker as platformctl reaches it (the first of AMQP_URI's addresses that answers): a
connection whose failure is one clear line."""
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from amqp.exceptions import AccessRefused, NotAllowed
from kombu import Connection
from kombu.exceptions import OperationalError

from platformctl.errors import CtlError
from shared.messaging.brokers import connect_first_reachable, redacted

CONNECT_TIMEOUT = 5.0


@contextmanager
def broker_errors(uri: str) -> Iterator[None]:
    try:
        yield
    except (AccessRefused, NotAllowed) as exc:
        raise CtlError(f"the broker at {redacted(uri)} refused us: {exc} (check AMQP_URI's user and vhost)") from None
    except (OSError, socket.timeout, OperationalError) as exc:
        raise CtlError(f"the broker at {redacted(uri)} does not answer ({exc}); set AMQP_URI or --amqp-uri") from None


@contextmanager
def connection(uri: str) -> Iterator[Connection]:
    with broker_errors(uri):
        conn = Connection(uri, connect_timeout=CONNECT_TIMEOUT)
        try:
            # Each address once: an operator's command fails fast rather than waiting out kombu's retries.
            connect_first_reachable(conn, CONNECT_TIMEOUT)
            yield conn
        finally:
            conn.release()


def queue_depth(conn: Connection, name: str) -> int | None:
    """Messages ready in a queue, or None if it does not exist (checked on a channel of its own:
    a missing queue closes the channel that asked)."""
    channel = conn.channel()
    try:
        _, count, _ = channel.queue_declare(queue=name, passive=True)
        return int(count)
    except Exception as exc:
        if getattr(exc, "code", None) == 404:
            return None
        raise
    finally:
        try:
            channel.close()
        except Exception:  # already closed by the broker's 404
            pass
