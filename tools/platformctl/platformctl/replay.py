"""Replay: each chosen parked event is published back to the queue it was parked from
(x-parked-queue, or RabbitMQ's x-first-death-queue) through the default exchange, so only the
consumer that failed sees it again, with publisher confirms; only once the broker has confirmed
the copy is the dead letter acked. A crash in between leaves both copies: the consumer's inbox
makes the repeat harmless. Retry and parking headers are dropped, so the handler gets its full
EVENT_MAX_ATTEMPTS again. Discard acks the chosen events and logs each with the reason given."""
import argparse
import getpass
import json
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from kombu import Connection

from platformctl import output, progress
from platformctl.broker import broker_errors, queue_depth
from platformctl.errors import CtlError
from platformctl.parked import DeadLetters, Parked
from platformctl.selection import matcher
from shared.messaging.publisher import ConfirmingPublisher
from shared.runtime.retries import ATTEMPT_HEADER

DROPPED = (ATTEMPT_HEADER, "x-delivery-count", "x-death", "x-first-death-exchange", "x-first-death-queue",
           "x-first-death-reason")
Queues = Callable[[argparse.Namespace], AbstractContextManager[tuple[Connection, list[str]]]]
Taken = Callable[[Connection, str, Callable[[Parked], bool]],
                 AbstractContextManager[tuple[DeadLetters, list[Parked]]]]


def replay_headers(parked: Parked) -> dict[str, Any]:
    headers = {k: v for k, v in parked.headers.items() if k not in DROPPED and not k.startswith("x-parked-")}
    headers["x-replayed-at"] = datetime.now(UTC).isoformat()
    return headers


def run(args: argparse.Namespace, each_queue: Queues, taken: Taken) -> int:
    verb = "replay" if args.action == "replay" else "discard"
    done: list[dict[str, Any]] = []
    problems: list[str] = []
    keep = matcher(args)
    publisher = ConfirmingPublisher(args.amqp_uri)
    try:
        with each_queue(args) as (conn, queues), progress.counting(not (args.json or args.dry_run)) as bar, \
                broker_errors(args.amqp_uri):
            for consumer in queues:
                with taken(conn, consumer, keep) as (reader, chosen):  # held unacked until the block ends
                    task = bar.add_task(f"{verb} {consumer}", total=len(chosen))
                    for parked in chosen:
                        problem = _act(verb, args, conn, publisher, reader, parked)
                        if problem:
                            problems.append(problem)
                        else:
                            done.append(parked.summary())
                        bar.advance(task)
    finally:
        publisher.close()
    missing = set(args.ids or ()) - {p["id"] for p in done} - {p.split(":")[0] for p in problems}
    problems += [f"{i}: no such parked event" for i in sorted(missing)]
    report = {"action": verb, "dry_run": args.dry_run, "count": len(done), "events": done, "problems": problems}
    if args.json:
        output.emit_json(report)
    else:
        state = "would be " if args.dry_run else ""
        output.table([{**p, "error": (p["error"] or "")[:60]} for p in done],
                     ("consumer", "id", "type", "reason", "queue", "error"),
                     title=f"{len(done)} parked event(s) {state}{verb}ed")
    if problems:
        raise CtlError(f"{len(problems)} not {verb}ed: " + "; ".join(problems))
    return 0


def _act(verb: str, args: argparse.Namespace, conn: Connection, publisher: ConfirmingPublisher,
         reader: DeadLetters, parked: Parked) -> str | None:
    """Replay or discard one; a reason it could not, or None."""
    if verb == "replay":
        target = parked.source_queue
        if not target:
            return f"{parked.id}: no x-parked-queue or x-first-death-queue says where it came from"
        if queue_depth(conn, target) is None:  # the default exchange would drop it, confirmed
            return f"{parked.id}: its queue {target} does not exist (platformctl topology --declare)"
        if not args.dry_run:
            publisher.publish(parked.message.body, exchange="", routing_key=target,
                              headers=replay_headers(parked), message_id=parked.id or None)
            reader.ack(parked)  # only now: the broker has confirmed the copy
        return None
    if not args.dry_run:
        line = _audit_line(parked, args.why)
        reader.ack(parked)
        _audit(line)
    return None


def _audit_line(parked: Parked, why: str) -> str:
    entry = {"at": datetime.now(UTC).isoformat(), "action": "discard", "by": getpass.getuser(), "why": why,
             **{k: v for k, v in parked.summary().items() if k != "age_seconds"}, "body": parked.text}
    return json.dumps(entry, default=str)


def _audit(line: str) -> None:
    """One JSON line per discarded event on stderr and, if PLATFORMCTL_AUDIT_LOG names a file, there."""
    output.errors.print(line, markup=False, highlight=False, soft_wrap=True)
    path = os.environ.get("PLATFORMCTL_AUDIT_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as audit:
            audit.write(line + "\n")
