"""Publishing to RabbitMQ with publisher confirms and persistent delivery.

The connection uses heartbeats (RabbitMQ recommends 5-60 s; 30 by default) so a dead
or half-open peer is noticed, and every publish waits at most `confirm_timeout` for its
confirm: a publish that is not confirmed in time raises, the connection is dropped and
the next publish opens a new one. `publish_batch` publishes several messages and then waits
once for all their confirms (the outbox relay's batches). Nothing here retries: the caller decides."""
import json
import logging
import socket
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from amqp import Channel, Message
from kombu import Connection, Exchange, Producer, Queue

from shared.messaging.brokers import connect_first_reachable

log = logging.getLogger(__name__)

DEFAULT_HEARTBEAT = 30
DEFAULT_CONFIRM_TIMEOUT = 10.0


class Outgoing(NamedTuple):
    body: str | bytes
    exchange: str
    routing_key: str
    headers: dict[str, Any]
    message_id: str | None = None


class NotConfirmed(TimeoutError):
    """Only the first `confirmed` messages of a batch were confirmed (no confirm in time, or a nack)."""

    def __init__(self, confirmed: int, of: int):
        super().__init__(f"the broker confirmed {confirmed} of {of} messages")
        self.confirmed = confirmed


class _Confirms:
    """The broker's confirms of delivery tags first..last (it numbers a channel's messages from 1)."""

    def __init__(self, first: int, last: int):
        self.first, self.last = first, last
        self.acked: set[int] = set()
        self.refused = last + 1   # the first nacked tag

    def ack(self, tag: int, multiple: bool) -> None:
        self.acked.update(range(self.first, tag + 1) if multiple else (tag,))

    def nack(self, tag: int, multiple: bool) -> None:
        self.refused = min(self.refused, self.first if multiple else tag)

    def confirmed(self) -> int:
        """How many, from the first, were acked before any nack."""
        done = 0
        while self.first + done in self.acked and self.first + done < self.refused:
            done += 1
        return done

    def settled(self) -> bool:
        return self.first + self.confirmed() > min(self.last, self.refused - 1)


