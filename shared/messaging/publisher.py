"""Publishing to RabbitMQ with publisher confirms and persistent delivery."""
import json
import logging
import threading
from collections.abc import Iterable
from typing import Any

from kombu import Connection, Exchange, Producer, Queue

log = logging.getLogger(__name__)


class ConfirmingPublisher:
    """One connection per publisher, guarded by a lock; every publish waits for the
    broker's confirm, so returning means the broker has taken responsibility."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def _producer(self) -> Producer:
        if self._conn is None:
            self._conn = Connection(self.amqp_uri,  # type: ignore[no-untyped-call]
                                    transport_options={"confirm_publish": True}, heartbeat=0)
        return Producer(self._conn.default_channel)  # type: ignore[no-untyped-call]

    def publish(self, body: str | bytes, *, exchange: Exchange | str, routing_key: str,
                headers: dict[str, Any] | None = None, message_id: str | None = None,
                declare: Iterable[Exchange | Queue] = ()) -> None:
        with self._lock:
            try:
                producer = self._producer()
                producer.publish(  # type: ignore[no-untyped-call]
                    body, exchange=exchange, routing_key=routing_key, headers=headers or {},
                    content_type="application/json", content_encoding="utf-8",
                    delivery_mode=2, message_id=message_id, declare=list(declare), retry=False)
            except Exception:
                self.close()  # start afresh next time; the caller decides about retrying
                raise

    def publish_json(self, data: object, *, exchange: Exchange | str, routing_key: str,
                     headers: dict[str, Any] | None = None, message_id: str | None = None,
                     declare: Iterable[Exchange | Queue] = ()) -> None:
        self.publish(json.dumps(data), exchange=exchange, routing_key=routing_key, headers=headers,
                     message_id=message_id, declare=declare)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.release()  # type: ignore[no-untyped-call]
            except Exception:  # connection already broken
                log.debug("error closing publisher connection", exc_info=True)
            self._conn = None
