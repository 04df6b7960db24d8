"""Group commit for the feed: the events delivered together enter it in one transaction.

Appending each delivered event in its own transaction was the largest share of the gateway's CPU
while writing (docs/benchmarks.md). `FeedBatcher.append` hands the event to the shared batcher
(shared.runtime.batching: the leader/waiter mechanism, a failed batch re-done one event at a
time) with `feed.append_many` as the batch's one transaction."""
from collections.abc import Callable

from gateway import feed
from shared.events import Envelope
from shared.runtime.batching import Batcher

MAX_BATCH = 100
Position = tuple[int | None, int | None]


class FeedBatcher(Batcher[tuple[Envelope, Position], list[int] | None]):
    def __init__(self, store, append_many: Callable = feed.append_many):
        super().__init__(lambda items: append_many(store, items), max_batch=MAX_BATCH, name="feed batch")
        self.store = store

    def append(self, envelope: Envelope, position: Position = (None, None)) -> list[int] | None:
        """feed.append, grouped with whatever else was delivered at the same time."""
        return self.submit((envelope, position))
