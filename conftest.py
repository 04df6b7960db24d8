"""Root pytest configuration for every test of the platform.

eventlet must patch the standard library before anything imports socket or
threading; nameko's pytest plugin no longer does it."""
import eventlet

eventlet.monkey_patch()

from psycogreen.eventlet import patch_psycopg  # noqa: E402

patch_psycopg()

pytest_plugins = ["tests.fixtures"]


def pytest_configure(config):
    """Tests enter figures into the shipped plan's periods (2018-2021), which its calendar has long
    locked: they run with the shipped plans less `grace_days` (scripts/plans.py) unless PLAN_FILES
    names plans; tests of the locks set their own."""
    import os
    import tempfile
    from pathlib import Path

    from scripts.plans import open_plan_files

    if not os.environ.get("PLAN_FILES"):
        os.environ["PLAN_FILES"] = open_plan_files(Path(tempfile.mkdtemp(prefix="open-plans-")))
