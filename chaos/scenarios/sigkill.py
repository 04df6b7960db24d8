"""SIGKILL of programmes, metrics and grants in turn, under load: a service dies between any
two instructions (commit and publish, handle and acknowledge) and the supervisor restarts it."""
import signal
import time

from chaos.scenarios import QUICK_PLATFORM, Faults, one

TITLE = "SIGKILL of programmes, metrics and grants in turn, under load"
PROVES = ("a service killed at any point loses nothing and counts nothing twice: the outbox publishes "
          "after the restart, the inbox drops redelivered events, idempotent retries get what was done")
BACKENDS = ("sqlite", "postgresql")
TARGETS = ("programmes", "metrics", "grants")


def platform(quick: bool) -> dict:
    return dict(QUICK_PLATFORM) if quick else {}


def inject(p, load, quick: bool) -> Faults:
    kills, span = (4, 12.0) if quick else (8, 30.0)
    for k in range(kills):
        name = one(p, TARGETS[k % len(TARGETS)])
        deadline = time.monotonic() + 30
        while not p.running(name) and time.monotonic() < deadline:  # kill a live process, not a back-off
            time.sleep(0.1)
        p.signal(name, signal.SIGKILL)
        time.sleep(span / kills)
    return Faults(f"{kills} SIGKILLs in {span:.0f} s ({', '.join(TARGETS)} in turn)", kills, time.monotonic())
