"""Throughput of GET /v1/objective/progress (served from the gateway's progress view)
against a bare nameko @http handler returning a constant, in the same run, with the
same load generator; prints both rates and their ratio (the aim: 0.9 or better), and the CPU
milliseconds per request of each serving process (/proc/<pid>/stat), steadier than the rates
when other work shares the cores.

Both servers run as their own `nameko run` processes on 127.0.0.1. The gateway's view
is made live the way production does it: an `objective.progress_changed` event on the
broker (what the metrics service publishes), so no request makes an RPC. The rate
limiter stays on (with a limit no run reaches), as do authentication, ETag and the rest.

Load: CONNECTIONS keep-alive connections (threads of a separate client process, or wrk
when it is installed), each round DURATION seconds after a WARMUP, alternating the two
targets ROUNDS times; the best round of each is reported. Only loopback addresses.

    python bench/gateway_progress.py        (make bench runs it; BENCH_ONLY=gateway_progress)
    env: BENCH_CONNECTIONS (8), BENCH_DURATION (8), BENCH_WARMUP (2), BENCH_ROUNDS (2), AMQP_URI,
         BENCH_PROFILE=dir (py-spy records the gateway into dir/progress-gateway.txt, first round)"""
import http.client
import json
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 8))
DURATION = float(os.environ.get("BENCH_DURATION", 8))
WARMUP = float(os.environ.get("BENCH_WARMUP", 2))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 2))
PROFILE = os.environ.get("BENCH_PROFILE")
MAX_REQUESTS = 2_000_000  # a bound on any one round, whatever the speed

BARE_SERVICE = textwrap.dedent('''
    """A bare nameko HTTP handler returning a constant (the benchmark's baseline)."""
    import json
    from nameko.web.handlers import http

    BODY = json.dumps({"status": "ok", "constant": True})


    class BareService:
        name = "bench_bare"

        @http("GET", "/constant")
        def constant(self, request):
            return 200, {"Content-Type": "application/json"}, BODY
''')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60.0, expect=b"") -> None:
    import urllib.request
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200 and expect in resp.read():
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s")


# -- load generator ---------------------------------------------------------------------------

def _worker(port, path, stop_at, counts, index):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    done = 0
    while time.monotonic() < stop_at and done < MAX_REQUESTS:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: HTTP {response.status}")
        done += 1
    conn.close()
    counts[index] = done


def _load_process(port, path, connections, duration, queue):
    counts = [0] * connections
    stop_at = time.monotonic() + duration
    threads = [threading.Thread(target=_worker, args=(port, path, stop_at, counts, i)) for i in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(sum(counts) / (time.monotonic() - started))


def python_load(port: int, path: str, duration: float) -> float:
    queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_load_process, args=(port, path, CONNECTIONS, duration, queue))
    proc.start()
    proc.join(duration + 60)
    if proc.is_alive():
        proc.kill()
        raise RuntimeError("the load generator did not finish")
    return queue.get(timeout=5)


