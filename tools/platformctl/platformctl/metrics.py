"""`platformctl metrics reconcile|rebuild`: the metrics service's own repair commands
(`python -m metrics.cli`, run as a subprocess where the metrics package is installed: its image).

reconcile recomputes the figures from the source services' histories (the programmes and grants
outboxes) and reports drift (exit 1 when the projection drifted); rebuild replaces the projections
from those histories (--aggregates-only: from the facts metrics already holds)."""
import argparse
import json
from typing import Any

from platformctl import output, progress
from platformctl.errors import CtlError
from platformctl.modules import run_module
from platformctl.options import common


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("metrics", help="reconcile or rebuild metrics' projections", description=__doc__)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("reconcile", "report drift between the projection and the sources"),
                       ("rebuild", "replace the projections from the sources")):
        action = actions.add_parser(name, parents=[common()], help=text)
        for db in ("metrics", "programmes", "grants"):
            action.add_argument(f"--{db}-db", metavar="URL", help=f"default: {db.upper()}_DATABASE_URL or var/")
        if name == "rebuild":
            action.add_argument("--aggregates-only", action="store_true",
                                help="from the stored facts, without reading the sources")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    argv = [args.action]
    for db in ("metrics", "programmes", "grants"):
        if getattr(args, f"{db}_db"):
            argv += [f"--{db}-db", getattr(args, f"{db}_db")]
    if getattr(args, "aggregates_only", False):
        argv.append("--aggregates-only")
    with progress.counting(not args.json) as bar:
        bar.add_task(f"metrics {args.action}", total=None)
        done = run_module("metrics", "metrics.cli", argv, capture=True)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        lines = [line for line in (done.stderr or "").splitlines() if line.strip()]
        raise CtlError(f"{args.action} failed: {lines[-1] if lines else 'no output'}") from None
    if args.json:
        output.emit_json(report)
    else:
        output.console.print_json(data=report)
    if args.action == "reconcile" and done.returncode:
        output.errors.print("the projection drifted from the sources: `platformctl metrics rebuild` replaces it")
    return done.returncode
