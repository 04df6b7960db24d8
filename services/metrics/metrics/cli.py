"""`python -m metrics.cli reconcile|rebuild`: recompute the figures from the source services'
histories (the programmes and grants outboxes) and report drift, or replace the projections.

    python -m metrics.cli reconcile [--programmes-db URL] [--grants-db URL] [--metrics-db URL]
    python -m metrics.cli rebuild [--aggregates-only] [...same options]

reconcile prints a JSON report and exits 1 when the projection drifted from the sources."""
import argparse
import json
import sys

from shared.config import database_url
from shared.db import create_engine, session_factory


def _uow(url):
    from metrics import models
    from metrics.db import tune
    from metrics.unit_of_work import MetricsUnitOfWork
    from shared.uow import process_lock
    engine = tune(create_engine(url))
    sessions = session_factory(engine)
    lock = process_lock(engine)
    return engine, lambda: MetricsUnitOfWork(sessions, models.outbox, models.inbox, producer="metrics", lock=lock)


def main(argv=None) -> int:
    from metrics import handlers, sources
    parser = argparse.ArgumentParser(prog="python -m metrics.cli", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["reconcile", "rebuild"])
    parser.add_argument("--metrics-db", default=None, help="default: METRICS_DATABASE_URL or var/metrics.sqlite3")
    parser.add_argument("--programmes-db", default=None, help="default: PROGRAMMES_DATABASE_URL or var/")
    parser.add_argument("--grants-db", default=None, help="default: GRANTS_DATABASE_URL or var/")
    parser.add_argument("--aggregates-only", action="store_true",
                        help="rebuild: the aggregates from the stored facts, without reading the sources")
    args = parser.parse_args(argv)
    engine, uow = _uow(args.metrics_db or database_url("metrics"))
    config = {k: v for k, v in (("PROGRAMMES_DATABASE_URL", args.programmes_db),
                                ("GRANTS_DATABASE_URL", args.grants_db)) if v}
    try:
        if args.command == "reconcile":
            report = handlers.reconcile(uow(), sources.events(sources.urls(config)))
            print(json.dumps(report, indent=2, default=str))
            return 1 if report["drift"] else 0
        events = None if args.aggregates_only else list(sources.events(sources.urls(config)))
        print(json.dumps(handlers.rebuild(uow(), events), indent=2))
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
