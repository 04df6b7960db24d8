"""The dashboard's live stream (gateway.live) over a real progress view, on eventlet as the
gateway runs it: the state a client lacks, then each change as it happens, heartbeats while
nothing changes, Last-Event-ID honoured, the bound on open streams, the lifetime."""
import json
import logging

import eventlet
import pytest

from gateway import problems
from gateway.live import ClientGone, LiveProgress, StreamsFull, event_id
from gateway.progress import ProgressView


def view_and_live(**options):
    live = LiveProgress(**options)
    return ProgressView(on_change=live.notify), live


def stream(view, live, plan="plan", last=None):
    return live.stream(plan, lambda: view.latest(plan), last)


def data_of(message: bytes) -> dict:
    return json.loads(message.split(b"\ndata: ", 1)[1])


def test_a_stream_sends_the_state_then_each_change_as_it_happens():
    view, live = view_and_live(heartbeat=30)
    view.put("plan", {"revision": 1, "people": 10}, from_event=True, revision=1)
    chunks = stream(view, live)
    assert next(chunks) == b"retry: 2000\n\n"
    first = next(chunks)
    assert first.startswith(b"id: " + event_id(view.latest("plan")).encode() + b"\nevent: progress\n")
    assert data_of(first)["people"] == 10 and first.endswith(b"\n\n")
    eventlet.spawn_after(0.05, view.put, "plan", {"revision": 2, "people": 15}, from_event=True, revision=2)
    with eventlet.Timeout(5):   # woken by the change, long before the 30 s heartbeat
        assert data_of(next(chunks))["people"] == 15
    chunks.close()
    assert live.open == 0


def test_only_the_streams_plan_wakes_it_and_an_unchanged_state_is_not_sent_again():
    view, live = view_and_live(heartbeat=0.2)
    view.put("plan", {"revision": 1, "people": 10}, from_event=True, revision=1)
    chunks = stream(view, live, last=event_id(view.latest("plan")))   # EventSource's Last-Event-ID
    assert next(chunks) == b"retry: 2000\n\n"
    eventlet.spawn_after(0.05, view.put, "other", {"revision": 9}, from_event=True, revision=9)
    eventlet.spawn_after(0.05, view.put, "plan", {"revision": 0, "people": 1}, from_event=True, revision=0)  # older
    with eventlet.Timeout(5):
        assert next(chunks) == b": keep-alive\n\n"
    chunks.close()


def test_a_change_while_the_stream_writes_is_not_lost():
    view, live = view_and_live(heartbeat=30)
    view.put("plan", {"revision": 1}, from_event=True, revision=1)
    chunks = stream(view, live)
    next(chunks), next(chunks)          # the stream is "writing" its first state...
    view.put("plan", {"revision": 2}, from_event=True, revision=2)   # ...when the next arrives
    with eventlet.Timeout(5):
        assert data_of(next(chunks))["revision"] == 2
    chunks.close()


def test_streams_are_bounded_and_end_after_their_lifetime():
    view, live = view_and_live(max_streams=2, heartbeat=0.05, lifetime=0.2)
    open_streams = [stream(view, live) for _ in range(2)]
    for chunks in open_streams:
        next(chunks)
    with pytest.raises(StreamsFull):
        live.admit()
    response = problems.from_exception(StreamsFull(2), "req-1")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.mimetype == "application/problem+json"
    assert json.loads(response.get_data())["detail"].startswith("this gateway serves 2 live streams at most")
    with eventlet.Timeout(5):
        assert all(c.startswith(b": keep-alive") for c in open_streams[0])   # then it ends
    assert live.open == 1
    live.admit()                         # room again
    open_streams[1].close()
    assert live.open == 0


def test_the_view_tells_of_a_new_state_only():
    changed = []
    view = ProgressView(on_change=changed.append)
    view.put("plan", {"revision": 1, "v": 1}, from_event=True, revision=1)
    view.put("plan", {"revision": 1, "v": 1}, from_event=True, revision=1)    # the same state again
    view.put("plan", {"revision": 0, "v": 0}, from_event=True, revision=0)    # an older one: refused
    view.put("plan", {"revision": 2, "v": 2}, from_event=False)
    assert changed == ["plan", "plan"]


def test_a_client_gone_mid_stream_is_not_logged_as_a_traceback_other_failures_are():
    def record(message):
        return logging.LogRecord("nameko.web.server", logging.INFO, __file__, 1, message, None, None)
    gone, traceback = ClientGone(), "Traceback (most recent call last):\n  ...\n"
    assert not gone.filter(record(traceback + "BrokenPipeError: [Errno 32] Broken pipe\n"))
    assert not gone.filter(record(traceback + "ConnectionResetError: [Errno 104] Connection reset by peer"))
    assert gone.filter(record(traceback + "ValueError: a real failure"))
    assert gone.filter(record('127.0.0.1 - - "GET /dashboard HTTP/1.1" 200 2212 0.004'))
