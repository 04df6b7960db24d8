"""Group commit for consumers: the events delivered together are written in one transaction.

Every delivered event is a nameko worker of its own (shared.runtime.events), and a transaction per
event was most of a consumer's cost per event (docs/benchmarks.md). A worker hands its item to
`Batcher.submit` and waits. The first to find no batch being written leads: it yields once, so
the workers already spawned for the messages that arrived with it queue theirs, then writes
everything queued (up to `max_batch`) with `write_many` and wakes each waiter with its own
answer; if more queued meanwhile, the first of them leads the next batch.

What `write_many(items) -> answers` must do: write all of `items` in ONE transaction, each item
keeping its own inbox claim (a duplicate answers as such, alone), and return one answer per item,
in order. Nothing changes for the guarantees: a worker returns, and its delivery is acknowledged,
only after the transaction holding its item committed; and when a batch's transaction fails, each
of its items is written again alone, so a bad one fails (and is retried or parked) alone.

Acknowledgements stay one per delivery (each worker's own, once its batch committed), not one
`multiple` ack per batch: that settles every lower delivery tag of the channel, and with nameko's
consumer those include deliveries outside the batch (prefetched ones waiting for a worker, one
being retried or parked, one that failed alone and is requeued). kombu would ack each of those
again when it settles, which the broker answers by closing the channel (PRECONDITION_FAILED,
unknown delivery tag), so everything unacknowledged on it comes again.

Used by the gateway's feed (gateway.feed_batch) and metrics' projection (metrics.dependencies)."""
import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

import eventlet

log = logging.getLogger(__name__)
MAX_BATCH = 100
Item = TypeVar("Item")
Answer = TypeVar("Answer")


class _Waiter(Generic[Item, Answer]):
    __slots__ = ("item", "done", "answer", "error", "leads")

    def __init__(self, item: Item):
        self.item = item
        self.done = threading.Event()
        self.answer: Answer | None = None
        self.error: BaseException | None = None
        self.leads = False   # woken to write the next batch rather than with an answer


class Batcher(Generic[Item, Answer]):
    def __init__(self, write_many: Callable[[list[Item]], list[Answer]], *, max_batch: int = MAX_BATCH,
                 name: str = "batch"):
        self.write_many = write_many
        self.max_batch = max_batch
        self.name = name   # for the log
        self.queued: list[_Waiter[Item, Answer]] = []
        self.writing = False

    def submit(self, item: Item) -> Answer | None:
        """`write_many([item])`'s answer, grouped with whatever else was delivered at the same
        time. (Greenthreads switch only where they wait, so the queue and the flag need no lock.)"""
        waiter: _Waiter[Item, Answer] = _Waiter(item)
        self.queued.append(waiter)
        if self.writing:
            try:
                waiter.done.wait()
            except BaseException:   # killed while waiting: never left queued, nor holding the lead
                if waiter in self.queued:
                    self.queued.remove(waiter)
                if waiter.leads:
                    self._hand_on()
                raise
        else:
            self.writing = waiter.leads = True
        if waiter.leads:
            self._lead(waiter)
        if waiter.error is not None:
            raise waiter.error
        return waiter.answer

    def _lead(self, me: _Waiter[Item, Answer]) -> None:
        batch: list[_Waiter[Item, Answer]] = []
        try:
            eventlet.sleep(0)   # let the workers spawned with this one queue their items
            batch, self.queued = self.queued[:self.max_batch], self.queued[self.max_batch:]
            self._write(batch)
        finally:
            for waiter in batch:   # killed while writing: no waiter is left hanging
                if not waiter.done.is_set():
                    waiter.error = waiter.error or RuntimeError(f"{self.name} interrupted")
                    waiter.done.set()
            if me in self.queued:
                self.queued.remove(me)
            self._hand_on()

    def _hand_on(self) -> None:
        if self.queued:   # the next batch is led by the first waiting (its worker is idle)
            successor = self.queued[0]
            successor.leads = True
            successor.done.set()
        else:
            self.writing = False

    def _write(self, batch: list[_Waiter[Item, Answer]]) -> None:
        try:
            answers = self.write_many([w.item for w in batch])
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error = exc
            else:
                log.warning("%s of %d failed; writing each alone", self.name, len(batch), exc_info=True)
                for waiter in batch:
                    self._write([waiter])
        else:
            for waiter, answer in zip(batch, answers, strict=True):
                waiter.answer = answer
        for waiter in batch:
            waiter.done.set()
