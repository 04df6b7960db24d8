"""Failpoints for crash tests: PLATFORM_FAILPOINTS=name[,name...] makes `hit(name)`
kill the process with SIGKILL, as a power cut would, at that exact point."""
import os
import signal


def active() -> set[str]:
    return {p.strip() for p in os.environ.get("PLATFORM_FAILPOINTS", "").split(",") if p.strip()}


def hit(name: str) -> None:
    if name in active():
        os.kill(os.getpid(), signal.SIGKILL)
