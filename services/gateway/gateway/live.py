"""Live progress for the dashboard: server-sent events fed by this replica's progress view
(gateway.progress), which objective.progress_changed keeps current.

A stream holds no nameko worker: the route returns a streamed Response at once and the
eventlet WSGI server's own green thread writes it while it waits here on an eventlet
Event, so open streams never take workers from the API (max_workers). What they do take
(a socket, a green thread, a little memory) is bounded by DASHBOARD_MAX_STREAMS per replica;
past it a new stream gets 503 with Retry-After and EventSource retries. A comment every
DASHBOARD_HEARTBEAT_SECONDS keeps proxies from closing an idle stream, and the stream ends
after DASHBOARD_STREAM_SECONDS so clients spread over replicas again when they reconnect
(EventSource sends Last-Event-ID: the same state is not sent twice)."""
import logging
import random
from collections.abc import Callable, Iterator

import eventlet
from eventlet.event import Event

from gateway.progress import Entry
from shared.errors import ServiceUnavailable

RETRY_MS = 2000   # EventSource's reconnection delay
GONE = ("BrokenPipeError", "ConnectionResetError")


class ClientGone(logging.Filter):
    """eventlet's WSGI server logs a traceback when a client has gone while it writes: for a
    stream that is how every closed tab ends (found at its next heartbeat), not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage().rstrip()
        last = message.rsplit("\n", 1)[-1]
        return not (message.startswith("Traceback") and last.startswith(GONE))


class StreamsFull(ServiceUnavailable):
    retry_after = 5

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit

    @property
    def detail(self) -> str:
        return (f"this gateway serves {self.limit} live streams at most; retry after {self.retry_after}s "
                "(the figures are at GET /v1/objective/progress meanwhile)")


def event_id(entry: Entry) -> str:
    """The state's id (its ETag's hash): a client that has it is sent nothing until it changes."""
    return entry.etag.removeprefix("W/").strip('"')


def message(entry: Entry) -> bytes:
    # the body is one line of compact JSON: a single data: field
    return b"id: " + event_id(entry).encode() + b"\nevent: progress\ndata: " + entry.body + b"\n\n"


class LiveProgress:

    def __init__(self, max_streams: int = 200, heartbeat: float = 15.0, lifetime: float = 300.0):
        self.max_streams, self.heartbeat, self.lifetime = int(max_streams), float(heartbeat), float(lifetime)
        self.open = 0
        self._changed: dict[str, Event] = {}   # plan id -> fired at the plan's next change

    def notify(self, plan_id: str) -> None:
        """The view holds a new state of `plan_id`: wake every stream of that plan."""
        event = self._changed.pop(plan_id, None)
        if event is not None:
            event.send(True)

    def _next_change(self, plan_id: str) -> Event:
        event = self._changed.get(plan_id)
        if event is None:
            event = self._changed[plan_id] = Event()
        return event

    def admit(self) -> None:
        """Refuse a stream past the bound (before the response starts, so it is a problem)."""
        if self.open >= self.max_streams:
            raise StreamsFull(self.max_streams)

    def stream(self, plan_id: str, latest: Callable[[], Entry | None], last_event_id: str | None) -> Iterator[bytes]:
        self.open += 1
        try:
            yield b"retry: " + str(RETRY_MS).encode() + b"\n\n"
            sent = last_event_id
            # ±10%: streams opened together (a deploy, a busy hour) do not all reconnect together
            deadline = eventlet.hubs.get_hub().clock() + self.lifetime * random.uniform(0.9, 1.1)
            while True:
                # Take the change event before reading the view: a change while this stream
                # is writing fires it, and the wait below returns at once.
                change = self._next_change(plan_id)
                entry = latest()
                if entry is not None and event_id(entry) != sent:
                    sent = event_id(entry)
                    yield message(entry)
                remaining = deadline - eventlet.hubs.get_hub().clock()
                if remaining <= 0:
                    return
                if not change.wait(min(self.heartbeat, remaining)):   # True when sent, None on timeout
                    yield b": keep-alive\n\n"
        finally:
            self.open -= 1
