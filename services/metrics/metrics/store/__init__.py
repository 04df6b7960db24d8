"""The metrics projection in SQL: facts kept at their winning version, aggregates updated by
deltas (INSERT ... ON CONFLICT DO UPDATE SET value = value + delta) in the same transaction
as the inbox record, and the snapshot queries that assembly reads.

- `sql`: the statements (cached per dialect) and the one way to lock a row
  (`Store.held`: `shared.persistence.get(..., for_update=True)`).
- `facts`: applying a fact (results, programmes, funds, money, applications) and its deltas.
- `rebuild`: the plans' bookkeeping and the rebuilds (aggregates from facts, facts from sources).
- `reads`: snapshots of one plan's aggregates and the publishing bookkeeping.
- `versions`: every approved version of a result with its valid time, and the facts as they
  stood on a past date (as_of).

Lock order (replicas rely on it: two or more consume the same queues, so it must hold in every
transaction, and a new write must take its locks in this order):

1. `metric_plans` rows, all of them, sorted by plan id: shared (FOR SHARE) by every event
   transaction, exclusive (FOR UPDATE) by a rebuild (`lock_plans`, through `get_many`). A rebuild therefore waits
   for the events in flight and the events wait for the rebuild.
2. For a result of a cumulative indicator, its programme's row (`metric_programmes`, held),
   so that the facts of its series hold still while their growth is computed; then
   the fact's own row: claimed (INSERT ... ON CONFLICT DO NOTHING), then held with
   `Store.held` (SELECT ... FOR UPDATE on PostgreSQL) before versions are compared. Results
   first claim their programme and city rows (DO NOTHING: no lock waits on existing rows), and
   write their `result_versions` rows only while holding the result's row.
3. Counter rows in one global order: cells, then totals, then city references, each sorted by
   key; money counters after the money transaction row.
4. `metric_published` (the publisher, in its own transaction: `lock_published`).

So two transactions of one event each never wait on each other in a cycle. SQLite's BEGIN
IMMEDIATE serialises writers, and FOR UPDATE / FOR SHARE render as nothing there. A batch (the
events delivered together, one transaction: `handlers.apply_events`) takes each event's locks in
this order, but the second event's after the first's: two replicas' batches on PostgreSQL can
deadlock; PostgreSQL then aborts one, and that batch is re-done one event at a time
(shared.runtime.batching), each in the order above."""
from metrics.store.facts import FactWriter
from metrics.store.reads import Reader
from metrics.store.rebuild import Rebuilder
from metrics.store.sql import PlansNotReady


class Projection(FactWriter, Rebuilder, Reader):
    """The metrics read model of one unit of work (one session, the loaded plans)."""


__all__ = ["Projection", "PlansNotReady"]
