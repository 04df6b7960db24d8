"""The write path, side by side with a bare nameko @http -> RPC -> echo service in the same run:
programmes created per second (POST /v1/programmes), results approved per second (submit +
approve, drafts made beforehand), each with p50/p99 latency and its ratio to bare http->RPC,
then freshness under load: approvals paced at half the measured approval capacity, the time
from each approval's response to the change being visible in GET /v1/objective/progress.
The RPC read (GET /v1/programmes?limit=10, a page of what was just created) is measured in the
same run, as a ratio to the same bare http->RPC.

The whole platform runs as processes on SQLite (BENCH_WRITES_BACKEND=postgres for PostgreSQL),
as `make run` starts it, on a vhost of its own. Load: wrk (bench/_wrk.py: one thread, 8 keep-alive
connections, a Lua script per run; only 2xx answers count, a write answered otherwise fails the
run), DURATION seconds per figure after a WARMUP; threads of a separate Python process when wrk is
missing. With wrk, submits and approvals are two runs over the same drafts (made beforehand) and
the pair's rate is 1/(1/submits + 1/approvals), its p50/p99 the sums of the two runs'.

    python bench/gateway_writes.py   (make bench runs it; BENCH_ONLY=gateway_writes)
    env: BENCH_DURATION (8), BENCH_WARMUP (2), BENCH_FRESHNESS (60) (connections: 8, fixed),
         BENCH_PROFILE=dir (py-spy records the gateway, programmes and metrics into dir while writing),
         BENCH_REPLICAS (1): processes each of programmes and metrics (PostgreSQL only: a SQLite
         file has one writer; bench/scale_out.py compares 2 with 1)"""
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from bench import _wrk  # noqa: E402
from bench._write_load import Client, programme_body, run_load  # noqa: E402
from bench.gateway_progress import free_port, machine, make_vhost, stop  # noqa: E402
from scripts.plans import open_plan_files  # noqa: E402
from scripts.run_platform import config_path, migrate, platform_env, service_class, wait_for_http  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DURATION = float(os.environ.get("BENCH_DURATION", 8))
WARMUP = float(os.environ.get("BENCH_WARMUP", 2))
FRESHNESS = float(os.environ.get("BENCH_FRESHNESS", 60))
BACKEND = os.environ.get("BENCH_WRITES_BACKEND", "sqlite")
PROFILE = os.environ.get("BENCH_PROFILE")
REPLICAS = int(os.environ.get("BENCH_REPLICAS", 1))
SERVICES = ("bare", "programmes", "grants", "metrics", "gateway")   # procs' order (replicas after)
KEY = "bench-admin-key-0123456789abcdefghijklmnop"
WRK = shutil.which("wrk")
PAIR = "submit + approve a result"
WRITES = ("create", "submit", "approve")
DATABASES: list = []   # PostgreSQL databases made for the run, dropped after it

BARE_RPC = '''
"""Bare nameko: an @http handler calling an echo service over RPC (the write benchmark's baseline)."""
import json
from nameko.rpc import RpcProxy, rpc
from nameko.web.handlers import http


class EchoService:
    name = "bench_echo"

    @rpc
    def echo(self, body):
        return body


class BareRpcService:
    name = "bench_bare_rpc"
    echo = RpcProxy("bench_echo")

    @http("POST", "/echo")
    def post(self, request):
        return 201, {"Content-Type": "application/json"}, json.dumps(self.echo.echo(request.get_data(as_text=True)))
'''


def start(args, env, log):
    return subprocess.Popen([sys.executable, "-m", "nameko", "run", *args], env=env, cwd=ROOT,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)


