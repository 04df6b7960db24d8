"""A private RabbitMQ cluster on this machine, for the `cluster` chaos scenario: `size` nodes
`chaos-a-<id>@localhost`, `-b-`, ... each a chaos/rabbit_node.py node (its own AMQP and
distribution ports, data, logs and config under one directory, never the system's
/etc/rabbitmq), sharing one Erlang cookie; the second and later join the first. Every
rabbitmqctl call names its node (-n): the shared node rabbit@localhost is never touched."""
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from chaos.rabbit_node import RabbitNode
from tests.helpers import free_port, wait_until

START_TIMEOUT = 90.0
# A quick failure detector: a killed node is noticed by its peers in seconds, not minutes.
CONF = "net_ticktime = 10\ncluster_partition_handling = pause_minority\n"


class RabbitCluster:
    def __init__(self, size: int = 3, work_dir: Path | None = None, prefix: str = "chaos"):
        """Ports are free ones, kept for the cluster's life (a restarted node comes back on its own)."""
        self.dir = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="rabbit-cluster-"))
        run, cookie = uuid.uuid4().hex[:6], f"CHAOSCLUSTER{os.getpid()}{uuid.uuid4().hex}"
        self.nodes = [RabbitNode(f"{prefix}-{letter}-{run}", free_port(), free_port(), self.dir / letter, cookie,
                                 conf=CONF) for letter in "abcdefghi"[:size]]
        self.start_seconds: list[float] = []   # how long each node start took, for the notes

    def amqp_uri(self, vhost: str = "") -> str:
        """AMQP_URI listing every node (';'-separated: kombu fails over in this order)."""
        return ";".join(f"amqp://guest:guest@127.0.0.1:{n.port}/{vhost}" for n in self.nodes)

    def start_node(self, node: RabbitNode) -> float:
        """Starts the node and waits until it accepts AMQP connections; returns the seconds it took."""
        node.start()
        took = node.wait_ready(START_TIMEOUT)
        self.start_seconds.append(took)
        return took

    def start(self) -> "RabbitCluster":
        first, *others = self.nodes
        self.start_node(first)
        for node in others:
            self.start_node(node)
            node.stop_app()
            node.ctl("join_cluster", first.node)
            node.start_app()
        self.wait_members(len(self.nodes))
        return self

    def running_nodes(self) -> set[str]:
        """Nodes the cluster reports running, asked of the first node that answers."""
        for node in self.nodes:
            out = node.ctl("-q", "eval", "rabbit_nodes:all_running().", check=False, timeout=20).stdout
            if out.startswith("["):
                return {n.strip(" '\n[]") for n in out.split(",") if n.strip(" '\n[]")}
        return set()

    def wait_members(self, count: int, timeout: float = START_TIMEOUT) -> None:
        wait_until(lambda: len(self.running_nodes()) >= count, timeout, 0.5, f"{count} running cluster nodes")

    def kill(self, node: RabbitNode) -> None:
        """SIGKILL of the node's Erlang VM (no goodbye to its peers or clients), until its port refuses."""
        node.kill()
        wait_until(lambda: not node.answers(0.5), 10.0, 0.1, f"{node.node} gone")

    def restart(self, node: RabbitNode) -> float:
        """Starts a killed node again (same data: it rejoins) and waits until the cluster has it."""
        took = self.start_node(node)
        self.wait_members(len(self.nodes))
        return took

    def queues(self, vhost: str = "/") -> list[dict[str, str | int]]:
        """Each queue: name, type, leader, replicas (members), consumers and messages ready."""
        for node in self.nodes:
            out = node.ctl("-q", "list_queues", "-p", vhost, "name", "type", "leader", "members", "consumers",
                           "messages_ready", "--no-table-headers", check=False, timeout=30).stdout
            if out.strip():
                rows = [line.split("\t") for line in out.splitlines()]
                return [{"name": name, "type": kind, "leader": leader, "replicas": members.count("@"),
                         "consumers": int(consumers), "ready": int(ready)}
                        for name, kind, leader, members, consumers, ready in rows]
        return []

    def stop(self) -> None:
        """Every node killed (a graceful stop of a cluster takes a minute) and the directory deleted."""
        for node in self.nodes:
            node.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