class ConfirmingPublisher:
    """One connection per publisher, guarded by a lock; every publish waits for the
    broker's confirm, so returning means the broker has taken responsibility."""

    def __init__(self, amqp_uri: str, *, heartbeat: int = DEFAULT_HEARTBEAT,
                 confirm_timeout: float = DEFAULT_CONFIRM_TIMEOUT, connect_timeout: float = 5.0):
        self.amqp_uri = amqp_uri
        self.heartbeat = heartbeat
        self.confirm_timeout = confirm_timeout
        self.connect_timeout = connect_timeout
        self._conn: Connection | None = None
        self._batch: Channel | None = None   # a channel in confirm mode for publish_batch
        self._published = 0                  # its last delivery tag (the broker numbers from 1)
        self._lock = threading.Lock()

    def _connection(self) -> Connection:
        if self._conn is None:
            conn = Connection(self.amqp_uri,  # type: ignore[no-untyped-call]
                              heartbeat=self.heartbeat, connect_timeout=self.connect_timeout,
                              transport_options={"confirm_publish": True,
                                                 "write_timeout": self.confirm_timeout})
            try:
                connect_first_reachable(conn, self.connect_timeout)  # every node of a cluster's list
            except Exception:
                conn.release()  # type: ignore[no-untyped-call]
                raise
            self._conn = conn
        else:
            self._service(self._conn)
        return self._conn

    def _service(self, conn: Connection) -> None:
        """Read what the broker sent (heartbeats, a Connection.Close) and send our heartbeat;
        raises if the connection is dead, so an idle connection is found out before use."""
        try:
            conn.drain_events(timeout=0.01)  # type: ignore[no-untyped-call]
        except socket.timeout:
            pass  # nothing to read: the usual case
        conn.heartbeat_check()  # type: ignore[no-untyped-call]

    def heartbeat_check(self) -> None:
        """Service the heartbeat of an idle connection (call at least every heartbeat/2 s);
        a dead connection is dropped, to be re-opened by the next publish."""
        with self._lock:
            if self._conn is None:
                return
            try:
                self._service(self._conn)
            except Exception:
                log.info("publisher connection lost while idle; it will be re-opened", exc_info=True)
                self._close()

    def publish(self, body: str | bytes, *, exchange: Exchange | str, routing_key: str,
                headers: dict[str, Any] | None = None, message_id: str | None = None,
                declare: Iterable[Exchange | Queue] = (), content_type: str = "application/json",
                content_encoding: str = "utf-8", mandatory: bool = False) -> None:
        """`content_type`/`content_encoding` describe `body` as given (a parked message keeps its own).
        `mandatory`: a message no queue takes raises (the broker returns it) instead of being dropped."""
        with self._lock:
            try:
                try:
                    conn = self._connection()
                except Exception:  # an idle connection found dead: one fresh attempt
                    self._close()
                    conn = self._connection()
                producer = Producer(conn.default_channel)  # type: ignore[no-untyped-call]
                producer.publish(  # type: ignore[no-untyped-call]
                    body, exchange=exchange, routing_key=routing_key, headers=headers or {},
                    content_type=content_type, content_encoding=content_encoding,
                    delivery_mode=2, message_id=message_id, declare=list(declare), retry=False, mandatory=mandatory,
                    timeout=self.confirm_timeout, confirm_timeout=self.confirm_timeout)
            except Exception:
                self._close()  # start afresh next time; the caller decides about retrying
                raise

    def publish_batch(self, messages: Sequence[Outgoing]) -> None:
        """Publish `messages` in order (persistent), then wait once for the broker's confirms of
        all of them: one round trip per batch instead of one per message. Raises NotConfirmed
        saying how many, from the first, the broker confirmed when that is not all of them (a
        nack, or no confirm within confirm_timeout); the connection is then dropped and the rest
        must be published again."""
        if not messages:
            return
        with self._lock:
            try:
                channel = self._batch_channel()
                confirms = _Confirms(self._published + 1, self._published + len(messages))
                # Listening before publishing: py-amqp reads acks while it publishes, too.
                channel.events["basic_ack"].add(confirms.ack)
                channel.events["basic_nack"].add(confirms.nack)
                try:
                    for m in messages:
                        channel._basic_publish(Message(
                            m.body, content_type="application/json", content_encoding="utf-8", delivery_mode=2,
                            message_id=m.message_id, application_headers=m.headers),
                            exchange=m.exchange, routing_key=m.routing_key)
                        self._published += 1
                    deadline = time.monotonic() + self.confirm_timeout
                    while not confirms.settled() and (remaining := deadline - time.monotonic()) > 0:
                        try:
                            channel.connection.drain_events(timeout=remaining)
                        except socket.timeout:
                            break
                finally:
                    channel.events["basic_ack"].discard(confirms.ack)
                    channel.events["basic_nack"].discard(confirms.nack)
            except Exception:
                self._close()
                raise
            if confirms.confirmed() < len(messages):
                self._close()
                raise NotConfirmed(confirms.confirmed(), len(messages))

    def _batch_channel(self) -> Channel:
        conn = self._connection()
        if self._batch is None:
            self._batch = conn.channel()  # type: ignore[no-untyped-call]
            self._batch.confirm_select()
            self._published = 0
        return self._batch

    def publish_json(self, data: object, *, exchange: Exchange | str, routing_key: str,
                     headers: dict[str, Any] | None = None, message_id: str | None = None,
                     declare: Iterable[Exchange | Queue] = ()) -> None:
        self.publish(json.dumps(data), exchange=exchange, routing_key=routing_key, headers=headers,
                     message_id=message_id, declare=declare)

    def close(self) -> None:
        with self._lock:
            self._close(polite=True)

    def _close(self, *, polite: bool = False) -> None:
        self._batch = None
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        try:
            if polite:
                # Connection.Close waits for Close-Ok without a deadline: bound it.
                conn.connection.transport.sock.settimeout(2.0)
                conn.release()  # type: ignore[no-untyped-call]
                return
        except Exception:
            log.debug("could not close the publisher connection politely", exc_info=True)
        try:
            conn.collect()  # type: ignore[no-untyped-call]  # just drop the socket
        except Exception:  # connection already broken
            log.debug("error dropping publisher connection", exc_info=True)
