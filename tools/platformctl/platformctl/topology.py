"""`platformctl topology`: the broker topology of shared.messaging.topology (every consumer's
queue, the exchanges and event types it is bound to, its dead-letter and delay queues), printed;
with --declare, declared on the broker first (idempotent; run it before deploying a release that
adds a subscription)."""
import argparse
import os
from typing import Any

from platformctl import output
from platformctl.broker import broker_errors, redacted
from platformctl.errors import CtlError
from platformctl.options import common
from shared.messaging import topology


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("topology", parents=[_options()], help="print (and --declare) the broker topology",
                                   description=__doc__)
    parser.set_defaults(func=run)


def _options() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False, parents=[common()])
    parser.add_argument("--declare", action="store_true", help="declare it on the broker (--amqp-uri) first")
    parser.add_argument("--retry-delays", default=os.environ.get("EVENT_RETRY_DELAYS", ""),
                        help="the delay queues to declare (EVENT_RETRY_DELAYS, default 1,5,30,120,600)")
    return parser


def describe(retry_delays: tuple[float, ...]) -> list[dict[str, Any]]:
    consumers = sorted({s.consumer for s in topology.SUBSCRIPTIONS})
    return [{
        "consumer": consumer,
        "queue": topology.queue_name(consumer),
        "bindings": sorted(f"{s.source}.events:{s.event_type}" for s in topology.SUBSCRIPTIONS
                           if s.consumer == consumer),
        "dead_letters": topology.dead_letter_queue(consumer).name,
        "dead_letter_exchange": topology.DEAD_LETTER_EXCHANGE,
        "retry_exchange": topology.retry_exchange(consumer).name,
        "retry_queues": [q.name for q in topology.retry_queues(consumer, retry_delays)],
    } for consumer in consumers]


def run(args: argparse.Namespace) -> int:
    try:
        delays = topology.parse_retry_delays(args.retry_delays)
    except ValueError as exc:
        raise CtlError(str(exc)) from None
    if args.declare:
        with broker_errors(args.amqp_uri):
            topology.declare_all(args.amqp_uri, delays)
    described = describe(delays)
    if args.json:
        output.emit_json({"declared": args.declare, "subscriptions": len(topology.SUBSCRIPTIONS),
                          "consumers": described})
        return 0
    rows = [{**c, "bindings": f"{len(c['bindings'])} event types", "retry_queues": ", ".join(c["retry_queues"])}
            for c in described]
    output.table(rows, ("consumer", "queue", "bindings", "dead_letters", "retry_queues"), title="consumers")
    for consumer in described:
        output.console.print(f"[bold]{consumer['queue']}[/bold] ← " + ", ".join(consumer["bindings"]))
    if args.declare:
        output.console.print(f"declared {len(topology.SUBSCRIPTIONS)} subscriptions on {redacted(args.amqp_uri)}")
    return 0
