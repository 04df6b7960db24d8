"""Figure 8, scale-out: the write path (bench/gateway_writes.py) on PostgreSQL with one and with
two processes each of programmes and metrics (BENCH_REPLICAS), back to back in one run; each
rate of the second as a ratio to the first, and (as the other engineers' load moves between the
two runs) that ratio divided by the bare http->RPC's, which has no replicas.

On this 2-core machine a second replica adds workers, not cores: the gateway, the broker,
PostgreSQL and the load generator already share the two, so the ratio says how much of a
write's time is spent waiting (for a lock, a confirm, a round trip) that another process can
overlap, and how much the extra process costs in switching.

    python bench/scale_out.py   (make bench; not in --quick)
    env: as gateway_writes (BENCH_DURATION, BENCH_WARMUP); freshness is not measured here"""
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(replicas: int) -> dict:
    env = dict(os.environ, BENCH_WRITES_BACKEND="postgres", BENCH_REPLICAS=str(replicas), BENCH_FRESHNESS="0")
    env.pop("BENCH_PROFILE", None)
    out = subprocess.run([sys.executable, str(HERE / "gateway_writes.py")], env=env, capture_output=True,
                         text=True, check=True, cwd=HERE.parent).stdout
    return next(json.loads(line[5:]) for line in out.splitlines() if line.startswith("json:"))["writes"]


def main() -> int:
    one, two = measure(1), measure(2)
    print("scale-out on PostgreSQL: programmes and metrics as 1 and as 2 processes, back to back "
          f"(BENCH_DURATION={os.environ.get('BENCH_DURATION', 8)})")
    print(f"{'what':<30} {'1 replica /s':>12} {'2 replicas /s':>14} {'ratio':>6} {'ratio of ratios to bare RPC':>28}")
    bare = next(iter(one))   # the bare http->RPC, measured in each run: what the machine gave that run
    for name in one:
        ratio = two[name]["rate"] / one[name]["rate"]
        fair = ratio / (two[bare]["rate"] / one[bare]["rate"])
        print(f"{name:<30} {one[name]['rate']:12.1f} {two[name]['rate']:14.1f} {ratio:6.2f} "
              f"{'-' if name == bare else f'{fair:.2f}':>28}")
    print("json: " + json.dumps({"scale_out": {name: {"one": one[name]["rate"], "two": two[name]["rate"]}
                                               for name in one}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
