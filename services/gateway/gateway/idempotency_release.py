"""Releasing Idempotency-Key claims: a claim whose outcome is unknown (a 5xx) is opened to a
retry at once, written again until the gateway's database takes it, and the claims of the
requests cut by a stopping gateway are released before it goes (gateway.idempotency)."""
import logging
import threading
import time
import weakref

from gateway import models
from shared.db import database_away

POLL_SECONDS = 0.2     # how often a waiting retry, or a release not yet written, tries again
log = logging.getLogger(__name__)
# Per store (one per gateway): the claims whose request is running, and the stores whose
# gateway is stopping (a claim taken then is given back at once: 503, retry).
in_flight: "weakref.WeakKeyDictionary[object, set[tuple[str, str]]]" = weakref.WeakKeyDictionary()
stopping: "weakref.WeakSet[object]" = weakref.WeakSet()


def release(store, *, actor: str, key: str) -> None:
    """Open a claim whose request failed on our side (5xx) to a retry at once. It is kept, not
    deleted: the services may have done the work (a 504), and the retry, sending the same
    request key, gets that outcome; a new claim would make them do it twice."""
    t = models.idempotency_keys
    with store.begin() as conn:
        conn.execute(t.update().where(t.c.actor == actor, t.c.key == key, t.c.status.is_(None))
                     .values(claimed_until=None))


def release_later(store, *, actor: str, key: str, within: float) -> None:
    """Write the release once the database is back (a thread: green under nameko), for at most
    `within` seconds: by then the claim's lease has ended anyway."""
    def keep_trying() -> None:
        give_up = time.monotonic() + within
        while time.monotonic() < give_up:
            try:
                return release(store, actor=actor, key=key)
            except Exception as exc:
                if not database_away(exc):
                    log.warning("releasing Idempotency-Key claim failed", exc_info=True)
                    return
            time.sleep(POLL_SECONDS)
    threading.Thread(target=keep_trying, daemon=True, name="idempotency-release").start()


def release_in_flight(store) -> int:
    """A gateway stopping (a rolling restart) cuts its requests in flight: open their claims
    to a retry at once rather than after their lease. A try that still ends writes its outcome
    over the release, and the services answer a retry with what they did (the request key)."""
    stopping.add(store)
    running = in_flight.pop(store, set())   # once: a second release could reopen a retry's claim
    for actor, key in running:
        release(store, actor=actor, key=key)
    return len(running)
