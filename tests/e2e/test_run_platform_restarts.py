"""`make run` keeps the platform up: scripts.run_platform, run as `make run` runs it, restarts
a SIGKILLed service (its pid read from the script's log) and the gateway's /health is ok
again; SIGTERM still stops every process it started. SQLite: the database does not matter."""
import os
import re
import signal
import subprocess
import sys
import threading

import pytest
import requests

from scripts.run_platform import METRICS_PORTS, ROOT, SERVICES, platform_env
from tests.helpers import free_port, wait_until

pytestmark = [pytest.mark.broker, pytest.mark.e2e]

STARTED = re.compile(r"run_platform: started (\w+) \(pid (\d+)\)")


class Script:
    """The platform script as a process, its output collected line by line."""

    def __init__(self, env):
        self.lines: list[str] = []
        self.proc = subprocess.Popen([sys.executable, "-m", "scripts.run_platform", "--port", env["PORT"]],
                                     env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def pids(self, service):
        return [int(m[2]) for m in map(STARTED.search, self.lines) if m and m[1] == service]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) is not alive either.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(")")[-1].split()[0] != "Z"


def health(base):
    try:
        return requests.get(f"{base}/health", timeout=10).json()
    except (requests.RequestException, ValueError):
        return {}


def test_a_killed_service_is_restarted_and_sigterm_still_stops_everything(vhost_factory, tmp_path):
    amqp_uri = vhost_factory()
    port = free_port()
    env = platform_env(port, amqp_uri)
    env.update(AMQP_URI=amqp_uri, PORT=str(port), PLATFORM_VAR_DIR=str(tmp_path), RPC_DEADLINE_SECONDS="2")
    for service in SERVICES:
        env.pop(f"{service.upper()}_DATABASE_URL", None)
    for service in METRICS_PORTS:
        env[f"{service.upper()}_METRICS_PORT"] = str(free_port())
    base = f"http://127.0.0.1:{port}"
    script = Script(env)
    try:
        # Up as the script sees it: a service that dies during start-up stops the platform.
        wait_until(lambda: any(line.startswith("The platform is up") for line in script.lines), timeout=120,
                   interval=0.5, message="the platform to start")
        (doomed,) = script.pids("programmes")

        os.kill(doomed, signal.SIGKILL)
        restarted = wait_until(lambda: script.pids("programmes")[1:], timeout=30,
                               message="programmes restarted").pop()
        assert restarted != doomed and not alive(doomed)
        assert any(f"programmes (pid {doomed}) exited with code -9" in line for line in script.lines)
        wait_until(lambda: health(base) == {"status": "ok", "broker": "up", "database": "up", "services": dict.fromkeys(
            ("programmes", "grants", "metrics"), "up")}, timeout=60, interval=0.5, message="health ok again")
        assert alive(restarted)

        everyone = [pid for service in SERVICES for pid in script.pids(service)]
        script.proc.send_signal(signal.SIGTERM)
        assert script.proc.wait(30) == 0
        assert not [pid for pid in everyone if alive(pid)]
    except AssertionError:
        print("\n".join(script.lines[-60:]))
        raise
    finally:
        if script.proc.poll() is None:
            os.killpg(script.proc.pid, signal.SIGKILL)
        vhost_factory.delete(amqp_uri)
