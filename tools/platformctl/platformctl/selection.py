"""Which parked events a dead-letters command acts on: ids, filters (reason, type, age), or all."""
import argparse
import re
from collections.abc import Callable

from platformctl.parked import Parked

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(text: str) -> float:
    """`90`, `90s`, `10m`, `2h`, `3d` → seconds (argparse type)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 90s, 10m, 2h or 3d")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def add_filters(parser: argparse.ArgumentParser, *, reason_flag: str = "--reason") -> None:
    parser.add_argument("ids", nargs="*", metavar="ID", help="message ids (the event ids)")
    parser.add_argument("--consumer", help="only this consumer's dead letters (default: every consumer's)")
    parser.add_argument(reason_flag, dest="parked_reason", metavar="REASON",
                        help="only events parked for this reason (handler_error, contract_violation, "
                             "no_handler, delivery_limit)")
    parser.add_argument("--type", dest="event_type", help="only events of this type, e.g. result.approved")
    parser.add_argument("--older-than", type=duration, metavar="AGE", help="only events parked longer ago (10m, 2h)")


def add_all(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--all", action="store_true", help="every parked event (of --consumer, if given)")


def has_selection(args: argparse.Namespace) -> bool:
    return bool(args.ids or args.parked_reason or args.event_type or args.older_than is not None
                or getattr(args, "all", False))


def matcher(args: argparse.Namespace) -> Callable[[Parked], bool]:
    ids = set(args.ids or ())

    def matches(parked: Parked) -> bool:
        if ids and parked.id not in ids:
            return False
        if args.parked_reason and parked.reason != args.parked_reason:
            return False
        if args.event_type and parked.type != args.event_type:
            return False
        if args.older_than is not None:
            age = parked.age()
            if age is None or age < args.older_than:
                return False
        return True
    return matches
