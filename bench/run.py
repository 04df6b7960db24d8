"""`make bench`: run every benchmark script in bench/ (not part of `make test`) and write
docs/benchmarks.md: the machine, the command, each script's figures and, for the write path,
the medians over BENCH_REPEAT runs (ratios taken within each run, then their median).

    python bench/run.py            every figure at full size (long: the 1M-row loads)
    python bench/run.py --quick    small sizes and short rounds, under 5 minutes (`make bench-quick`)
    BENCH_ONLY=name[,name]         a subset; BENCH_REPEAT (3; quick 1) runs of gateway_writes on SQLite
                                   (and, full only, one on PostgreSQL)
Full only: scale_out (figure 8), metrics_events on PostgreSQL too, the 1M-row sizes (figures 5, 6
and 7: on the shared 2 cores the 1M loads alone took 3-14 min each, and memory's 100,000 events at
~60/s near half an hour: budget an hour or more for `make bench`).

Everything in docs/benchmarks.md below the HAND_WRITTEN marker (the profile, the analysis) is
kept as it is; the part above it is replaced by each run."""
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).parent
DOC = HERE.parent / "docs" / "benchmarks.md"
HAND_WRITTEN = "<!-- written by hand below: bench/run.py keeps everything after this line -->"
# Small sizes for --quick: each script's own knobs (see its docstring).
QUICK_ENV = {"BENCH_DURATION": "4", "BENCH_WARMUP": "1", "BENCH_ROUNDS": "1", "BENCH_FRESHNESS": "15",
             "BENCH_METRICS_SIZES": "1000,10000", "BENCH_METRICS_EVENTS": "400", "BENCH_PROGRAMMES": "5000",
             "BENCH_RESULTS": "20000", "BENCH_BACKENDS": "sqlite", "BENCH_RUNS": "10",
             "BENCH_IATI_ACTIVITIES": "200", "BENCH_MEMORY_RESULTS": "20000", "BENCH_MEMORY_EVENTS": "1500"}
QUICK_ARGS = {"iati_import_memory": ["--quick"]}
FULL_ENV = {"BENCH_METRICS_BACKENDS": "sqlite,postgres"}
FULL_ONLY = {"scale_out"}


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", load average %.1f %.1f %.1f" % os.getloadavg() if hasattr(os, "getloadavg") else ""
    return f"{platform.node()}: {os.cpu_count()} cores, {model}, Python {platform.python_version()}{load}"


def run_script(script: Path, quick: bool, extra: dict) -> tuple[int, str, float, list]:
    env = dict(os.environ, **(QUICK_ENV if quick else FULL_ENV), **extra)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(script), *(QUICK_ARGS.get(script.stem, []) if quick else [])],
                          cwd=HERE.parent, env=env, capture_output=True, text=True)
    out = "\n".join(line for line in proc.stdout.splitlines()
                    if not line.startswith("json:") and not line.endswith("database at head"))
    print(proc.stdout, end="", flush=True)
    if proc.returncode:
        print(proc.stderr[-3000:], file=sys.stderr)
    return proc.returncode, out if not proc.returncode else out + "\n" + proc.stderr[-1500:], \
        time.monotonic() - started, [json.loads(line[5:]) for line in proc.stdout.splitlines()
                                      if line.startswith("json:")]


def write_medians(runs: list) -> str:
    """The write path's table, per backend: the median over runs of each rate, latency and ratio."""
    by_backend: dict = {}
    for run in runs:
        by_backend.setdefault(run.get("backend", "sqlite"), []).append(run)
    return "\n".join(f"### {backend}\n\n{_medians(mine)}" for backend, mine in by_backend.items())


def _medians(runs: list) -> str:
    names = list(runs[0]["writes"])
    bare = names[0]
    lines = ["| what | per second | ratio to bare http->RPC (same run) | p50 ms | p99 ms |", "|---|---|---|---|---|"]
    for name in names:
        med = {k: statistics.median(r["writes"][name][k] for r in runs) for k in ("rate", "p50", "p99")}
        ratio = statistics.median(r["writes"][name]["rate"] / r["writes"][bare]["rate"] for r in runs)
        lines.append(f"| {name} | {med['rate']:.1f} | {'-' if name == bare else f'{ratio:.2f}'} | "
                     f"{med['p50'] * 1000:.0f} | {med['p99'] * 1000:.0f} |")
    fresh = {k: statistics.median(r["freshness"][k] for r in runs) for k in ("p50", "p99")}
    lines.append(f"\nFreshness (approval answered -> visible in GET /v1/objective/progress, approvals at half the "
                 f"measured approval rate): p50 {fresh['p50'] * 1000:.0f} ms, p99 {fresh['p99'] * 1000:.0f} ms "
                 f"(aim: p50 < 50 ms, p99 < 150 ms). Medians of {len(runs)} run(s).")
    return "\n".join(lines) + "\n"


def plan(scripts: list, quick: bool, repeat: int) -> list:
    """(script, label, extra environment) of each run: gateway_writes `repeat` times on SQLite,
    and (full) once on PostgreSQL."""
    runs = []
    for script in scripts:
        if script.stem != "gateway_writes":
            runs.append((script, script.stem, {}))
            continue
        runs += [(script, f"gateway_writes (run {n + 1})", {}) for n in range(repeat)]
        if not quick:
            runs.append((script, "gateway_writes (PostgreSQL)", {"BENCH_WRITES_BACKEND": "postgres"}))
    return runs


def main() -> int:
    quick = "--quick" in sys.argv
    only = {n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()}
    repeat = int(os.environ.get("BENCH_REPEAT", 1 if quick else 3))
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in ("run.py", "__init__.py")
                     and not p.name.startswith("_") and (not only or p.stem in only))
    command = "make bench-quick" if quick else "make bench"
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"machine: {machine()}\ncommand: {command} ({' '.join(sys.argv)})\n", flush=True)
    failed, sections, writes = 0, [], []
    for script, label, extra in plan(scripts, quick, repeat):
        if quick and script.stem in FULL_ONLY:
            sections.append(f"### {label} — full `make bench` only\n")
            continue
        print(f"== {label}", flush=True)
        code, out, seconds, data = run_script(script, quick, extra)
        failed += code != 0
        writes += [d for d in data if "writes" in d and d.get("replicas", 1) == 1]
        sections.append(f"### {label} — {seconds:.0f} s{' — FAILED' if code else ''}\n\n```\n{out.strip()}\n```\n")
    kept = DOC.read_text().split(HAND_WRITTEN, 1)[1] if DOC.exists() and HAND_WRITTEN in DOC.read_text() else "\n"
    DOC.write_text(
        f"# Benchmarks\n\nWritten by `{command}` (bench/run.py) on {started}.\n\n"
        f"- machine: {machine()}\n- command: `{command}`"
        f"{' (small sizes and short rounds: see QUICK_ENV in bench/run.py)' if quick else ''}\n"
        "- the machine is shared: other engineers' test suites run on the same 2 cores, so absolute rates move "
        "from run to run; the ratios are taken within one run, against a baseline measured minutes apart.\n\n"
        + (f"## The write path and the RPC read (medians)\n\n{write_medians(writes)}\n" if writes else "")
        + "## Every script's output\n\n" + "\n".join(sections) + "\n" + HAND_WRITTEN + kept)
    print(f"wrote {DOC}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
