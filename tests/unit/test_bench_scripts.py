"""The benchmarks in bench/ run (speed is measured there, never asserted): each database benchmark
at a tiny scale on SQLite, so a change to the handlers they drive cannot leave them broken."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("script", "env", "summary"), [
    ("programmes_list.py", {"BENCH_PROGRAMMES": "120", "BENCH_RESULTS": "300", "BENCH_BACKENDS": "sqlite",
                            "BENCH_RUNS": "1"}, "ALL 21 queries x 1 runs"),
    ("metrics_events.py", {"BENCH_METRICS_SIZES": "100", "BENCH_METRICS_EVENTS": "20",
                           "BENCH_METRICS_BACKENDS": "sqlite"}, 'json: [{"backend": "sqlite"'),
    ("iati_export.py", {"BENCH_IATI_ACTIVITIES": "3"}, '"activities": 30'),
])
def test_a_benchmark_runs_at_a_tiny_scale(script, env, summary, tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script)], cwd=ROOT, capture_output=True,
                          text=True, timeout=240, env={**os.environ, **env, "TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert summary in done.stdout


def test_make_bench_runs_the_writes_on_both_backends_and_quick_leaves_the_full_only_figures_out():
    from bench import run
    scripts = [ROOT / "bench" / f"{name}.py" for name in ("gateway_writes", "scale_out", "memory")]
    full = [(s.stem, label, extra) for s, label, extra in run.plan(scripts, False, 2)]
    assert [label for _, label, _ in full] == ["gateway_writes (run 1)", "gateway_writes (run 2)",
                                               "gateway_writes (PostgreSQL)", "scale_out", "memory"]
    assert full[2][2] == {"BENCH_WRITES_BACKEND": "postgres"}
    assert [label for _, label, _ in run.plan(scripts, True, 1)] == ["gateway_writes (run 1)", "scale_out", "memory"]
    assert run.FULL_ONLY == {"scale_out"}


def test_the_write_table_takes_medians_and_same_run_ratios_per_backend():
    from bench import run

    def one(backend, bare, create):
        return {"backend": backend, "freshness": {"p50": 0.04, "p99": 0.1},
                "writes": {"bare": {"rate": bare, "p50": 0.01, "p99": 0.02},
                           "create": {"rate": create, "p50": 0.1, "p99": 0.3}}}
    table = run.write_medians([one("sqlite", 100, 10), one("sqlite", 200, 40), one("sqlite", 300, 30),
                               one("postgres", 100, 50)])
    sqlite, postgres = table.split("### postgres")
    assert "| create | 30.0 | 0.10 | 100 | 300 |" in sqlite       # median rate 30; median ratio of 0.1, 0.2, 0.1
    assert "| create | 50.0 | 0.50 |" in postgres and "Medians of 1 run(s)" in postgres
