"""The broker as platformctl reaches it: a connection whose failure is one clear line."""
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse

from amqp.exceptions import AccessRefused, NotAllowed
from kombu import Connection
from kombu.exceptions import OperationalError

from platformctl.errors import CtlError

CONNECT_TIMEOUT = 5.0


def redacted(uri: str) -> str:
    """The AMQP URI without its password, for messages."""
    parts = urlparse(uri)
    if parts.password is None:
        return uri
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunparse(parts._replace(netloc=netloc))


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
            conn.ensure_connection(max_retries=1, timeout=CONNECT_TIMEOUT)
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
