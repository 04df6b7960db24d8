"""A private RabbitMQ node for chaos runs, never the shared broker on 5672: its own node
name, AMQP and distribution ports, data, logs, configuration and plugin list under one
directory (the system's /etc/rabbitmq is not read: it names the shared node and its port).

    node = RabbitNode("chaos-5700", 5700, 25700, Path("/tmp/chaos/rabbit"))
    node.start(); node.wait_ready(); node.stop_app(); node.start_app(); node.kill(); node.stop()

Cluster nodes (chaos/cluster.py) share an Erlang cookie: pass the same `cookie` to each (written
to the HOME the node and its rabbitmqctl calls run with), and `conf` adds rabbitmq.conf lines.
`ctl()` runs any other rabbitmqctl command."""
import os
import signal
import subprocess
import time
from pathlib import Path

from kombu import Connection

SBIN = Path("/usr/lib/rabbitmq/bin")
DEFAULT_COOKIE = "PLATFORMCHAOSCOOKIE"


class RabbitNode:
    def __init__(self, name: str, port: int, dist_port: int, data_dir: Path, cookie: str = DEFAULT_COOKIE,
                 host: str = "localhost", conf: str = ""):
        self.node = f"{name}@{host}"
        self.port, self.dist_port, self.dir = port, dist_port, Path(data_dir)
        self.cookie, self.conf = cookie, conf
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:{port}/"

    def env(self) -> dict:
        d = self.dir
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        return dict(
            inherited, HOME=str(d), RABBITMQ_NODENAME=self.node, RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port), RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(d / "mnesia"), RABBITMQ_LOG_BASE=str(d / "log"),
            RABBITMQ_PID_FILE=str(d / "node.pid"), RABBITMQ_CONFIG_FILE=str(d / "rabbitmq.conf"),
            RABBITMQ_CONF_ENV_FILE=str(d / "rabbitmq-env.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(d / "enabled_plugins"),
            RABBITMQ_ADVANCED_CONFIG_FILE=str(d / "advanced.config"), ERL_EPMD_ADDRESS="127.0.0.1")

    def _write_config(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "log").mkdir(exist_ok=True)
        (self.dir / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.port}\nloopback_users = none\n{self.conf}")
        (self.dir / "rabbitmq-env.conf").write_text("")   # nothing from /etc/rabbitmq/rabbitmq-env.conf
        (self.dir / "enabled_plugins").write_text("[].\n")  # no management listener on 15672
        (self.dir / "advanced.config").write_text("[].\n")
        cookie = self.dir / ".erlang.cookie"
        if not cookie.exists():
            cookie.write_text(self.cookie)
            cookie.chmod(0o400)

    def start(self) -> None:
        """Starts the node detached (returns at once; `wait_ready` for it to accept connections)."""
        self._write_config()
        (self.dir / "node.pid").unlink(missing_ok=True)   # a killed node's: `kill` must find the new one
        subprocess.run([str(SBIN / "rabbitmq-server"), "-detached"], env=self.env(), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ctl(self, *args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([str(SBIN / "rabbitmqctl"), "-n", self.node, *args], env=self.env(),
                              capture_output=True, text=True, timeout=timeout, check=check)

    def answers(self, timeout: float = 1.0) -> bool:
        try:
            with Connection(self.amqp_uri, connect_timeout=timeout) as conn:
                conn.ensure_connection(max_retries=1, timeout=timeout)
            return True
        except Exception:
            return False

    def wait_ready(self, timeout: float = 90) -> float:
        """Seconds until the node accepts AMQP connections; raises after `timeout`."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            if self.answers():
                return time.monotonic() - began
            time.sleep(0.2)
        raise RuntimeError(f"RabbitMQ node {self.node} not ready on port {self.port} after {timeout:.0f}s "
                           f"(logs in {self.dir / 'log'})")

    def stop_app(self) -> None:
        """The node stays up, the RabbitMQ application stops: connections are closed, ports refuse."""
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")

    def pid(self) -> int | None:
        try:
            return int((self.dir / "node.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def kill(self) -> None:
        """SIGKILL of the node's Erlang VM: no goodbye to clients or peers."""
        pid = self.pid()
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        """Stops the whole node (the Erlang VM too); kills it if it does not stop in 60 s."""
        try:
            self.ctl("stop", timeout=60)
        except (subprocess.SubprocessError, OSError):
            self.kill()
