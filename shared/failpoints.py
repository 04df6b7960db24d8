"""Failpoints for crash and timing tests: PLATFORM_FAILPOINTS=name[,name...] makes
`hit(name)` kill the process with SIGKILL, as a power cut would, at that exact point;
`name=sleep:SECONDS` makes it wait there instead (a service slower than its callers)."""
import functools
import os
import signal
import time


def active() -> dict[str, str]:
    return _parse(os.environ.get("PLATFORM_FAILPOINTS", ""))


@functools.lru_cache(maxsize=8)
def _parse(raw: str) -> dict[str, str]:
    """Parsed once per setting: `hit` runs several times per write (the setting may still change)."""
    points = (p.strip() for p in raw.split(","))
    return dict((p.split("=", 1) + ["kill"])[:2] for p in points if p)


def hit(name: str) -> None:
    action = active().get(name)
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action and action.startswith("sleep:"):
        time.sleep(float(action.removeprefix("sleep:")))  # green under eventlet's monkey patching
