"""The objective's progress as the gateway serves it: a view kept current from the
metrics service's `objective.progress_changed` events, so GET /v1/objective/progress
costs no RPC.

Every gateway replica receives every progress event (a per-replica, exclusive,
auto-deleted broadcast queue: a replica that goes away needs no backlog, because a
replica that starts fills its view with one metrics.get_progress call per plan).

Until this replica has received its first progress event (a metrics service that
does not emit them yet, or one that has not changed since the start), an entry
filled by RPC is served for at most PROGRESS_FALLBACK_TTL seconds, then asked again.

Read your own writes: a write that moves the objective answers with TOKEN_HEADER (its request
id, which its events carry as their correlation id); metrics lists the correlation ids each
published state includes, and `wait_for` lets a reader wait, bounded, until this replica's
view holds a state that includes the token (each waiter an Event: no polling)."""
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from shared import plan as plans
from shared.errors import NotFound

TOKEN_HEADER = "Platform-Consistency-Token"   # on writes that move the objective
INCLUDED_HEADER = "Platform-Consistency"       # on a read that waited: "included" or "not-included"
# Per replica, the tokens the view included, so that a wait for a write already counted answers at
# once: those of the last REMEMBERED_SECONDS (a client reads its write right after it), at most
# REMEMBERED_TOKENS. Memory then follows the write rate, not the writes ever made (figure 7).
REMEMBERED_TOKENS = 100_000
REMEMBERED_SECONDS = 600.0
WAITED = "platform.consistency_included"       # request.environ: whether the waited-for write is in


@dataclass(frozen=True)
class Entry:
    body: bytes
    etag: str
    version: tuple        # (revision, updated_at): the view keeps the highest per plan
    filled_at: float
    from_event: bool


@lru_cache(maxsize=8)
def _plan_ids(plan_files: str | None) -> tuple:
    return tuple(sorted(plans.plans()))


def plan_ids() -> tuple:
    """The loaded plans' ids (read once per PLAN_FILES: plans do not change while running)."""
    return _plan_ids(os.environ.get("PLAN_FILES"))


def default_plan_id() -> str:
    return plan_ids()[0]


def resolve_plan(plan_id: str | None) -> str:
    """The plan a request means (the first plan by id when none is named), as metrics decides it."""
    if plan_id is None:
        return default_plan_id()
    if plan_id not in plan_ids():
        raise NotFound("plan", plan_id)
    return plan_id


class ProgressView:

    def __init__(self, fallback_ttl: float = 1.0, clock=time.monotonic, on_change=None):
        self.fallback_ttl, self.clock = float(fallback_ttl), clock
        self.on_change = on_change   # called with the plan id when a new state is kept (gateway.live)
        self.live = False
        self._entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        self._included: OrderedDict[tuple[str, str], float] = OrderedDict()   # -> when included
        self._waiters: dict[tuple[str, str], list[threading.Event]] = {}

    def get(self, plan_id: str) -> Entry | None:
        entry = self._entries.get(plan_id)
        if entry is None:
            return None
        if self.live or entry.from_event or self.clock() - entry.filled_at < self.fallback_ttl:
            return entry
        return None

    def latest(self, plan_id: str) -> Entry | None:
        """The latest state held, however old (what a live stream shows until the next change)."""
        return self._entries.get(plan_id)

    def put(self, plan_id: str, progress: dict, *, from_event: bool, revision: int | None = None) -> Entry:
        """Keep `progress` unless the view already holds a later state of the plan: a higher
        `revision` (metrics numbers every published state), else a later `updated_at`."""
        body = json.dumps(progress, separators=(",", ":"), sort_keys=True).encode()
        if revision is None:
            revision = progress.get("revision")
        version = (revision if isinstance(revision, int) else 0, str(progress.get("updated_at") or ""))
        entry = Entry(body=body, etag='W/"' + hashlib.sha256(body).hexdigest()[:32] + '"', version=version,
                      filled_at=self.clock(), from_event=from_event)
        with self._lock:
            if from_event:
                self.live = True
            current = self._entries.get(plan_id)
            if current is not None and current.version > entry.version:
                return current
            self._entries[plan_id] = entry
        if self.on_change is not None and (current is None or current.etag != entry.etag):
            self.on_change(plan_id)
        return entry

    def include(self, plan_id: str, tokens) -> None:
        """The view of `plan_id` now includes the writes of `tokens` (call after `put`)."""
        woken, now = [], self.clock()
        with self._lock:
            for token in tokens:
                key = (plan_id, token)
                self._included[key] = now
                self._included.move_to_end(key)
                woken += self._waiters.pop(key, [])
            included = self._included
            while included and (len(included) > REMEMBERED_TOKENS
                                or now - next(iter(included.values())) > REMEMBERED_SECONDS):
                included.popitem(last=False)
        for event in woken:
            event.set()

    def wait_for(self, plan_id: str, token: str, timeout: float) -> bool:
        """Whether the view of `plan_id` includes `token`, waiting at most `timeout` seconds."""
        key, event = (plan_id, token), threading.Event()
        with self._lock:
            if key in self._included:
                return True
            self._waiters.setdefault(key, []).append(event)
        included = event.wait(timeout)
        if not included:
            with self._lock:
                waiting = self._waiters.get(key, [])
                if event in waiting:
                    waiting.remove(event)
                if not waiting:
                    self._waiters.pop(key, None)
                included = key in self._included
        return included
