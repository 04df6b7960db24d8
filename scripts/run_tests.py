"""`make test`: the suite as three pytest processes side by side, each with its own vhosts and
databases. The suite waits (on processes, the broker, timeouts) more than it computes, so on
2 cores three processes finish in about the time of the longest group instead of the sum.
Each group's output is printed when all are done; the exit status is non-zero if any failed.
TEST_SERIAL=1 runs one process over everything."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROUPS = {  # balanced by their time on 2 cores (about 9, 8 and 5 minutes alone)
    "end-to-end": ["tests/e2e"],
    "services and backbone": ["services", "tests/backbone"],
    "gateway, metrics and unit": ["tests", "--ignore=tests/e2e", "--ignore=tests/backbone"],
}


def main() -> int:
    pytest = [sys.executable, "-m", "pytest", "-q", "-ra"]
    if os.environ.get("TEST_SERIAL") == "1":
        return subprocess.call(pytest, cwd=ROOT)
    logs, running = {}, {}
    with tempfile.TemporaryDirectory(prefix="tests-") as tmp:
        for name, args in GROUPS.items():
            logs[name] = open(Path(tmp) / f"{len(logs)}.log", "w+")
            running[name] = subprocess.Popen(pytest + args, cwd=ROOT, stdout=logs[name], stderr=subprocess.STDOUT)
        print(f"running {len(GROUPS)} pytest processes: {', '.join(GROUPS)}", flush=True)
        statuses = {name: proc.wait() for name, proc in running.items()}
        for name, log in logs.items():
            log.seek(0)
            print(f"\n===== {name} ({' '.join(GROUPS[name])}): exit status {statuses[name]} =====", flush=True)
            sys.stdout.write(log.read())
            log.close()
    print("\n" + ", ".join(f"{name}: {status}" for name, status in statuses.items()), flush=True)
    return 0 if not any(statuses.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
