"""`make bench`: run every benchmark script in bench/ (not part of `make test`).

Each script prints its own figures; this runner prints the machine first so the
figures can be quoted with it. BENCH_ONLY=name[,name] runs a subset."""
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node()}: {os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def main() -> int:
    only = {n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()}
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in ("run.py", "__init__.py")
                     and not p.name.startswith("_") and (not only or p.stem in only))
    print(f"machine: {machine()}\ncommand: make bench ({' '.join(sys.argv)})\n", flush=True)
    failed = 0
    for script in scripts:
        print(f"== {script.name}", flush=True)
        failed += subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
