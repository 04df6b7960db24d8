"""`platformctl dead-letters list|show|replay|discard`: the events parked in each consumer's
`<consumer>.dead-letters` queue (shared/runtime/events.py parks them; RabbitMQ dead-letters a
message over its delivery limit there too). Reading never loses one: see platformctl.parked."""
import argparse
from typing import Any

from platformctl import output, replay, upgrade
from platformctl.errors import CtlError
from platformctl.options import common
from platformctl.parked import each_queue, taken
from platformctl.selection import add_all, add_filters, has_selection, matcher

COLUMNS = ("consumer", "id", "type", "reason", "age", "attempts", "error")
DESCRIPTION = """The events parked in each consumer's <consumer>.dead-letters queue: a handler's last failure,
a contract violation, or a message RabbitMQ dead-lettered over its delivery limit. Looking removes
nothing; replay removes an event only once the broker has confirmed its copy back in its queue;
discard needs a --reason, which is logged. The queues are quorum queues (replicated over a
cluster's nodes); upgrade makes an older platform's classic ones quorum, keeping every parked
event. More: docs/operations.md, Dead letters."""
EXAMPLES = """examples:
  platformctl dead-letters list --consumer metrics
  platformctl dead-letters show 5f0c...
  platformctl dead-letters replay --reason handler_error --older-than 10m --dry-run
  platformctl dead-letters discard 5f0c... --reason "superseded by a corrected import"
  platformctl dead-letters upgrade      # once, on a platform whose dead-letter queues are classic
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("dead-letters", help="list, show, replay, discard or upgrade parked events",
                                   description=DESCRIPTION, epilog=EXAMPLES,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common()], help="parked events with reason, error and age")
    add_filters(listing)
    show = actions.add_parser("show", parents=[common()], help="one parked event: headers, properties, body")
    show.add_argument("id", help="its message id (the event id)")
    show.add_argument("--consumer", help="look only in this consumer's dead letters")
    again = actions.add_parser("replay", parents=[common()], help="publish parked events back to their queue",
                               description=replay.__doc__)
    add_filters(again)
    add_all(again)
    again.add_argument("--dry-run", action="store_true", help="say what would be replayed, change nothing")
    drop = actions.add_parser("discard", parents=[common()], help="remove parked events for good (logged)")
    add_filters(drop, reason_flag="--parked-reason")
    add_all(drop)
    drop.add_argument("--reason", required=True, dest="why", help="why they are thrown away (logged)")
    drop.add_argument("--dry-run", action="store_true", help="say what would be discarded, change nothing")
    move = actions.add_parser("upgrade", parents=[common()], help="make classic dead-letter queues quorum queues",
                              description=upgrade.__doc__)
    move.add_argument("--consumer", help="only this consumer's queue (default: every consumer's)")
    for action in (again, drop):
        action.set_defaults(needs_selection=action)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    selector = getattr(args, "needs_selection", None)
    if selector is not None and not has_selection(args):
        selector.error("say which: message ids, a filter (--reason/--type/--older-than) or --all")
    if args.action == "list":
        return list_parked(args)
    if args.action == "show":
        return show(args)
    if args.action == "upgrade":
        return upgrade.run(args)
    return replay.run(args)


def list_parked(args: argparse.Namespace) -> int:
    keep = matcher(args)
    with each_queue(args) as (conn, queues):
        found = []
        for consumer in queues:
            with taken(conn, consumer, keep) as (_, chosen):
                found += [parked.summary() for parked in chosen]
    rows = [{**p, "age": _age(p["age_seconds"]), "error": (p["error"] or "")[:80]} for p in found]
    output.report(found, args.json, rows, COLUMNS, title="parked events")
    return 0


def show(args: argparse.Namespace) -> int:
    with each_queue(args) as (conn, queues):
        for consumer in queues:
            with taken(conn, consumer, lambda p: p.id == args.id) as (_, chosen):
                if chosen:
                    output.emit_json(chosen[0].detail())
                    return 0
    raise CtlError(f"no parked event {args.id!r} in the dead letters of {', '.join(queues) or 'no consumer'}")
    return 0


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"
