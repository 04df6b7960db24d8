"""The contract snapshot: every event contract and the gateway's OpenAPI document, as consumers
and clients rely on them (contracts/snapshot/). `make contracts` runs this.

    python -m scripts.contracts                    write the snapshot; refuse a breaking change
    python -m scripts.contracts --check            only report (exit 1 if breaking or stale)
    python -m scripts.contracts --accept-breaking  write anyway: only to retire a version that
                                                   nothing can still receive, or an API change
                                                   agreed with every client

tests/unit/test_contract_compatibility.py fails on a breaking change and on a stale snapshot."""
import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

from shared.api.openapi_diff import openapi_breaks
from shared.events.snapshot import describe_events, event_breaks

SNAPSHOT = Path(__file__).resolve().parents[1] / "contracts" / "snapshot"
EVENTS, OPENAPI = SNAPSHOT / "events.json", SNAPSHOT / "openapi.json"


def current_openapi() -> dict[str, Any]:
    """The gateway's document, built from its routes without starting it; as JSON text parses it."""
    from gateway.openapi import build
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # apispec renames same-named schemas (MoneyOut1): harmless here
        return json.loads(json.dumps(build()))


def current() -> dict[Path, dict[str, Any]]:
    return {EVENTS: describe_events(), OPENAPI: current_openapi()}


def text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def breaks(snapshot: dict[Path, dict[str, Any]], now: dict[Path, dict[str, Any]]) -> list[str]:
    return event_breaks(snapshot[EVENTS], now[EVENTS]) + openapi_breaks(snapshot[OPENAPI], now[OPENAPI])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--accept-breaking", action="store_true")
    args = parser.parse_args(argv)
    now = current()
    found = breaks({p: json.loads(p.read_text(encoding="utf-8")) for p in now}, now) if EVENTS.exists() else []
    for message in found:
        print(f"breaking: {message}", file=sys.stderr)
    stale = [p for p, doc in now.items() if not p.exists() or p.read_text(encoding="utf-8") != text(doc)]
    if args.check or (found and not args.accept_breaking):
        if found and not args.check:
            print("snapshot not written: make the change a new version (events) or pass --accept-breaking",
                  file=sys.stderr)
        print("stale: " + ", ".join(str(p) for p in stale) if stale else "snapshot is current", file=sys.stderr)
        return 1 if found or stale else 0
    SNAPSHOT.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(text(now[path]), encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
