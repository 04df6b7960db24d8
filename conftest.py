"""Root pytest configuration for every test of the platform.

eventlet must patch the standard library before anything imports socket or
threading; nameko's pytest plugin no longer does it."""
import eventlet

eventlet.monkey_patch()

from psycogreen.eventlet import patch_psycopg  # noqa: E402

patch_psycopg()

pytest_plugins = ["tests.fixtures"]
