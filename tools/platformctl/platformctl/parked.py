"""Parked events as they sit in a consumer's `<consumer>.dead-letters` queue, read without
losing any: each is taken with a manual ack and held unacknowledged (so a concurrent run of
platformctl cannot take it too) until it is acked (replayed or discarded) or, when the reader
closes, put back where it was."""
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kombu import Connection
from kombu.message import Message

from shared.messaging import topology


def consumers() -> list[str]:
    return sorted({s.consumer for s in topology.SUBSCRIPTIONS})


@dataclass
class Parked:
    consumer: str
    message: Message = field(repr=False)

    @property
    def headers(self) -> dict[str, Any]:
        return dict(self.message.headers or {})

    @property
    def text(self) -> str:
        body = self.message.body
        return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)

    @property
    def envelope(self) -> dict[str, Any]:
        try:
            body = json.loads(self.text)
        except (ValueError, UnicodeDecodeError):
            return {}
        return body if isinstance(body, dict) else {}

    @property
    def id(self) -> str:
        """The message id (the event id as the outbox published it), else the envelope's event_id."""
        return str(self.message.properties.get("message_id") or self.envelope.get("event_id") or "")

    @property
    def type(self) -> str | None:
        value = self.envelope.get("type")
        return value if isinstance(value, str) else None

    @property
    def reason(self) -> str:
        """x-parked-reason; a message RabbitMQ dead-lettered itself has its x-first-death-reason."""
        return str(self.headers.get("x-parked-reason") or self.headers.get("x-first-death-reason") or "unknown")

    @property
    def source_queue(self) -> str | None:
        value = self.headers.get("x-parked-queue") or self.headers.get("x-first-death-queue")
        return str(value) if value else None

    @property
    def parked_at(self) -> datetime | None:
        raw = self.headers.get("x-parked-at")
        if raw:
            try:
                at = datetime.fromisoformat(str(raw))
                return at if at.tzinfo else at.replace(tzinfo=UTC)
            except ValueError:
                return None
        deaths = self.headers.get("x-death") or []
        when = deaths[0].get("time") if deaths and isinstance(deaths[0], dict) else None
        return when.replace(tzinfo=when.tzinfo or UTC) if isinstance(when, datetime) else None

    def age(self, now: datetime | None = None) -> float | None:
        at = self.parked_at
        return None if at is None else ((now or datetime.now(UTC)) - at).total_seconds()

    def summary(self) -> dict[str, Any]:
        at, age = self.parked_at, self.age()
        return {"id": self.id, "consumer": self.consumer, "type": self.type, "reason": self.reason,
                "error": self.headers.get("x-parked-error"), "attempts": self.headers.get("x-parked-attempts"),
                "queue": self.source_queue, "parked_at": at.isoformat() if at else None,
                "age_seconds": None if age is None else round(age, 1)}

    def detail(self) -> dict[str, Any]:
        props = {k: v for k, v in self.message.properties.items() if k != "application_headers"}
        return {**self.summary(), "headers": self.headers, "properties": props,
                "body": self.envelope or self.text}


class DeadLetters:
    """One consumer's dead-letter queue on an open connection."""

    def __init__(self, conn: Connection, consumer: str) -> None:
        self.consumer = consumer
        self.queue = self.queue_of(consumer)
        self.channel = conn.channel()
        self.held: dict[int, Message] = {}

    @staticmethod
    def queue_of(consumer: str) -> str:
        return str(topology.dead_letter_queue(consumer).name)

    def take_all(self) -> Iterator[Parked]:
        """Every message now in the queue, each held (unacked) until ack() or close()."""
        while True:
            message = self.channel.basic_get(self.queue, no_ack=False)
            if message is None:
                return
            message = self.channel.message_to_python(message)
            self.held[message.delivery_tag] = message
            yield Parked(self.consumer, message)

    def ack(self, parked: Parked) -> None:
        self.held.pop(parked.message.delivery_tag)
        parked.message.ack()

    def close(self) -> None:
        """Put back what was taken and not acked, in its place."""
        try:
            for tag in sorted(self.held):
                self.channel.basic_reject(tag, requeue=True)
            self.held.clear()
        finally:
            self.channel.close()
