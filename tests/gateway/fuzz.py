"""`make fuzz`: schemathesis over the gateway's whole OpenAPI document (/v1/openapi.json).

Checks that no response is a 5xx and that every response conforms to the document
(status code, content type, body schema). With FUZZ_URL (and FUZZ_KEY, an admin key)
it targets a running platform; otherwise it starts one of its own (SQLite, a fresh
RabbitMQ vhost when rabbitmqctl is there, an admin key of its own) and stops it after.

The stateful phase follows the document's `links` (gateway.openapi_links): a create's id
feeds the next request, so generated sequences reach existing objects instead of 404. It
runs with the admin key (within the main run) and again with a partner key of its own.

    FUZZ_MAX_EXAMPLES          examples per operation and phase (default 50)
    FUZZ_MAX_TIME              seconds for the admin run, all phases (default 600)
    FUZZ_PHASES                schemathesis phases (default examples,coverage,fuzzing,stateful)
    FUZZ_STATEFUL_MAX_TIME     seconds for the partner key's stateful run (default 120; 0: none)
    FUZZ_STATEFUL_MAX_STEPS    requests per stateful scenario (default 10)

tests/e2e/test_gateway_fuzz.py runs the same thing, bounded, in `make test`."""
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlparse, urlunparse

from tests.gateway import fuzz_values

CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance")


PHASES = "examples,coverage,fuzzing,stateful"
STATEFUL_MAX_STEPS = int(os.environ.get("FUZZ_STATEFUL_MAX_STEPS", 10))
# The stateful phase sends valid requests only (the other phases send the invalid ones), so
# creates succeed and their links are followed; it follows only the document's links, not
# schemathesis's guessed ones (hundreds, mostly between unrelated operations).
STATEFUL_CONFIG = """[phases.stateful]
max-steps = {max_steps}
inference.algorithms = []

[phases.stateful.generation]
mode = "positive"
"""


def schemathesis_command(base_url: str, key: str, *, max_examples: int, max_time: int, phases: str,
                         config_file: str, report_dir: str | None = None) -> list[str]:
    exe = Path(sys.executable).with_name("schemathesis")
    command = [str(exe) if exe.exists() else "schemathesis", "--no-color", "--config-file", config_file,
               "run", f"{base_url}/v1/openapi.json",
               "--url", base_url, "-H", f"Authorization: Bearer {key}", "--checks", ",".join(CHECKS),
               "--max-examples", str(max_examples), "--max-time", str(max_time), "--phases", phases,
               "--request-timeout", "15", "--workers", "1", "--suppress-health-check", "all",
               "--generation-database", "none"]
    if report_dir:
        command += ["--report", "junit", "--report-dir", report_dir]
    return command


def run_schemathesis(base_url: str, key: str, *, max_examples: int = 50, max_time: int = 600,
                     phases: str = PHASES, max_steps: int = STATEFUL_MAX_STEPS, report_dir: str | None = None,
                     capture: bool = False) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="fuzz-config-") as directory:
        config_file = Path(directory, "schemathesis.toml")
        config_file.write_text(STATEFUL_CONFIG.format(max_steps=max_steps) + "\n" + fuzz_values.toml(),
                               encoding="utf-8")
        command = schemathesis_command(base_url, key, max_examples=max_examples, max_time=max_time, phases=phases,
                                       config_file=str(config_file), report_dir=report_dir)
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        return subprocess.run(command, env=env, text=True, capture_output=capture, timeout=max_time + 300)


def partner_key(base_url: str, admin_key: str) -> str:
    """A partner key of the fuzz run's partner organisation, made with the admin key."""
    from tests.grants_flow import Http
    return Http(base_url, admin_key).new_key(fuzz_values.PARTNER_ORGANISATION, "partner")


@contextmanager
def own_platform():
    """A platform of its own for the run: SQLite in a temporary directory, a fresh vhost."""
    from gateway.auth import new_key
    from scripts.run_platform import SERVICES, migrate, platform_env, start_service, stop, wait_for_http
    from tests.helpers import free_port

    broker = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    vhost = None
    ctl = shutil.which("rabbitmqctl")
    if ctl:
        vhost = f"fuzz-{uuid.uuid4().hex[:10]}"
        subprocess.run([ctl, "add_vhost", vhost], check=True, capture_output=True, timeout=60)
        user = urlparse(broker).username or "guest"
        subprocess.run([ctl, "set_permissions", "-p", vhost, user, ".*", ".*", ".*"], check=True,
                       capture_output=True, timeout=60)
        broker = urlunparse(urlparse(broker)._replace(path="/" + quote(vhost, safe="")))
    key = new_key()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as var_dir:
        port = free_port()
        env = platform_env(port, broker)
        env.update(AMQP_URI=broker, PLATFORM_VAR_DIR=var_dir, PLATFORM_ADMIN_KEY=key,
                   RATE_LIMIT_PER_MINUTE="600000", RATE_LIMIT_BURST="100000")
        for service in SERVICES:
            env.pop(f"{service.upper()}_DATABASE_URL", None)
        migrate(env)
        procs = [start_service(service, env, Path(var_dir)) for service in SERVICES]
        try:
            wait_for_http(f"http://127.0.0.1:{port}/health", procs=procs)
            yield f"http://127.0.0.1:{port}", key
        finally:
            stop(procs)
            if vhost:
                subprocess.run([ctl, "delete_vhost", vhost], capture_output=True, timeout=120)


def fuzz(base: str, key: str) -> int:
    """The admin run (every phase), then the partner key's stateful run."""
    max_examples = int(os.environ.get("FUZZ_MAX_EXAMPLES", 50))
    max_time = int(os.environ.get("FUZZ_MAX_TIME", 600))
    stateful_time = int(os.environ.get("FUZZ_STATEFUL_MAX_TIME", 120))
    phases = os.environ.get("FUZZ_PHASES", PHASES)
    print(f"fuzzing {base}/v1/openapi.json (max {max_examples} examples per operation, {max_time}s; "
          f"partner stateful {stateful_time}s)", flush=True)
    status = run_schemathesis(base, key, max_examples=max_examples, max_time=max_time, phases=phases).returncode
    if stateful_time > 0:
        partner = run_schemathesis(base, partner_key(base, key), max_time=stateful_time, phases="stateful")
        status = status or partner.returncode
    return status


def main() -> int:
    url = os.environ.get("FUZZ_URL")
    if url:
        key = os.environ.get("FUZZ_KEY") or os.environ.get("PLATFORM_ADMIN_KEY")
        if not key:
            print("FUZZ_URL needs FUZZ_KEY (an admin key)", file=sys.stderr)
            return 2
        return fuzz(url.rstrip("/"), key)
    with own_platform() as (base, key):
        return fuzz(base, key)


if __name__ == "__main__":
    sys.exit(main())
