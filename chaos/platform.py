"""The platform under test, as `make run` starts it (scripts/run_platform.py): one process per
service (or `replicas` of each, gateways on their own ports), each restarted with back-off when
it dies (scripts/supervise.py). Every service reaches the broker, and on PostgreSQL its
database, through a TCP proxy of its own (tests/backbone/tcp_proxy.py), so faults can be put
between one service and a backend or between all of them and it.

Nothing shared is touched: a vhost of its own on the shared broker (or a private RabbitMQ node,
chaos/rabbit_node.py, or a private cluster of `cluster` nodes, chaos/cluster.py: AMQP_URI then
lists the nodes, reached without proxies), SQLite files in a temporary directory or PostgreSQL
databases of its own, all removed by `stop()`."""
import os
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlparse, urlunparse

from chaos.cluster import RabbitCluster
from chaos.rabbit_node import RabbitNode
from scripts.plans import open_plan_files
from scripts.run_platform import METRICS_PORTS, SERVICES, platform_env, start_service, stop, wait_for_http
from scripts.supervise import Supervised
from shared.migrations import upgrade
from tests.backbone.tcp_proxy import HalfOpenProxy
from tests.fixtures import BROKER_URI, POSTGRES_ADMIN_URL, _Vhosts, postgres_admin
from tests.helpers import free_port

ADMIN_KEY = "chaos-admin-key-0123456789abcdefghijklmnop"


class Platform:
    def __init__(self, backend: str, work_dir: Path, replicas: int = 1, private_broker: bool = False,
                 cluster: int = 0):
        assert backend in ("sqlite", "postgresql")
        self.backend, self.dir, self.replicas, self.private = backend, Path(work_dir), replicas, private_broker
        self.node: RabbitNode | None = None
        self.cluster = RabbitCluster(cluster, self.dir / "rabbit") if cluster else None
        self.broker_proxies: dict[str, HalfOpenProxy] = {}
        self.db_proxies: dict[str, HalfOpenProxy] = {}
        self.database_urls: dict[str, str] = {}   # direct (not proxied): for the checker's reads
        self.processes: dict[str, Supervised] = {}
        self.ports: list[int] = []
        self._vhosts, self._vhost, self._watching = None, None, False

    # --- the backends ------------------------------------------------------------------------
    def _broker(self) -> str:
        if self.cluster:
            return self.cluster.start().amqp_uri()
        if self.private:
            port = free_port()
            self.node = RabbitNode(f"chaos-{port}", port, free_port(), self.dir / "rabbit")
            self.node.start()
            self.node.wait_ready()
            return self.node.amqp_uri
        self._vhosts, self._vhost = _Vhosts(), f"test-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._vhosts.add(self._vhost)   # named like the tests' vhosts: swept if this run is killed
        return urlunparse(urlparse(BROKER_URI)._replace(path="/" + quote(self._vhost, safe="")))

    def _databases(self) -> None:
        for service in SERVICES:
            if self.backend == "sqlite":
                url = f"sqlite:///{self.dir / (service + '.sqlite3')}"
            else:
                name = f"chaos_{uuid.uuid4().hex[:10]}_{service}"
                postgres_admin(f'CREATE DATABASE "{name}"')
                url = urlunparse(urlparse(POSTGRES_ADMIN_URL)._replace(path="/" + name))
            upgrade(service, url)
            self.database_urls[service] = url

    @staticmethod
    def _proxied(url: str, proxy: HalfOpenProxy) -> str:
        parts = urlparse(url)
        return urlunparse(parts._replace(netloc=parts.netloc.replace(f"{parts.hostname}:{parts.port or 5432}",
                                                                     f"127.0.0.1:{proxy.port}")))

    # --- the processes -----------------------------------------------------------------------
    def start(self) -> "Platform":
        self.dir.mkdir(parents=True, exist_ok=True)
        amqp = self.amqp_uri = self._broker()
        self._databases()
        self.ports = [free_port() for _ in range(self.replicas)]
        base_env = platform_env(self.ports[0], amqp)
        base_env.update(AMQP_URI=amqp, PLATFORM_VAR_DIR=str(self.dir), OUTBOX_RELAY_INTERVAL="0.5",
                        RPC_DEADLINE_SECONDS="5", PLATFORM_ADMIN_KEY=ADMIN_KEY, RATE_LIMIT_PER_MINUTE="600000",
                        RATE_LIMIT_BURST="50000", LOG_LEVEL=os.environ.get("CHAOS_LOG_LEVEL", "WARNING"),
                        PLAN_FILES=open_plan_files(self.dir / "plans"))   # the load enters 2018-2021 periods
        broker = urlparse(amqp)
        for service in SERVICES:
            env = dict(base_env)
            if not self.cluster:
                proxy = self.broker_proxies[service] = HalfOpenProxy("127.0.0.1", broker.port or 5672)
                env["AMQP_URI"] = amqp.replace(f"{broker.hostname}:{broker.port}", f"127.0.0.1:{proxy.port}")
            if self.backend == "postgresql":
                db = urlparse(self.database_urls[service])
                self.db_proxies[service] = HalfOpenProxy(db.hostname or "127.0.0.1", db.port or 5432)
                env[f"{service.upper()}_DATABASE_URL"] = self._proxied(self.database_urls[service],
                                                                       self.db_proxies[service])
            for replica in range(self.replicas):
                self._launch(service, replica, env)
        self._watching = True
        threading.Thread(target=self._watch, daemon=True).start()
        for port in self.ports:
            wait_for_http(f"http://127.0.0.1:{port}/health", timeout=120)
        return self

    def _launch(self, service: str, replica: int, env: dict) -> None:
        env = dict(env)
        if service == "gateway":
            env["GATEWAY_ADDRESS"] = f"127.0.0.1:{self.ports[replica]}"
        elif service in METRICS_PORTS:   # never the fixed defaults: platforms run side by side
            env[f"{service.upper()}_METRICS_PORT"] = str(free_port())
        name = service if self.replicas == 1 else f"{service}-{replica + 1}"
        self.processes[name] = Supervised(name, lambda: start_service(service, env, self.dir), time.monotonic())

    def _watch(self) -> None:
        while self._watching:
            for supervised in list(self.processes.values()):
                supervised.check(time.monotonic())
            time.sleep(0.2)

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def names(self, service: str) -> list[str]:
        return [n for n in self.processes if n == service or n.startswith(service + "-")]

    def signal(self, name: str, signum: int) -> int:
        """Sends `signum` to a process (the watcher restarts it with back-off); returns its pid."""
        proc = self.processes[name].proc
        if proc.poll() is None:
            os.kill(proc.pid, signum)
        return proc.pid

    def running(self, name: str) -> bool:
        supervised = self.processes[name]
        return supervised.restart_at is None and supervised.proc.poll() is None

    def stop(self) -> None:
        self._watching = False
        time.sleep(0.3)
        stop([s.proc for s in self.processes.values()])
        for proxy in [*self.broker_proxies.values(), *self.db_proxies.values()]:
            proxy.close()
        if self._vhost:
            self._vhosts.delete(self._vhost)
        for rabbit in (self.node, self.cluster):
            if rabbit:
                rabbit.stop()
        if self.backend == "postgresql":
            for url in self.database_urls.values():
                postgres_admin(f'DROP DATABASE IF EXISTS "{urlparse(url).path.lstrip("/")}" WITH (FORCE)')

