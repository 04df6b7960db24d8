"""Group commit for what a request records once it has run: its audit entry and, with an
Idempotency-Key, its stored response, in ONE transaction shared with the requests answered at
the same time (shared.runtime.batching: the leader/waiter mechanism, a failed batch re-done one
request at a time).

An audit row in a transaction of its own after every write was 4.5-5.5% of the gateway's CPU
while writing, and a stored response another (docs/benchmarks.md). Nothing is answered before
its rows committed: a request waits for its batch. When a request's rows cannot be written even
alone, today's steps are taken one by one: the stored response alone (failing, the answer is the
error's: a 503 when the database is away, the claim released once it is back), then the audit
entry alone (failing, logged: the response still goes out). A refusal is counted in its
window's row (gateway.audit.count_refusal), not grouped: it is an increment of a shared row."""
import logging
from collections.abc import Callable

from werkzeug.wrappers import Response

from gateway import audit, idempotency, models, problems
from shared.runtime.batching import Batcher

log = logging.getLogger(__name__)
Rows = tuple[dict | None, dict | None]   # (the response to store, as idempotency.around leaves it; the audit entry)


def write_many(store, items: list[Rows]) -> list[None]:
    """Every item's rows in one transaction; the audit lines are logged once it committed."""
    entries = [entry for _, entry in items if entry is not None]
    with store.begin() as conn:
        for done, _ in items:
            if done is not None:
                idempotency.finish_in(conn, **done)
        if entries:
            conn.execute(models.audit_log.insert(), entries)
    audit.logged(entries)
    return [None] * len(items)


class RequestWrites(Batcher[Rows, None]):
    def __init__(self, store, write: Callable = write_many):
        super().__init__(lambda items: write(store, items), name="request writes")
        self.store = store

    def record(self, request, request_id: str, route: str, response: Response) -> Response:
        """Write what `request` records (grouped) and return the response to send."""
        done = request.environ.pop(idempotency.FINISH, None)
        try:
            entry = audit.entry_of(request, request_id, route, response)
        except Exception:   # as gateway.audit.record_response: logged, the response still goes out
            log.exception("could not build the audit entry [request %s]", request_id)
            entry = None
        refused = entry is not None and entry["outcome"] == "refused"
        if done is not None or (entry is not None and not refused):
            try:
                self.submit((done, None if refused else entry))
            except Exception:
                log.warning("the rows of request %s could not be written, even alone; one by one", request_id,
                            exc_info=True)
                return self._one_by_one(request, request_id, route, response, done)
        if refused:
            audit.record_response(self.store, request, request_id, route, response)
        return response

    def _one_by_one(self, request, request_id, route, response, done) -> Response:
        if done is not None:
            try:
                idempotency.finish_now(self.store, done)
            except Exception as exc:
                response = problems.from_exception(exc, request_id)
        audit.record_response(self.store, request, request_id, route, response)
        return response
