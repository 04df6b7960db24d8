"""The gateway's database, shared by its entrypoints and dependencies (one engine,
one process lock per container): a nameko SharedExtension."""
import logging
import os
import threading
from contextlib import contextmanager, nullcontext

from kombu import Connection
from nameko.extensions import SharedExtension

from shared.config import database_url
from shared.db import create_engine
from shared.messaging import topology
from shared.uow import process_lock

log = logging.getLogger(__name__)


class Store:
    """Transactions on the gateway's database. On SQLite every connection takes the
    write lock (BEGIN IMMEDIATE), so one greenthread at a time per process holds one."""

    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url)
        self.lock = process_lock(self.engine) or nullcontext()

    @contextmanager
    def begin(self):
        with self.lock, self.engine.begin() as conn:
            yield conn

    def dispose(self):
        self.engine.dispose()


def open_store(url: str | None = None, *, migrate: bool | None = None) -> Store:
    """A Store on `url` (default: GATEWAY_DATABASE_URL or var/gateway.sqlite3). SQLite files are
    migrated to head on open (a single local process owns them); PostgreSQL is migrated by
    `python -m gateway.migrate` before a deploy, so replicas never race on DDL."""
    url = url or database_url("gateway")
    if migrate is None:
        migrate = url.startswith("sqlite")
    if migrate:
        from shared.migrations import upgrade
        upgrade("gateway", url)
    return Store(url)


class GatewayStore(SharedExtension):
    """Set up once per container, by whichever of its users' setup runs first (`ensure`)."""

    def __init__(self):
        super().__init__()
        self._ready = False

    def setup(self):
        self.ensure()

    def ensure(self) -> "GatewayStore":
        if self._ready:
            return self
        if not hasattr(self, "_setup_lock"):
            self._setup_lock = threading.Lock()
        with self._setup_lock:
            if not self._ready:
                self._setup()
                self._ready = True
        return self

    def _setup(self):
        config = self.container.config
        self.store = open_store(config.get("DATABASE_URL") or None,
                                migrate=_flag(config.get("GATEWAY_AUTO_MIGRATE")))
        from gateway import auth
        from gateway.client_address import TrustedProxies, parse_networks
        from gateway.ratelimit import limiter_for
        from gateway.request_writes import RequestWrites
        self.limiter = limiter_for(config)
        self.writes = RequestWrites(self.store)   # shared by every route: their rows grouped
        self.proxies = TrustedProxies(parse_networks(config.get("TRUSTED_PROXIES")))
        admin_key = config.get("PLATFORM_ADMIN_KEY") or os.environ.get("PLATFORM_ADMIN_KEY")
        if admin_key:
            auth.bootstrap_admin_key(self.store, admin_key)

    def start(self):
        with Connection(self.container.config["AMQP_URI"]) as conn:
            topology.declare(conn, topology.entities_for(consumer=self.container.service_name))

    def stop(self):
        self.store.dispose()

    def kill(self):
        self.store.dispose()


def _flag(value):
    if value in (None, ""):
        return None
    return str(value).lower() in ("1", "true", "yes", "on")