def wrk_load(port: int, path: str, duration: float) -> float:
    out = subprocess.run(["wrk", "-t", "1", "-c", str(CONNECTIONS), "-d", f"{max(1, int(duration))}s",
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=duration + 60)
    for line in out.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(f"wrk said: {out.stdout}{out.stderr}")


def load(port: int, path: str, duration: float) -> float:
    return wrk_load(port, path, duration) if shutil.which("wrk") else python_load(port, path, duration)


# -- the servers ------------------------------------------------------------------------------

def make_vhost(broker: str):
    ctl = shutil.which("rabbitmqctl")
    if not ctl:
        return broker, None
    name = f"bench-{uuid.uuid4().hex[:10]}"
    subprocess.run([ctl, "add_vhost", name], check=True, capture_output=True, timeout=60)
    user = urlparse(broker).username or "guest"
    subprocess.run([ctl, "set_permissions", "-p", name, user, ".*", ".*", ".*"], check=True,
                   capture_output=True, timeout=60)
    return urlunparse(urlparse(broker)._replace(path="/" + quote(name, safe=""))), name


def start(args, env, log_path):
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-m", "nameko", "run", *args], env=env, cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(procs):
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def publish_progress(amqp_uri: str) -> str:
    """What metrics publishes when progress changes: makes the gateway's view live."""
    from kombu import Connection

    from shared import plan as plans
    from shared.events import make_envelope
    from shared.events.contracts.metrics import EXAMPLES
    from shared.messaging import topology
    plan_id = sorted(plans.plans())[0]
    payload = {**EXAMPLES["objective.progress_changed"], "plan_id": plan_id, "revision": 1}
    payload["progress"] = {**payload["progress"], "revision": 1, "bench": True}
    message = make_envelope("objective.progress_changed", payload, producer="metrics").to_message()
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(json.dumps(message), exchange=topology.event_exchange("metrics"),
                                routing_key="objective.progress_changed", content_type="application/json",
                                declare=[topology.event_exchange("metrics")])
    return plan_id


def profile(pid: int):
    """py-spy sampling the gateway (BENCH_PROFILE) while it is measured, as collapsed stacks."""
    spy = str(Path(sys.executable).parent / "py-spy")
    return subprocess.Popen([spy, "record", "--pid", str(pid), "--duration", str(int(DURATION)), "--rate", "100",
                             "--format", "raw", "-o", f"{PROFILE}/progress-gateway.txt"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def machine() -> str:
    model = "unknown CPU"
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from bench.gateway_writes import cpu_seconds
    broker, vhost = make_vhost(os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
    work = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    bare_port, gateway_port = free_port(), free_port()
    (work / "bench_bare_service.py").write_text(BARE_SERVICE)
    env = dict(os.environ, AMQP_URI=broker, PLATFORM_VAR_DIR=str(work), PYTHONWARNINGS="ignore",
               LOG_LEVEL="WARNING", RATE_LIMIT_PER_MINUTE="1000000000", RATE_LIMIT_BURST="1000000000",
               GATEWAY_ADDRESS=f"127.0.0.1:{gateway_port}",
               # this checkout's gateway, not whichever one the virtualenv was installed from
               PYTHONPATH=os.pathsep.join([str(work), str(ROOT), str(ROOT / "services" / "gateway")]))
    env.pop("GATEWAY_DATABASE_URL", None)
    (work / "bare.yaml").write_text(f"AMQP_URI: {broker}\nWEB_SERVER_ADDRESS: 127.0.0.1:{bare_port}\n"
                                    "max_workers: 50\n")
    gateway_config = ROOT / "services" / "gateway" / "gateway" / "config.yaml"
    procs = [start(["--config", str(work / "bare.yaml"), "bench_bare_service:BareService"], env, work / "bare.log"),
             start(["--config", str(gateway_config), "gateway.service:GatewayService"], env, work / "gateway.log")]
    try:
        wait_for(f"http://127.0.0.1:{bare_port}/constant")
        wait_for(f"http://127.0.0.1:{gateway_port}/v1/openapi.json")
        publish_progress(broker)
        wait_for(f"http://127.0.0.1:{gateway_port}/v1/objective/progress", expect=b'"bench":true')
        targets = {"bare nameko @http constant": (bare_port, "/constant"),
                   "gateway GET /v1/objective/progress": (gateway_port, "/v1/objective/progress")}
        best = {name: 0.0 for name in targets}
        cpu: dict = {name: [] for name in targets}   # CPU ms per request of the serving process
        for n in range(ROUNDS):
            for (name, (port, path)), proc in zip(targets.items(), procs, strict=True):
                load(port, path, WARMUP)
                spy = profile(proc.pid) if PROFILE and n == 0 and port == gateway_port else None
                used = cpu_seconds([proc])[0]
                rate = load(port, path, DURATION)
                cpu[name].append((cpu_seconds([proc])[0] - used) * 1000 / max(1.0, rate * DURATION))
                best[name] = max(best[name], rate)
                if spy is not None:
                    spy.wait(30)
    finally:
        stop(procs)
        shutil.rmtree(work, ignore_errors=True)
        if vhost:
            subprocess.run([shutil.which("rabbitmqctl"), "delete_vhost", vhost], capture_output=True, timeout=120)
    generator = "wrk" if shutil.which("wrk") else "python http.client threads (separate process)"
    bare, gateway = best.values()
    print(f"machine:    {machine()}")
    print(f"command:    python bench/gateway_progress.py  (BENCH_CONNECTIONS={CONNECTIONS} "
          f"BENCH_DURATION={DURATION:g} BENCH_ROUNDS={ROUNDS})")
    print(f"load:       {generator}, {CONNECTIONS} keep-alive connections, best of {ROUNDS} x {DURATION:g}s")
    for name, rate in best.items():
        print(f"{name:<40} {rate:10.1f} req/s   CPU {min(cpu[name]):.3f} ms per request (least of the rounds)")
    print(f"{'ratio gateway / bare':<40} {gateway / bare:10.2f}   (aim: >= 0.90)")
    bare_cpu, gateway_cpu = (min(c) for c in cpu.values())
    print(f"{'ratio by CPU, bare / gateway':<40} {bare_cpu / gateway_cpu:10.2f}   (steadier on a shared machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
