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
