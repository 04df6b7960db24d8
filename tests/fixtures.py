"""Fixtures that give each test run real, isolated infrastructure: its own RabbitMQ
vhost and its own databases (SQLite files, fresh PostgreSQL databases)."""
import os
import shutil
import subprocess
import uuid
from urllib.parse import quote, unquote, urlparse, urlunparse

import pytest

BROKER_URI = os.environ.get("TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_SERVICES = ("programmes", "grants", "metrics", "gateway")


MANAGEMENT_API = os.environ.get("TEST_RABBIT_API", "http://127.0.0.1:15672/api")


def _management_api_answers() -> bool:
    import requests
    try:
        return requests.get(f"{MANAGEMENT_API}/overview", auth=_credentials(), timeout=2).ok
    except requests.RequestException:
        return False


def _credentials():
    parts = urlparse(BROKER_URI)
    return parts.username or "guest", parts.password or "guest"


def _rabbitmqctl(*args, attempts=3):
    """rabbitmqctl with a deadline and retries: its CLI node can fail to start
    (e.g. when many CLI calls run at once) and must never hang a test run. On a
    timeout the whole process group goes: an orphaned CLI node would keep one of
    the few distribution ports rabbitmqctl may use."""
    import os as _os
    import signal as _signal
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        raise RuntimeError("rabbitmqctl (or the management API) is needed to create an isolated test vhost")
    for attempt in range(1, attempts + 1):
        proc = subprocess.Popen([ctl, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            if proc.wait(timeout=60) == 0:
                return
        except subprocess.TimeoutExpired:
            _os.killpg(proc.pid, _signal.SIGKILL)
            proc.wait()
        if attempt == attempts:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed {attempts} times")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Vhosts:
    """Creates and deletes vhosts through the management API when it answers,
    else through rabbitmqctl."""

    def __init__(self):
        self.http = _management_api_answers()

    def add(self, name):
        user = _credentials()[0]
        if self.http:
            import requests
            vhost = quote(name, safe="")
            requests.put(f"{MANAGEMENT_API}/vhosts/{vhost}", auth=_credentials(), timeout=30).raise_for_status()
            requests.put(f"{MANAGEMENT_API}/permissions/{vhost}/{user}", auth=_credentials(), timeout=30,
                         json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        else:
            _rabbitmqctl("add_vhost", name)
            _rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")

    def names(self):
        if self.http:
            import requests
            answer = requests.get(f"{MANAGEMENT_API}/vhosts?columns=name", auth=_credentials(), timeout=30)
            return [v["name"] for v in answer.json()]
        ctl = shutil.which("rabbitmqctl")
        out = subprocess.run([ctl, "-q", "list_vhosts", "name"], capture_output=True, text=True, timeout=60)
        return out.stdout.split()

    def sweep(self):
        """Deletes test vhosts whose test run is gone (killed runs never reach their cleanup);
        a run still alive (another checkout's suite) keeps its own."""
        for name in self.names():
            parts = name.split("-")
            if len(parts) == 3 and parts[0] == "test" and parts[1].isdigit() and not _alive(int(parts[1])):
                self.delete(name)

    def delete(self, name):
        if self.http:
            import requests
            requests.delete(f"{MANAGEMENT_API}/vhosts/{quote(name, safe='')}", auth=_credentials(), timeout=30)
        else:
            _rabbitmqctl("delete_vhost", name, attempts=1)


@pytest.fixture(scope="session")
def vhost_factory():
    """Creates vhosts (deleted at the end of the session); returns their AMQP URIs."""
    vhosts = _Vhosts()
    try:
        vhosts.sweep()
    except Exception:  # pragma: no cover - best effort cleanup
        pass
    created = []

    def make():
        name = f"test-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        vhosts.add(name)
        created.append(name)
        parts = urlparse(BROKER_URI)
        return urlunparse(parts._replace(path="/" + quote(name, safe="")))

    make.delete = lambda uri: _delete(uri)

    def _delete(uri):
        name = unquote(urlparse(uri).path.lstrip("/"))
        if name in created:
            created.remove(name)
            try:
                vhosts.delete(name)
            except Exception:  # pragma: no cover - best effort cleanup
                pass

    yield make
    for name in list(created):
        try:
            vhosts.delete(name)
        except Exception:  # pragma: no cover - best effort cleanup
            pass


@pytest.fixture
def amqp_uri(vhost_factory):
    """A fresh vhost per test: queues, exchanges and messages of one test never meet another's.
    Deleted right after the test: hundreds of live vhosts slow RabbitMQ's vhost creation down."""
    uri = vhost_factory()
    yield uri
    vhost_factory.delete(uri)


def postgres_admin(sql):
    """Run one statement as PostgreSQL's administrator, outside a transaction (CREATE/DROP DATABASE)."""
    import psycopg2
    conn = psycopg2.connect(POSTGRES_ADMIN_URL)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


@pytest.fixture(scope="session")
def postgres_database_factory():
    """Creates databases (from `template`, a database URL, when given; dropped with
    `.drop(url)` or at the end of the session); returns their URLs."""
    created = []
    _execute = postgres_admin

    def make(template=None):
        name = f"test_{uuid.uuid4().hex[:12]}"
        source = f' TEMPLATE "{urlparse(template).path.lstrip("/")}"' if template else ""
        _execute(f'CREATE DATABASE "{name}"{source}')
        created.append(name)
        return urlunparse(urlparse(POSTGRES_ADMIN_URL)._replace(path="/" + name))

    def drop(url):
        name = urlparse(url).path.lstrip("/")
        if name in created:
            created.remove(name)
            _execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    make.drop = drop
    yield make
    for name in list(created):
        _execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def db_backend(request):
    return request.param


_MIGRATED: dict[tuple[str, str], str] = {}


def migrated_database(backend, service, postgres_database_factory, tmp_path_factory) -> str:
    """The URL of `service`'s database on `backend` migrated to head, made once per session:
    tests and e2e platforms get copies (a file copy, or CREATE DATABASE ... TEMPLATE) instead of
    migrating each time."""
    from shared.migrations import upgrade
    if (backend, service) not in _MIGRATED:
        url = postgres_database_factory() if backend == "postgres" else \
            f"sqlite:///{tmp_path_factory.mktemp('migrated') / (service + '.sqlite3')}"
        upgrade(service, url)   # disposes its engine: a template must have no connection
        _MIGRATED[backend, service] = url
    return _MIGRATED[backend, service]


@pytest.fixture(scope="session")
def migrated_databases(postgres_database_factory, tmp_path_factory):
    """`(backend, service)` -> `migrated_database` of it."""
    return lambda backend, service: migrated_database(backend, service, postgres_database_factory, tmp_path_factory)


@pytest.fixture
def database_urls(db_backend, tmp_path, postgres_database_factory, migrated_databases):
    """One fresh database per service, on the backend under test, migrated to head; PostgreSQL's
    dropped after the test (hundreds left to the end of the session took a minute to drop)."""
    urls = {}
    for service in DB_SERVICES:
        template = migrated_databases(db_backend, service)
        if db_backend == "postgres":
            urls[service] = postgres_database_factory(template=template)
        else:
            path = tmp_path / (service + ".sqlite3")
            shutil.copyfile(template.removeprefix("sqlite:///"), path)
            urls[service] = f"sqlite:///{path}"
    yield urls
    if db_backend == "postgres":
        for url in urls.values():
            postgres_database_factory.drop(url)


@pytest.fixture
def service_config(amqp_uri, database_urls):
    """nameko config for a service under test, by service name."""
    def make(service, **extra):
        config = {"AMQP_URI": amqp_uri, "OUTBOX_RELAY_INTERVAL": 0.2, "EVENT_MAX_ATTEMPTS": 3,
                  "RPC_DEADLINE_SECONDS": 2}
        config["EVENT_RETRY_DELAYS"] = "0.1"  # retries of a failing handler after 0.1 s, not 1 s, 5 s
        if service in database_urls:
            config["DATABASE_URL"] = database_urls[service]
        config.update(extra)
        return config
    return make
