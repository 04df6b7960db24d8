"""Peak memory of reading an IATI document for import (gateway.iati_import: iterparse,
per-activity XSD validation, codelist and rule checks, mapping) for a generated 50 MB
document against a 5 MB one: bounded memory means the ratio stays near 1, not 10.

Each size is read in its own subprocess (a fresh interpreter) and reports its peak RSS
(ru_maxrss) growth over the interpreter after imports, and tracemalloc's peak of Python
objects; the mapped activities are dropped as they come (the RPC is not part of this).

    python bench/iati_import_memory.py            (make bench; BENCH_ONLY=iati_import_memory)
    python bench/iati_import_memory.py --quick    (1 MB against 10 MB)"""
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "services" / "gateway")]


def generate(path: Path, size: int) -> int:
    from tests.iati_documents import activity
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n'
    count = 0
    with path.open("wb") as out:
        out.write(head)
        written = len(head)
        while written < size:
            count += 1
            chunk = activity(f"XM-BENCH-{count}", "XM-BENCH", periods=8).encode() + b"\n"
            out.write(chunk)
            written += len(chunk)
        out.write(b"</iati-activities>\n")
    return count


def measure(path: str) -> None:
    """In the subprocess: read the whole document, print the figures as JSON."""
    from gateway.iati_import.mapping import to_platform
    from gateway.iati_import.reading import read_activities
    from shared.iati.schema import schema
    schema()   # loaded before the baseline: the XSD is a fixed cost, not the document's
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started, errors, count = time.perf_counter(), [], 0
    with open(path, "rb") as stream:
        for activity in read_activities(stream, errors):
            to_platform(activity.element)
            count += 1
    _, peak = tracemalloc.get_traced_memory()
    print(json.dumps({"activities": count, "errors": len(errors), "seconds": time.perf_counter() - started,
                      "rss_growth_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base,
                      "tracemalloc_peak_kb": peak // 1024}))


def main() -> int:
    quick = "--quick" in sys.argv
    small, large = (1, 10) if quick else (5, 50)
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mb in (small, large):
            path = Path(tmp) / f"doc-{mb}.xml"
            generate(path, mb * 1_000_000)
            done = subprocess.run([sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True,
                                  check=True)
            figures[mb] = json.loads(done.stdout.strip().splitlines()[-1])
            f = figures[mb]
            print(f"{mb:3d} MB: {f['activities']} activities in {f['seconds']:.1f}s, "
                  f"peak RSS +{f['rss_growth_kb']} kB, tracemalloc peak {f['tracemalloc_peak_kb']} kB", flush=True)
    rss = figures[large]["rss_growth_kb"] / max(figures[small]["rss_growth_kb"], 1)
    traced = figures[large]["tracemalloc_peak_kb"] / max(figures[small]["tracemalloc_peak_kb"], 1)
    print(f"ratio {large} MB / {small} MB ({large // small}x the bytes): peak RSS growth {rss:.2f}, "
          f"tracemalloc peak {traced:.2f}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        measure(sys.argv[2])
    else:
        sys.exit(main())
