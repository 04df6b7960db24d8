"""The shipped plans without their reporting calendar, for what enters figures into their long
closed periods as if they were current: the tests (conftest.py), chaos' and the benchmarks' load.
The shipped 2018-2021 plan locks each period 90 days after it ends (`reporting.grace_days`,
docs/programmes.md "Periods and locks"), so by today every one of its periods is locked; tests of
the locks state their own plan (PLAN_FILES)."""
import os
from pathlib import Path

import yaml

from shared.plan import PLANS_DIR


def open_plan_files(directory: Path) -> str:
    """PLAN_FILES (os.pathsep-separated) of copies of the shipped plans in `directory`, each as
    shipped but for `reporting.grace_days`."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for shipped in sorted(PLANS_DIR.glob("*.yaml")):
        plan = yaml.safe_load(shipped.read_text(encoding="utf-8"))
        plan.get("reporting", {}).pop("grace_days", None)
        paths.append(directory / shipped.name)
        paths[-1].write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return os.pathsep.join(map(str, paths))
