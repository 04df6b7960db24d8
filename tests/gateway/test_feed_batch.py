"""Group commit of the feed (gateway.feed_batch), on SQLite and PostgreSQL: events delivered
together enter the feed in one transaction, each worker still gets its own answer only after
that commit, a duplicate is skipped alone and a failing event fails alone."""
import eventlet
import pytest

from gateway import feed
from gateway.feed_batch import FeedBatcher
from shared.actors import SYSTEM
from tests.helpers import programme_created as event


class Recording:
    """feed.append_many, recording each batch; refuses any batch holding `poison`."""

    def __init__(self, poison=None):
        self.batches: list[list[str]] = []
        self.poison = poison

    def __call__(self, store, items):
        ids = [envelope.payload["programme_id"] for envelope, _ in items]
        self.batches.append(ids)
        if self.poison in ids:
            raise RuntimeError("refused")
        return feed.append_many(store, items)


def deliver(batcher, envelopes):
    """Each envelope appended by a greenthread of its own, as the consumer's workers do."""
    def one(envelope):
        try:
            return batcher.append(envelope, (None, None))
        except RuntimeError as exc:
            return exc
    threads = [eventlet.spawn(one, e) for e in envelopes]
    return [t.wait() for t in threads]


def in_feed(store):
    return [e["payload"]["programme_id"] for e in feed.read(store, SYSTEM, after=0, limit=100)]


@pytest.mark.postgres
def test_events_delivered_together_are_one_transaction_and_each_gets_its_answer(store):
    recording = Recording()
    batcher = FeedBatcher(store, recording)
    events = [event(n) for n in range(5)]
    answers = deliver(batcher, [*events, events[2]])        # a redelivery among them
    assert recording.batches == [["p-0", "p-1", "p-2", "p-3", "p-4", "p-2"]]
    assert all(len(a) == 1 for a in answers[:5]) and answers[5] is None
    assert len({a[0] for a in answers[:5]}) == 5             # a feed sequence each
    assert in_feed(store) == ["p-0", "p-1", "p-2", "p-3", "p-4"]
    assert deliver(batcher, [event(7)])[0] and batcher.queued == [] and not batcher.writing


@pytest.mark.postgres
def test_a_failing_event_fails_alone(store):
    recording = Recording(poison="p-1")
    answers = deliver(FeedBatcher(store, recording), [event(n) for n in range(3)])
    assert recording.batches == [["p-0", "p-1", "p-2"], ["p-0"], ["p-1"], ["p-2"]]
    assert isinstance(answers[1], RuntimeError) and answers[0] and answers[2]
    assert in_feed(store) == ["p-0", "p-2"]                  # nothing of the refused batch half-written


@pytest.mark.postgres
def test_more_than_a_batch_is_written_in_several_led_in_turn(store, monkeypatch):
    monkeypatch.setattr("gateway.feed_batch.MAX_BATCH", 2)
    recording = Recording()
    batcher = FeedBatcher(store, recording)
    answers = deliver(batcher, [event(n) for n in range(5)])
    assert [len(b) for b in recording.batches] == [2, 2, 1]
    assert all(answers) and in_feed(store) == [f"p-{n}" for n in range(5)]
    assert batcher.queued == [] and not batcher.writing


@pytest.mark.postgres
def test_a_waiter_killed_while_waiting_leaves_nothing_stuck(store):
    batcher = FeedBatcher(store, Recording())
    batcher.writing = True                                   # as if a batch were being written
    waiting = eventlet.spawn(batcher.append, event(1), (None, None))
    eventlet.sleep(0)
    batcher.queued[0].leads = True                           # handed the lead, then killed before taking it
    waiting.kill()
    assert batcher.queued == [] and not batcher.writing
    assert deliver(batcher, [event(2)])[0] and in_feed(store) == ["p-2"]
