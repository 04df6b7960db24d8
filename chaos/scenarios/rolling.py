"""A rolling restart under load: each service in turn gets SIGTERM (nameko finishes its running
workers), is started again by the supervisor, and the next goes once /health is ok again."""
import signal
import time

from chaos.scenarios import Faults, one
from scripts.run_platform import SERVICES, wait_for_http

TITLE = "rolling restart: SIGTERM each service in turn, start it, wait for /health"
PROVES = "a release rolled one service at a time loses nothing, and answers no 5xx beyond the documented 503/504"
BACKENDS = ("sqlite", "postgresql")


def platform(quick: bool) -> dict:
    return {}


def inject(p, load, quick: bool) -> Faults:
    for service in SERVICES:
        name = one(p, service)
        p.signal(name, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while not p.running(name) and time.monotonic() < deadline:
            time.sleep(0.1)
        wait_for_http(f"{p.bases[0]}/health", timeout=60)
        time.sleep(2)
    return Faults(f"{len(SERVICES)} restarts ({', '.join(SERVICES)})", len(SERVICES), time.monotonic())
