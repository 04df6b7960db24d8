"""A private three-node RabbitMQ cluster on this machine, for the failover scenario.

Nodes `chaos-a@localhost` ... on their own AMQP and distribution ports, with their own data,
log and config directories under one temporary directory, and one Erlang cookie (a HOME of
their own). Their env file, config and plugins file are ours: the system's rabbitmq-env.conf
names the shared node, and its plugins would open a second management listener on 15672.
Every rabbitmqctl call names its node (-n): the shared node rabbit@localhost is never touched."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import free_port, wait_until

RABBIT_BIN = Path(os.environ.get("RABBITMQ_BIN", "/usr/lib/rabbitmq/bin"))  # not the wrapper in /usr/sbin: it su's
START_TIMEOUT = 90.0


@dataclass(frozen=True)
class Node:
    name: str       # chaos-a@localhost
    amqp_port: int
    dist_port: int
    base: Path


class RabbitCluster:
    def __init__(self, size: int = 3, *, prefix: str = "chaos"):
        """Ports are free ones, kept for the cluster's life (a restarted node comes back on its own)."""
        self.dir = Path(tempfile.mkdtemp(prefix="rabbit-cluster-"))
        self.nodes = [Node(f"{prefix}-{chr(ord('a') + i)}-{os.getpid()}@localhost", free_port(), free_port(),
                           self.dir / chr(ord("a") + i)) for i in range(size)]
        home = self.dir / "home"
        home.mkdir()
        cookie = home / ".erlang.cookie"
        cookie.write_text(f"CHAOSCOOKIE{os.getpid()}{int(time.time())}")
        cookie.chmod(0o400)
        self.start_seconds: list[float] = []   # how long each node start took, for the report

    def amqp_uri(self, vhost: str = "") -> str:
        """AMQP_URI listing every node (';'-separated: kombu fails over in this order)."""
        return ";".join(f"amqp://guest:guest@127.0.0.1:{n.amqp_port}/{vhost}" for n in self.nodes)

    def _env(self, node: Node) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))}
        env.update(HOME=str(self.dir / "home"), RABBITMQ_NODENAME=node.name,
                   RABBITMQ_NODE_IP_ADDRESS="127.0.0.1", RABBITMQ_NODE_PORT=str(node.amqp_port),
                   RABBITMQ_DIST_PORT=str(node.dist_port), RABBITMQ_MNESIA_BASE=str(node.base / "mnesia"),
                   RABBITMQ_LOG_BASE=str(node.base / "log"), RABBITMQ_CONFIG_FILE=str(node.base / "rabbitmq.conf"),
                   RABBITMQ_ENABLED_PLUGINS_FILE=str(node.base / "enabled_plugins"),
                   RABBITMQ_CONF_ENV_FILE=str(node.base / "rabbitmq-env.conf"),
                   RABBITMQ_ADVANCED_CONFIG_FILE=str(node.base / "advanced.config"),
                   RABBITMQ_PID_FILE=str(node.base / "pid"), ERL_EPMD_ADDRESS="127.0.0.1")
        return env

    def _prepare(self, node: Node) -> None:
        node.base.mkdir(exist_ok=True)
        (node.base / "rabbitmq-env.conf").write_text("")
        (node.base / "enabled_plugins").write_text("[].\n")
        (node.base / "advanced.config").write_text("[].\n")
        # A quick failure detector: a killed node is noticed in seconds, not minutes.
        (node.base / "rabbitmq.conf").write_text(
            "loopback_users = none\nnet_ticktime = 10\ncluster_partition_handling = pause_minority\n")

    def ctl(self, node: Node, *args: str, timeout: float = 60.0, check: bool = True) -> str:
        done = subprocess.run([str(RABBIT_BIN / "rabbitmqctl"), "-n", node.name, "-q", *args],
                              env=self._env(node), capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl -n {node.name} {' '.join(args)}: {done.stderr or done.stdout}")
        return done.stdout

    def start_node(self, node: Node) -> float:
        """Starts the node and waits until it accepts AMQP connections; returns the seconds it took."""
        self._prepare(node)
        began = time.monotonic()
        log = open(node.base / "server.out", "ab")
        subprocess.Popen([str(RABBIT_BIN / "rabbitmq-server")], env=self._env(node), stdout=log,
                         stderr=subprocess.STDOUT, start_new_session=True, cwd=node.base)
        self.ctl(node, "wait", str(node.base / "pid"), "--timeout", str(int(START_TIMEOUT)), timeout=START_TIMEOUT + 10)
        wait_until(lambda: _listening(node.amqp_port), START_TIMEOUT, 0.2, f"{node.name} taking AMQP connections")
        took = time.monotonic() - began
        self.start_seconds.append(took)
        return took

    def start(self) -> None:
        first, *others = self.nodes
        self.start_node(first)
        for node in others:
            self.start_node(node)
            self.ctl(node, "stop_app")
            self.ctl(node, "join_cluster", first.name)
            self.ctl(node, "start_app")
        self.wait_members(len(self.nodes))

    def running_nodes(self, via: Node | None = None) -> set[str]:
        """Nodes the cluster reports running, asked of `via` (default: the first that answers)."""
        for node in [via] if via else self.nodes:
            out = self.ctl(node, "eval", "rabbit_nodes:all_running().", check=False, timeout=20)
            if out.startswith("["):
                return {n.strip(" '\n[]") for n in out.split(",") if n.strip(" '\n[]")}
        return set()

    def wait_members(self, count: int, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while len(self.running_nodes()) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the cluster did not reach {count} running nodes in {timeout:.0f}s")
            time.sleep(0.5)

    def beam_pid(self, node: Node) -> int:
        return int((node.base / "pid").read_text().strip())

    def kill(self, node: Node) -> None:
        """SIGKILL the node's Erlang VM: no goodbye to its peers or its clients."""
        os.kill(self.beam_pid(node), signal.SIGKILL)
        wait_until(lambda: not _listening(node.amqp_port), 10.0, 0.1, f"{node.name} gone")

    def restart(self, node: Node) -> float:
        """Starts a killed node again (same data: it rejoins) and waits until the cluster has it."""
        (node.base / "pid").unlink(missing_ok=True)
        took = self.start_node(node)
        self.wait_members(len(self.nodes))
        return took

    def queues(self, vhost: str = "/") -> list[dict[str, str | int]]:
        """Each queue: name, type, leader, replicas (members), consumers and messages ready."""
        for node in self.nodes:
            out = self.ctl(node, "list_queues", "-p", vhost, "name", "type", "leader", "members", "consumers",
                           "messages_ready", "--no-table-headers", check=False, timeout=30)
            if out.strip():
                rows = [line.split("\t") for line in out.splitlines()]
                return [{"name": name, "type": kind, "leader": leader, "replicas": members.count("@"),
                         "consumers": int(consumers), "ready": int(ready)}
                        for name, kind, leader, members, consumers, ready in rows]
        return []

    def stop(self) -> None:
        """Every node killed (a graceful stop of a cluster takes a minute) and the directory deleted."""
        for node in self.nodes:
            try:
                os.kill(self.beam_pid(node), signal.SIGKILL)
            except (OSError, ValueError):
                pass  # not running
        shutil.rmtree(self.dir, ignore_errors=True)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False
