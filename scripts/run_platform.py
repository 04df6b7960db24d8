"""Run the whole platform locally: broker check (or start), migrations, one process
per service, the gateway on 127.0.0.1:$PORT. A service that exits once the platform is up
is restarted with back-off (scripts.supervise); Ctrl-C or SIGTERM stops everything this
script started. Used by `make run` and by the end-to-end tests."""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from scripts.supervise import Supervised, supervise
from shared.config import DEFAULT_AMQP_URI

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("programmes", "grants", "metrics", "gateway")
DATABASE_SERVICES = ("programmes", "grants", "metrics", "gateway")
# Each back-end service's /metrics, /livez, /readyz (docs/observability.md); one environment
# runs them all here, so <SERVICE>_METRICS_PORT becomes that process's METRICS_PORT.
METRICS_PORTS = {"programmes": 9101, "grants": 9102, "metrics": 9103}


def broker_answers(amqp_uri: str, timeout: float = 2.0) -> bool:
    """Whether any of AMQP_URI's addresses (';'-separated: a cluster's nodes) answers."""
    from kombu import Connection

    from shared.messaging.brokers import connect_first_reachable
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as conn:
            connect_first_reachable(conn, timeout)
        return True
    except Exception:
        return False


def ensure_broker(amqp_uri: str) -> None:
    """A broker answers at one of AMQP_URI's addresses, or one local node is started (never
    a cluster: its nodes are the operator's to start)."""
    from shared.messaging.brokers import broker_addresses, redacted
    if broker_answers(amqp_uri):
        return
    addresses = broker_addresses(amqp_uri)
    host = urlparse(addresses[0]).hostname if addresses else None
    server = shutil.which("rabbitmq-server")
    if len(addresses) != 1 or host not in ("127.0.0.1", "localhost") or server is None:
        sys.exit(f"No RabbitMQ answers at {redacted(amqp_uri)}.\n"
                 "Install one (Debian/Ubuntu: apt-get install rabbitmq-server; macOS: brew install rabbitmq),\n"
                 "or point AMQP_URI at a running broker, e.g. AMQP_URI=amqp://user:pass@host:5672/ make run")
    print("starting a local RabbitMQ node (rabbitmq-server -detached) ...", flush=True)
    subprocess.run([server, "-detached"], check=False)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if broker_answers(amqp_uri):
            return
        time.sleep(1)
    sys.exit(f"RabbitMQ did not come up at {redacted(amqp_uri)} within 90s; see its logs in /var/log/rabbitmq")


def migrate(env: dict) -> None:
    for service in DATABASE_SERVICES:
        subprocess.run([sys.executable, "-m", f"{service}.migrate"], env=env, cwd=ROOT, check=True)


def config_path(service: str) -> Path:
    return ROOT / "services" / service / service / "config.yaml"


def service_class(service: str) -> str:
    """Named explicitly: `nameko run module` would also pick up imported mixins."""
    return f"{service}.service:{service.capitalize()}Service"


def metrics_port(service: str, env: dict) -> int | None:
    """The service's metrics port under this environment; None for the gateway (its API port)."""
    if service not in METRICS_PORTS:
        return None
    return int(env.get(f"{service.upper()}_METRICS_PORT") or METRICS_PORTS[service])


def start_service(service: str, env: dict, log_dir: Path | None = None) -> subprocess.Popen:
    out = open(log_dir / f"{service}.log", "ab") if log_dir else None
    port = metrics_port(service, env)
    if port is not None:
        env = dict(env, METRICS_PORT=str(port))
    return subprocess.Popen(
        [sys.executable, "-m", "nameko", "run", "--config", str(config_path(service)), service_class(service)],
        env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT if out else None,
        start_new_session=True)


def stop(processes, timeout: float = 10.0) -> None:
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for proc in processes:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for_http(url: str, timeout: float = 60.0, procs=()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"a service exited with code {proc.returncode} during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200 and b'"ok"' in resp.read():
                    return
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not report ok within {timeout:.0f}s")


def admin_key_hint(env: dict) -> str:
    if env.get("PLATFORM_ADMIN_KEY"):
        return "  API keys   the admin key is PLATFORM_ADMIN_KEY: send 'Authorization: Bearer <key>'"
    return ("  API keys   none given: set PLATFORM_ADMIN_KEY (e.g. from `.venv/bin/python -m gateway.cli new-secret`)\n"
            "             or run `.venv/bin/python -m gateway.cli create-key --organisation platform --role admin`")


def metrics_lines(env: dict) -> str:
    host = env["METRICS_ADDRESS"]
    return "\n".join(f"             {s:<11}http://{host}:{metrics_port(s, env)}/metrics  (/livez, /readyz)"
                     for s in METRICS_PORTS if metrics_port(s, env))


def platform_env(port: int, amqp_uri: str) -> dict:
    env = dict(os.environ)
    env.setdefault("AMQP_URI", amqp_uri)
    env["GATEWAY_ADDRESS"] = f"127.0.0.1:{port}"
    env.setdefault("PLATFORM_VAR_DIR", str(ROOT / "var"))
    env.setdefault("METRICS_ADDRESS", "127.0.0.1")  # a workstation: not on every interface
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")  # eventlet's own notice, every start
    return env


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--migrate-only", action="store_true")
    args = parser.parse_args(argv)

    from shared.messaging.brokers import redacted
    amqp_uri = os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)
    env = platform_env(args.port, amqp_uri)
    ensure_broker(env["AMQP_URI"])
    migrate(env)
    if args.migrate_only:
        return

    services: list[Supervised] = []

    def shutdown(signum, _frame):
        print(f"\nstopping ({signal.Signals(signum).name}) ...", flush=True)
        stop([s.proc for s in services])
        sys.exit(0)

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    for service in SERVICES:
        services.append(Supervised(service, lambda service=service: start_service(service, env), time.monotonic()))
    base = f"http://127.0.0.1:{args.port}"
    try:  # a service that cannot even start is a mistake to fix, not to restart
        wait_for_http(f"{base}/health", procs=[s.proc for s in services])
    except RuntimeError as exc:
        print(f"platform did not start: {exc}", file=sys.stderr)
        stop([s.proc for s in services])
        sys.exit(1)
    print(f"""
The platform is up (broker {redacted(env['AMQP_URI'])}, data in {env['PLATFORM_VAR_DIR']}):
  health     {base}/health
  plan       {base}/v1/plan
  progress   {base}/v1/objective/progress
  programmes {base}/v1/programmes   (POST)
  grants     {base}/v1/funds, {base}/v1/calls, {base}/v1/grants
  API docs   {base}/docs   (OpenAPI: {base}/v1/openapi.json)
  metrics    {base}/metrics (the whole platform), {base}/readyz; per service:
{metrics_lines(env)}
{admin_key_hint(env)}
A service that crashes is restarted (after 1 s, 2 s, 4 s ... at most 30 s).
Press Ctrl-C to stop.""", flush=True)
    supervise(services)


if __name__ == "__main__":
    main()
