"""python -m chaos [--quick] [--backend sqlite|postgresql] [--no-doc] [scenario ...]

Runs the scenarios (all of chaos/scenarios/ORDER by default) on each backend where they
apply, prints each verdict, writes the figures to docs/reliability.md (unless --no-doc) and
exits 1 when any run lost, double-counted or found something unexpected (a 500, poison not
parked). --quick: shorter loads and faults (the form CI runs: tests/chaos/test_chaos_quick.py)."""
import argparse
import sys
import time

from chaos import report, scenarios
from chaos.run import run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/reliability.md")
    parser.add_argument("scenario", nargs="*", help=f"any of: {', '.join(scenarios.ORDER)} (default: all)")
    args = parser.parse_args(argv)
    if unknown := set(args.scenario) - set(scenarios.ORDER):
        parser.error(f"no scenario {', '.join(sorted(unknown))}")
    names = [n for n in scenarios.ORDER if n in (args.scenario or scenarios.ORDER)]
    began = time.monotonic()
    records = run(names, args.backend or ["sqlite", "postgresql"], args.quick)
    wall = time.monotonic() - began
    if not args.no_doc:
        report.write(records, args.quick, wall)
    failed = [r for r in records if not r.ok]
    print(f"\n{len(records)} runs in {wall / 60:.1f} min; "
          f"{'all passed' if not failed else 'FAILED: ' + ', '.join(f'{r.scenario}/{r.backend}' for r in failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
