"""`platformctl <command> ...`: each command is a module with `register(subparsers)`, which adds
its parser and sets `func=run` (`run(args) -> int`). Failures are one line on stderr, exit 1;
usage errors exit 2 (argparse)."""
import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from platformctl import dead_letters, iati, keys, metrics, migrate, status, topology
from platformctl.errors import CtlError

COMMANDS: tuple[ModuleType, ...] = (status, dead_letters, metrics, keys, migrate, topology, iati)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="platformctl", description="See the platform's state and repair it.")
    subparsers = top.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CtlError as exc:
        print(f"platformctl {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"platformctl {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # anything unforeseen is still one line, never a traceback
        print(f"platformctl {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
