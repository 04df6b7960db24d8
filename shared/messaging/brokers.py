"""AMQP_URI as a list of broker addresses: `amqp://h1;amqp://h2;amqp://h3` (a RabbitMQ
cluster's nodes). kombu fails over along the list; these helpers make a short-lived
connection try every address once, in order, without waiting between them (kombu's
`connect()` tries two and a default `ensure_connection` sleeps 2 s between attempts)."""
from urllib.parse import urlparse, urlunparse

from kombu import Connection


def broker_addresses(amqp_uri: str) -> list[str]:
    return [a.strip() for a in amqp_uri.split(";") if a.strip()]


def connect_first_reachable(conn: Connection, timeout: float) -> Connection:
    """Connects `conn` to the first of its addresses that answers, and then the first once
    more (a refused connection is often a node restarting); raises kombu's OperationalError
    when none does. `timeout` is per address: an unreachable first node must not use up
    the time the second needs."""
    retries = max(1, len(conn.alt))
    return conn.ensure_connection(  # type: ignore[no-any-return, no-untyped-call]
        max_retries=retries, interval_start=0, interval_step=0, timeout=timeout * (retries + 1))


def redacted(amqp_uri: str) -> str:
    """The address list without passwords, for messages and logs."""
    out = []
    for address in broker_addresses(amqp_uri):
        parts = urlparse(address)
        if parts.password is not None:
            netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
            address = urlunparse(parts._replace(netloc=netloc))
        out.append(address)
    return ";".join(out)
