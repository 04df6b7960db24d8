"""`platformctl migrate [service ...]`: bring each service's own database to its newest revision,
as `python -m <service>.migrate` does (default: every service with a database). Each reads its
`<SERVICE>_DATABASE_URL` (or the SQLite file under PLATFORM_VAR_DIR) from the environment.
In a deployment each image migrates its own: `docker compose run --rm migrate-<service>`."""
import argparse
from typing import Any

from platformctl import output, progress
from platformctl.errors import CtlError
from platformctl.modules import run_module
from platformctl.options import common

SERVICES = ("programmes", "grants", "metrics", "gateway")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("migrate", parents=[common()], help="migrate services' databases to head",
                                   description=__doc__)
    parser.add_argument("services", nargs="*", metavar="SERVICE",
                        help=f"one or more of {', '.join(SERVICES)} (default: all)")
    parser.set_defaults(func=run, parser=parser)


def run(args: argparse.Namespace) -> int:
    unknown = sorted(set(args.services) - set(SERVICES))
    if unknown:
        args.parser.error(f"no service {', '.join(unknown)}; services: {', '.join(SERVICES)}")
    services = list(dict.fromkeys(args.services)) or list(SERVICES)
    results = []
    with progress.counting(not args.json) as bar:
        task = bar.add_task("migrating", total=len(services))
        for service in services:
            bar.update(task, description=f"migrating {service}")
            done = run_module(service, f"{service}.migrate", capture=True)
            results.append({"service": service, "ok": done.returncode == 0,
                            "output": _last_line(done.stdout if done.returncode == 0 else done.stderr)})
            bar.advance(task)
            if done.returncode:
                break  # the next ones wait: the operator reads this failure first
    output.report(results, args.json, results, ("service", "ok", "output"), title="migrations")
    failed = [r for r in results if not r["ok"]]
    if failed:
        raise CtlError(f"{failed[0]['service']}: migration failed: {failed[0]['output']}")
    return 0


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
