"""Failpoints for crash and timing tests: PLATFORM_FAILPOINTS=name[,name...] makes
`hit(name)` kill the process with SIGKILL, as a power cut would, at that exact point;
`name=sleep:SECONDS` makes it wait there instead (a service slower than its callers)."""
import os
import signal
import time


def active() -> dict[str, str]:
    points = (p.strip() for p in os.environ.get("PLATFORM_FAILPOINTS", "").split(","))
    return dict((p.split("=", 1) + ["kill"])[:2] for p in points if p)


def hit(name: str) -> None:
    action = active().get(name)
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action and action.startswith("sleep:"):
        time.sleep(float(action.removeprefix("sleep:")))  # green under eventlet's monkey patching
