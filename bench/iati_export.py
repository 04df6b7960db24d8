"""Benchmark: the IATI export's memory does not grow with the number of activities.

Streams N and then 10N generated activities (each with cities, sectors, tags, a budget over
three years, two transactions, an indicator with approved values and disaggregations)
through the export's own writer (gateway.iati.activity.build and gateway.iati.document.stream,
what GET /v1/iati/activities.xml runs between its RPC pages) into a sink that counts bytes,
and measures each run, in a process of its own, by its peak Python memory (tracemalloc) and
the growth of its peak resident set while streaming (ru_maxrss, which also counts libxml2's
own allocations). Pure: no services, no database.

    .venv/bin/python bench/iati_export.py                 (or `make bench`)
    BENCH_IATI_ACTIVITIES=200 ...                         a smaller N (default 1000)

Prints bytes written, peak memory and time per run and the ratios 10N/N (the aim: ~1,
i.e. bounded), with the machine and the command. Speed is measured, not asserted."""
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "services" / "gateway")]

from gateway.iati import activity, document  # noqa: E402

N = int(os.environ.get("BENCH_IATI_ACTIVITIES", 1000))
ORG = {"ref": "XM-BENCH-1", "name": "Bench partner", "type": "21"}
PLATFORM = {"ref": "XI-IATI-UPP", "name": "Urban partnership platform", "type": "40"}
PERIOD = {"start": "2020-01-01", "end": "2020-12-31"}


def programme(i: int) -> dict:
    return {
        "id": f"p{i}", "iati_identifier": f"XM-BENCH-1-{i}", "title": f"Programme {i}", "description": "Cities",
        "reporting_org": ORG, "status_code": "2", "parent_id": None, "created_at": "2019-01-01T00:00:00+00:00",
        "updated_at": "2020-05-01T10:00:00+00:00", "countries": ["UG", "KE"],
        "cities": [{"id": f"c{i}-{n}", "name": f"City {n}", "country": "UG", "latitude": "0.42", "longitude": "33.2"}
                   for n in range(3)],
        "sectors": [{"code": "43030", "percentage": None}, {"code": "15150", "percentage": None}],
        "sdg_goals": ["11"], "sdg_targets": ["11.1"], "policy_markers": [{"code": "1", "significance": 1}],
        "participating_orgs": [{"ref": "XM-DAC-41114", "name": "UNDP", "role_code": "1", "type": "40"}],
        "budget": {"amount": "1000000.00", "currency": "USD"},
        "dates": {"planned_start": "2019-07-01", "planned_end": "2021-06-30"}, "children": [],
        "indicators": [{"code": "people_reached", "title": "People reached", "measure_code": "1", "ascending": True,
                        "reach": "direct", "baseline": {"year": 2019, "value": "0"},
                        "targets": [{"period": PERIOD, "value": "5000"}]}],
    }


RESULTS = [{"indicator": "people_reached", "period": PERIOD, "value": "1200",
            "disaggregations": {"sex": {"female": "700", "male": "500"}}}] * 3
TRANSACTIONS = [{"type": t, "date": "2020-02-01", "amount": "40000.00", "currency": "USD", "provider": PLATFORM,
                 "receiver": {"ref": None, "name": "Jinja Municipal Council"}} for t in ("2", "3")]


def run(count: int) -> dict:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    elements = (activity.build(programme(i), results=RESULTS, transactions=TRANSACTIONS, parent_ref=None,
                               today=date(2026, 1, 1)) for i in range(count))
    tracemalloc.start()
    started = time.perf_counter()
    written = sum(len(chunk) for chunk in document.stream("iati-activities", elements))
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return {"activities": count, "bytes": written, "peak_kib": round(peak / 1024, 1), "rss_growth_kib": rss_growth,
            "seconds": round(seconds, 2)}


def in_own_process(count: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--one", str(count)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(run(int(sys.argv[2]))))
        return
    print(f"machine: {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"command: {' '.join(sys.argv)} (BENCH_IATI_ACTIVITIES={N})")
    small, large = in_own_process(N), in_own_process(10 * N)
    for r in (small, large):
        print(f"{r['activities']:>8} activities  {r['bytes'] / 1e6:8.1f} MB written  Python peak {r['peak_kib']:8.1f} "
              f"KiB  RSS growth {r['rss_growth_kib']:6d} KiB  {r['seconds']:6.2f} s")
    ratio = round(large["peak_kib"] / small["peak_kib"], 2)
    print(f"Python peak memory ratio 10N/N: {ratio}; RSS growth {small['rss_growth_kib']} -> "
          f"{large['rss_growth_kib']} KiB")
    print("json: " + json.dumps({"runs": [small, large], "ratio": ratio}))


if __name__ == "__main__":
    main()
