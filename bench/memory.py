"""Figure 7, memory: the resident memory (VmRSS) of each service process with N results stored,
while E events flow through it, and whether it grows across the second half of the run.

The platform runs as processes on SQLite (as `make run`), on a vhost of its own. Before it
starts, programmes' database is loaded with N results (bench/programmes_list.py's generator)
and metrics' with N result facts and their aggregates (bench/metrics_events.py's loader and
the rebuild). Then E result events (half new approved results, half revisions of stored ones)
are published to the programmes exchange as its relay would (confirmed, persistent), in
batches, and metrics (its projection) and the gateway (its feed) consume them all. Each
process's VmRSS is read twice a second; reported: after start-up, the peak, and the peak of the
first and second halves of the event flow (flat: the second no higher than the first), and the
private part (RssAnon: VmRSS less mapped files such as metrics' memory-mapped database).

    python bench/memory.py   (make bench: N 1,000,000, E 100,000; --quick: 20,000 and 1,500)
    env: BENCH_MEMORY_RESULTS (N), BENCH_MEMORY_EVENTS (E)"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]
N = int(os.environ.get("BENCH_MEMORY_RESULTS", 1_000_000))
E = int(os.environ.get("BENCH_MEMORY_EVENTS", 100_000))
os.environ.setdefault("BENCH_RESULTS", str(N))
os.environ.setdefault("BENCH_PROGRAMMES", str(max(1000, N // 10)))

from bench import metrics_events, programmes_list  # noqa: E402
from bench.gateway_progress import free_port, make_vhost, stop  # noqa: E402
from bench.gateway_writes import start  # noqa: E402
from scripts.run_platform import config_path, migrate, platform_env, service_class, wait_for_http  # noqa: E402
from shared.db import create_engine, session_factory  # noqa: E402
from shared.messaging import topology  # noqa: E402
from shared.messaging.publisher import ConfirmingPublisher, Outgoing  # noqa: E402

SERVICES = ("programmes", "grants", "metrics", "gateway")


def rss_kb(pid: int) -> tuple[int, int]:
    """VmRSS and its private part (RssAnon), in kB: the rest is mapped files, above all metrics'
    SQLite database (metrics.db maps up to 4 GB of it), pages the kernel can drop at any time."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(status["VmRSS"].split()[0]), int(status.get("RssAnon", "0 kB").split()[0])


def load(work: Path) -> None:
    from metrics import handlers, models
    from metrics.unit_of_work import MetricsUnitOfWork
    programmes_list.load(f"sqlite:///{work / 'programmes.sqlite3'}")
    url = f"sqlite:///{work / 'metrics.sqlite3'}"
    metrics_events.load(url, N, random.Random(N))
    sessions = session_factory(create_engine(url))
    handlers.rebuild(MetricsUnitOfWork(sessions, models.outbox, models.inbox, producer="metrics"))


def queued(broker: str) -> int:
    from kombu import Connection
    with Connection(broker) as conn:
        channel = conn.channel()
        return sum(channel.queue_declare(queue=f"{s}.events", passive=True).message_count
                   for s in ("metrics", "gateway"))


def publish(broker: str, events: list, progress) -> None:
    """As fast as the consumers take them (the backlog bound paces it): the rate is what the
    platform consumes, reported as it goes (`progress`, every 10,000 events)."""
    publisher = ConfirmingPublisher(broker)
    exchange = topology.event_exchange("programmes").name
    try:
        for i in range(0, len(events), 200):
            if i and i % 10_000 == 0:
                progress(i)
            publisher.publish_batch([Outgoing(json.dumps(e.to_message()), exchange, e.type,
                                              {"nameko.correlation_id": e.correlation_id}, e.event_id)
                                     for e in events[i:i + 200]])
            while queued(broker) > 2000:   # as a relay behind busy consumers: no unbounded backlog
                time.sleep(0.2)
    finally:
        publisher.close()


def main() -> int:
    broker, vhost = make_vhost(os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
    work = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    env = platform_env(free_port(), broker)
    env.update(PLATFORM_VAR_DIR=str(work), LOG_LEVEL="WARNING", PYTHONWARNINGS="ignore", METRICS_PORT="0")
    for service in SERVICES:
        env.pop(f"{service.upper()}_DATABASE_URL", None)
    procs: list = []
    samples: dict = {s: [] for s in SERVICES}
    marks: dict = {}
    try:
        migrate(env)
        started = time.monotonic()
        load(work)
        loaded = time.monotonic() - started
        print(f"loaded {N:,} results in {loaded:.0f}s", flush=True)
        for service in SERVICES:
            procs.append(start(["--config", str(config_path(service)), service_class(service)], env,
                               work / f"{service}.log"))
        wait_for_http(f"http://{env['GATEWAY_ADDRESS']}/health", timeout=180, procs=procs)
        time.sleep(2)
        done = threading.Event()

        def sample():
            while not done.is_set():
                for service, proc in zip(SERVICES, procs, strict=True):
                    samples[service].append((time.monotonic(), *rss_kb(proc.pid)))
                time.sleep(0.5)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        time.sleep(1)
        events = metrics_events.events(N, E, random.Random(E))
        marks["start"] = time.monotonic()

        def progress(sent: int) -> None:
            took = time.monotonic() - marks["start"]
            print(f"{sent:,} events sent in {took:.0f}s ({sent / took:.0f}/s; load {os.getloadavg()[0]:.1f}); VmRSS/"
                  "private MB " + ", ".join(f"{s} {samples[s][-1][1] / 1024:.0f}/{samples[s][-1][2] / 1024:.0f}"
                                            for s in SERVICES), flush=True)
        publish(broker, events, progress)
        while queued(broker):
            time.sleep(0.5)
        time.sleep(2)   # the last deliveries in flight
        marks["end"] = time.monotonic()
        done.set()
        sampler.join()
    finally:
        stop(procs)
        if vhost:
            subprocess.run([shutil.which("rabbitmqctl"), "delete_vhost", vhost], capture_output=True, timeout=120)
        shutil.rmtree(work, ignore_errors=True)
    middle = (marks["start"] + marks["end"]) / 2
    print(f"memory: {N:,} results stored (loaded in {loaded:.0f}s), then {E:,} result events in "
          f"{marks['end'] - marks['start']:.0f}s through metrics and the gateway; VmRSS MB")
    print(f"{'service':<11} {'started':>8} {'peak':>7} {'1st half peak':>14} {'2nd half peak':>14} {'growth':>7} "
          f"{'private peak':>13} {'private growth':>15}")
    rows = {}
    for service in SERVICES:
        before = [s for s in samples[service] if s[0] < marks["start"]]
        first = [s for s in samples[service] if marks["start"] <= s[0] < middle]
        second = [s for s in samples[service] if s[0] >= middle]
        row = {"started": before[-1][1] / 1024, "peak": max(s[1] for s in samples[service]) / 1024,
               "first": max(s[1] for s in first) / 1024, "second": max(s[1] for s in second) / 1024,
               "private_peak": max(s[2] for s in samples[service]) / 1024,
               "private_growth": (max(s[2] for s in second) - max(s[2] for s in first)) / 1024}
        rows[service] = row
        print(f"{service:<11} {row['started']:8.0f} {row['peak']:7.0f} {row['first']:14.0f} {row['second']:14.0f} "
              f"{row['second'] - row['first']:+7.0f} {row['private_peak']:13.0f} {row['private_growth']:+15.0f}")
    print("aim: under 250 MB each, second half no higher than the first")
    print("json: " + json.dumps({"memory": rows, "results": N, "events": E}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
