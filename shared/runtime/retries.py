"""When a reliable event handler tries a failed event again, and when it gives up.

A failed event is not requeued at once (a few seconds of database failover would use
up every attempt within milliseconds): it is republished, with publisher confirms, to
one of the consumer's delay queues (shared.messaging.topology.retry_queue), whose TTL
sends it back to the consumer's own work queue. Then the original is acknowledged.
A crash between the two gives a duplicate, which the consumer's inbox makes harmless."""
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kombu.message import Message

from shared.messaging import topology

ATTEMPT_HEADER = "x-retry-attempt"  # the attempt a retried delivery is (absent on the first)
# Broker-maintained or per-hop headers a republished copy must not carry over.
_DROPPED_HEADERS = ("x-delivery-count", "x-death", "x-first-death-exchange", "x-first-death-queue",
                    "x-first-death-reason")


def delivery_attempt(message: Message) -> int:
    """Which attempt this delivery is: retries so far (x-retry-attempt) plus the broker's
    redeliveries of this copy (quorum queues count them in x-delivery-count, e.g. after a
    crash or a requeue)."""
    headers = message.headers or {}
    return int(headers.get(ATTEMPT_HEADER, 1)) + int(headers.get("x-delivery-count", 0))


@dataclass(frozen=True)
class RetryPolicy:
    delays: tuple[float, ...]  # before the 1st, 2nd, ... retry; the last repeats
    max_attempts: int          # including the first delivery

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "RetryPolicy":
        """EVENT_RETRY_DELAYS (default 1,5,30,120,600) and EVENT_MAX_ATTEMPTS (default: one
        attempt per delay plus the first; fewer cuts the schedule short, more repeats its last)."""
        delays = topology.parse_retry_delays(config.get("EVENT_RETRY_DELAYS"))
        raw = config.get("EVENT_MAX_ATTEMPTS")
        max_attempts = len(delays) + 1 if raw in (None, "") else int(raw)
        if max_attempts < 1:
            raise ValueError(f"EVENT_MAX_ATTEMPTS must be at least 1, not {max_attempts}")
        return cls(delays, max_attempts)

    def delay_after(self, attempt: int) -> float | None:
        """Seconds to wait after failed attempt `attempt`, or None: park it."""
        if attempt >= self.max_attempts:
            return None
        return self.delays[min(attempt, len(self.delays)) - 1]

    def used_delays(self) -> tuple[float, ...]:
        """The delays this policy can ever ask for (their queues must exist)."""
        return tuple(self.delays[:max(self.max_attempts - 1, 0)])


def retry_headers(message: Message, next_attempt: int) -> dict[str, Any]:
    headers = {k: v for k, v in (message.headers or {}).items() if k not in _DROPPED_HEADERS}
    headers[ATTEMPT_HEADER] = next_attempt
    return headers
