"""Group commit for the feed: the events delivered together enter it in one transaction.

Every delivered event is a worker of its own (gateway.consumers), and appending each in its
own transaction was the largest share of the gateway's CPU while writing (docs/benchmarks.md).
A worker hands its event to `FeedBatcher.append` and waits. The first to find no batch being
written leads: it yields once, so the workers already spawned for the messages that arrived
with it queue theirs, then appends everything queued (up to MAX_BATCH) with
`feed.append_many` and wakes each waiter with its own answer; if more queued meanwhile, the
first of them leads the next batch. Nothing changes for the guarantees: a worker returns, and
its delivery is acknowledged, only after the transaction holding its event committed; each
event keeps its own inbox claim; and when a batch's transaction fails, each of its events is
tried again alone, so a bad one fails (and is retried or parked) alone."""
import logging
import threading
from collections.abc import Callable

import eventlet

from gateway import feed
from shared.events import Envelope

log = logging.getLogger(__name__)
MAX_BATCH = 100
Position = tuple[int | None, int | None]


class _Waiter:
    __slots__ = ("envelope", "position", "done", "answer", "error", "leads")

    def __init__(self, envelope: Envelope, position: Position):
        self.envelope, self.position = envelope, position
        self.done = threading.Event()
        self.answer: list[int] | None = None
        self.error: BaseException | None = None
        self.leads = False   # woken to write the next batch rather than with an answer


class FeedBatcher:
    def __init__(self, store, append_many: Callable = feed.append_many):
        self.store = store
        self.append_many = append_many
        self.queued: list[_Waiter] = []
        self.writing = False

    def append(self, envelope: Envelope, position: Position = (None, None)) -> list[int] | None:
        """feed.append, grouped with whatever else was delivered at the same time. (Greenthreads
        switch only where they wait, so the queue and the flag need no lock.)"""
        waiter = _Waiter(envelope, position)
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

    def _lead(self, me: _Waiter) -> None:
        batch: list[_Waiter] = []
        try:
            eventlet.sleep(0)   # let the workers spawned with this one queue their events
            batch, self.queued = self.queued[:MAX_BATCH], self.queued[MAX_BATCH:]
            self._write(batch)
        finally:
            for waiter in batch:   # killed while writing: no waiter is left hanging
                if not waiter.done.is_set():
                    waiter.error = waiter.error or RuntimeError("feed batch interrupted")
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

    def _write(self, batch: list[_Waiter]) -> None:
        try:
            answers = self.append_many(self.store, [(w.envelope, w.position) for w in batch])
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error = exc
            else:
                log.warning("feed batch of %d failed; appending each alone", len(batch), exc_info=True)
                for waiter in batch:
                    self._write([waiter])
        else:
            for waiter, answer in zip(batch, answers, strict=True):
                waiter.answer = answer
        for waiter in batch:
            waiter.done.set()
