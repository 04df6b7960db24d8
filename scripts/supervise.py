"""Keep `make run`'s service processes up: one that exits unexpectedly is started again
after a back-off (1 s, 2 s, 4 s ... at most 30 s), which starts over at 1 s once the
process has stayed up for a minute. Each exit and restart is logged on stderr, with the
new pid. A laptop's stand-in for a process manager (systemd, Kubernetes): those restart
with back-off the same way in production (docs/reliability.md)."""
import subprocess
import sys
import time
from collections.abc import Callable

FIRST_DELAY = 1.0
MAX_DELAY = 30.0
RESET_AFTER = 60.0


def backoff(failures: int) -> float:
    """The delay before restart number `failures + 1` in a row."""
    return min(FIRST_DELAY * 2 ** failures, MAX_DELAY)


def say(text: str) -> None:
    print(f"run_platform: {text}", file=sys.stderr, flush=True)


class Supervised:
    """One service's process; `check(now)` restarts it when it is due."""

    def __init__(self, name: str, start: Callable[[], subprocess.Popen], now: float) -> None:
        self.name, self._start = name, start
        self.failures = 0                     # exits in a row without a minute up in between
        self.restart_at: float | None = None  # set while waiting out a back-off
        self._launch(now)

    def _launch(self, now: float) -> None:
        self.proc = self._start()
        self.started_at = now
        say(f"started {self.name} (pid {self.proc.pid})")

    def check(self, now: float) -> None:
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restart_at = None
                self._launch(now)
            return
        code = self.proc.poll()
        if code is None:
            return
        if now - self.started_at >= RESET_AFTER:
            self.failures = 0
        delay = backoff(self.failures)
        self.failures += 1
        self.restart_at = now + delay
        say(f"{self.name} (pid {self.proc.pid}) exited with code {code} after {now - self.started_at:.0f}s; "
            f"restarting in {delay:g}s")


def supervise(services: list[Supervised], interval: float = 0.5,
              clock: Callable[[], float] = time.monotonic) -> None:
    """Check every service each `interval` seconds, for ever (a signal handler ends it)."""
    while True:
        now = clock()
        for service in services:
            service.check(now)
        time.sleep(interval)