def profile(procs: list, kind: str) -> list:
    """py-spy (BENCH_PROFILE) samples the gateway and programmes for the measured run of `kind`."""
    if not PROFILE or kind == "echo":
        return []
    spy = str(Path(sys.executable).parent / "py-spy")
    return [subprocess.Popen([spy, "record", "--pid", str(procs[i].pid), "--duration", str(int(DURATION)),
                              "--rate", "100", "--format", "raw", "-o", f"{PROFILE}/{kind}-{name}.txt"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for i, name in ((1, "programmes"), (3, "metrics"), (4, "gateway"))]


def platform(work: Path, broker: str, port: int, bare_port: int, procs: list) -> None:
    env = platform_env(port, broker)
    env.update(PLATFORM_VAR_DIR=str(work), PLATFORM_ADMIN_KEY=KEY, LOG_LEVEL="WARNING", PYTHONWARNINGS="ignore",
               RATE_LIMIT_PER_MINUTE="1000000000", RATE_LIMIT_BURST="1000000000",
               PLAN_FILES=open_plan_files(work / "plans"),   # the load enters 2018-2021 periods
               PYTHONPATH=os.pathsep.join([str(work), env.get("PYTHONPATH", "")]))
    for service in ("programmes", "grants", "metrics", "gateway"):
        if BACKEND == "postgres":
            name = f"bench_{service}_{uuid.uuid4().hex[:8]}"
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {name}"],
                           check=True, capture_output=True)
            DATABASES.append(name)
            env[f"{service.upper()}_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{name}"
        else:
            env.pop(f"{service.upper()}_DATABASE_URL", None)
    migrate(env)
    (work / "bench_rpc.py").write_text(BARE_RPC)
    (work / "bare.yaml").write_text(f"AMQP_URI: {broker}\nWEB_SERVER_ADDRESS: 127.0.0.1:{bare_port}\n")
    procs.append(start(["--config", str(work / "bare.yaml"), "bench_rpc:EchoService", "bench_rpc:BareRpcService"],
                       env, work / "bare.log"))
    for service in ("programmes", "grants", "metrics", "gateway"):
        procs.append(start(["--config", str(config_path(service)), service_class(service)], env,
                           work / f"{service}.log"))
    if REPLICAS > 1 and BACKEND != "postgres":
        raise SystemExit("BENCH_REPLICAS > 1 needs BENCH_WRITES_BACKEND=postgres")
    for n in range(1, REPLICAS):   # after the first four: procs[1] and [4] stay programmes and the gateway
        for service in ("programmes", "metrics"):
            procs.append(start(["--config", str(config_path(service)), service_class(service)],
                               dict(env, METRICS_PORT="0"), work / f"{service}-{n}.log"))


def cpu_seconds(procs: list) -> list:
    """User + system CPU seconds used so far by each process (/proc/<pid>/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for proc in procs:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        out.append((int(fields[11]) + int(fields[12])) / tick)
    return out


def percentiles(latencies: list) -> tuple:
    if not latencies:
        return float("nan"), float("nan")
    ordered = sorted(latencies)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def freshness(client: Client, rate: float, seconds: float) -> list:
    """Serial approvals at `rate`/s; for each, how long until the progress view shows it."""
    drafts = client.drafts(int(rate * seconds) + 5)
    lags, interval = [], 1.0 / rate
    stop_at = time.monotonic() + seconds
    for result_id in drafts:
        if time.monotonic() >= stop_at:
            break
        began = time.monotonic()
        before = client.women_empowered()
        client.post(f"/v1/results/{result_id}/submit", {})
        client.post(f"/v1/results/{result_id}/approve", {})
        answered = time.monotonic()
        while client.women_empowered() < before + 1 and time.monotonic() - answered < 5:
            time.sleep(0.002)   # a poll every ~2 ms: the reader must not starve what it measures
        lags.append(time.monotonic() - answered)
        time.sleep(max(0.0, interval - (time.monotonic() - began)))
    return lags


def wrk_run(procs: list, profilers: list, lua: Path, kind: str, url: str, seconds: float, measured: bool):
    """One wrk run: (figures, CPU seconds per 2xx answer of each process)."""
    before = cpu_seconds(procs)
    if measured:
        profilers.extend(profile(procs, kind))
    out = _wrk.run(lua, url, seconds)
    used = [b - a for a, b in zip(before, cpu_seconds(procs), strict=False)]
    if out["socket_errors"] or (out["other"] and kind in WRITES):
        raise RuntimeError(f"{kind}: {out['other']} answers not 2xx, {out['socket_errors']} socket errors; "
                           f"first: {out['bad']}")
    return out, {s: u / max(1, out["ok"]) for s, u in zip(SERVICES, used, strict=False)}


def wrk_figures(client: Client, procs: list, profilers: list, work: Path, base: str, bare: str):
    """Every figure through wrk, warm-up then measured: {name: figures}, {name: CPU per operation}."""
    figures, cpu = {}, {}
    for name, kind, url in (("bare http->RPC echo", "echo", bare), ("POST /v1/programmes", "create", base)):
        for seconds, measured in ((WARMUP, False), (DURATION, True)):
            body = tuple(json.dumps({**programme_body(), "iati_identifier": f"XM-BENCH-{uuid.uuid4().hex[:8]}-@"})
                         .split("@"))
            figures[name], cpu[name] = wrk_run(procs, profilers, _wrk.script(work, kind, KEY, body=body), kind,
                                               url, seconds, measured)
    # drafts for submits at twice the creation rate (a submit alone is quicker than a create)
    per_second = figures["POST /v1/programmes"]["rate"] * 2 + 20
    drafts = {False: client.drafts(int(per_second * WARMUP)), True: client.drafts(int(per_second * DURATION))}
    for seconds, measured in ((WARMUP, False), (DURATION, True)):
        for kind, ids in (("submit", drafts[measured]), ("approve", None)):
            ids = client.submitted() if ids is None else ids   # approve what the submits left submitted
            figures[kind], cpu[kind] = wrk_run(procs, profilers, _wrk.script(work, kind, KEY, ids=ids), kind,
                                               base, seconds, measured)
    submit, approve = figures["submit"], figures["approve"]
    figures[PAIR] = {"rate": 1 / (1 / submit["rate"] + 1 / approve["rate"]), "p50": submit["p50"] + approve["p50"],
                     "p99": submit["p99"] + approve["p99"], "other": 0}
    cpu[PAIR] = {s: cpu["submit"][s] + cpu["approve"][s] for s in SERVICES}
    name = "GET /v1/programmes?limit=10"
    for seconds, measured in ((WARMUP, False), (DURATION, True)):
        figures[name], cpu[name] = wrk_run(procs, profilers, _wrk.script(work, "list", KEY), "list", base,
                                           seconds, measured)
    return figures, cpu


def python_figures(client: Client, procs: list, profilers: list, base: str, bare: str):
    """The same figures from Python client threads (no wrk); the pair timed as one operation."""
    figures, cpu = {}, {}
    for name, kind, target in (("bare http->RPC echo", "echo", bare), ("POST /v1/programmes", "create", base),
                               (PAIR, "approve", base), ("GET /v1/programmes?limit=10", "list", base)):
        # enough drafts for approvals at the creation rate (an approval is two writes)
        drafts = int(figures.get("POST /v1/programmes", {"rate": 0})["rate"] * 1.2) + 20
        todo = client.drafts(int(drafts * (WARMUP + DURATION))) if kind == "approve" else []
        run_load(kind, target, KEY, WARMUP, todo[:int(drafts * WARMUP)])
        del todo[:int(drafts * WARMUP)]
        cpu_before = cpu_seconds(procs)
        rate, latencies = run_load(kind, target, KEY, DURATION, todo,
                                   profile=lambda kind=kind: profilers.extend(profile(procs, kind)))
        p50, p99 = percentiles(latencies)
        figures[name] = {"rate": rate, "p50": p50, "p99": p99, "other": 0}
        cpu[name] = {s: (b - a) / max(1, len(latencies)) for s, a, b in zip(SERVICES, cpu_before, cpu_seconds(procs),
                                                                            strict=False)}
    return figures, cpu


def main() -> int:
    multiprocessing.set_start_method("spawn", force=True)
    broker, vhost = make_vhost(os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
    work = Path(tempfile.mkdtemp(prefix="bench-writes-"))
    port, bare_port = free_port(), free_port()
    procs: list = []
    profilers: list = []
    try:
        platform(work, broker, port, bare_port, procs)
        wait_for_http(f"http://127.0.0.1:{port}/health", timeout=120, procs=procs)
        base, bare = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{bare_port}"
        client = Client(base, KEY)
        client.setup()
        figures, cpu = wrk_figures(client, procs, profilers, work, base, bare) if WRK \
            else python_figures(client, procs, profilers, base, bare)
        approvals = figures[PAIR]["rate"]
        lags = freshness(client, max(1.0, approvals / 2), FRESHNESS) if FRESHNESS else []
    finally:
        for proc in profilers:
            proc.wait(DURATION + 60)
        stop(procs)
        shutil.rmtree(work, ignore_errors=True)
        if vhost:
            subprocess.run([shutil.which("rabbitmqctl"), "delete_vhost", vhost], capture_output=True, timeout=120)
        for name in DATABASES:
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"],
                           capture_output=True, timeout=60)
    report(figures, cpu, lags, approvals)
    return 0


def report(figures: dict, cpu: dict, lags: list, approvals: float) -> None:
    rows = ["bare http->RPC echo", "POST /v1/programmes", PAIR, "GET /v1/programmes?limit=10"]
    bare = figures[rows[0]]["rate"]
    print(f"machine:    {machine()} (shared: other engineers' tests may be running)")
    print(f"command:    python bench/gateway_writes.py  (BENCH_DURATION={DURATION:g} BENCH_FRESHNESS={FRESHNESS:g} "
          f"backend={BACKEND} replicas={REPLICAS})")
    print("load:       " + ("wrk -t 1 -c 8 (a Lua script per run; only 2xx answers count); the pair's rate is "
                            "1/(1/submit + 1/approve) of two runs over the same drafts, p50/p99 the sums"
                            if WRK else "python http.client threads in a separate process (no wrk); the pair timed "
                            "as one operation"))
    for name in rows + (["submit", "approve"] if WRK else []):
        f = figures[name]
        ratio = f"{f['rate'] / bare:5.2f} of bare RPC" if name != rows[0] else "-"
        label = name if name in rows else f"  {name} (wrk run)"
        print(f"{label:<28} {f['rate']:8.1f} /s   p50 {f['p50'] * 1000:6.1f} ms   p99 {f['p99'] * 1000:6.1f} ms   "
              f"{ratio}" + (f"   non-2xx {f['other']}" if f["other"] else ""))
    # CPU per operation moves far less than rates when other work shares the cores.
    print("CPU ms per operation (user + system, each process)   " + "  ".join(f"{s:>10}" for s in SERVICES))
    for name, used in cpu.items():
        print(f"  {name:<50} " + "  ".join(f"{used[s] * 1000:10.1f}" for s in SERVICES if s in used))
    p50, p99 = percentiles(lags)
    print(f"{'freshness':<28} {len(lags)} approvals at {max(1.0, approvals / 2):.1f}/s   "
          f"p50 {p50 * 1000:6.1f} ms   p99 {p99 * 1000:6.1f} ms   (aim: p50 < 50 ms, p99 < 150 ms)")
    print("json: " + json.dumps({"writes": {k: {"rate": figures[k]["rate"], "p50": figures[k]["p50"],
                                                  "p99": figures[k]["p99"], "non2xx": figures[k]["other"]}
                                              for k in rows},
                                 "load": "wrk" if WRK else "python",
                                 "freshness": {"p50": p50, "p99": p99, "n": len(lags)},
                                 "backend": BACKEND, "replicas": REPLICAS, "cpu_ms": {
                                     k: {s: round(v * 1000, 2) for s, v in c.items()} for k, c in cpu.items()}}))


if __name__ == "__main__":
    sys.exit(main())
