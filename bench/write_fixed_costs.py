"""Two fixed costs of every write, in one process, as CPU per operation (steadier than the whole
platform's figures on a shared machine): a command run under a request key (shared.runtime.commands:
the key's lookup, an insert, the outcome, the commit; SQLite, or BENCH_COSTS_DATABASE_URL), and an
RPC-style publish with confirms through nameko's Publisher and through the kept producers
(shared.runtime.kept_producers, when the tree has them). Run it in two trees to compare them:

    python bench/write_fixed_costs.py   (from each tree)   env: BENCH_COSTS_N (2000 of each), AMQP_URI"""
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from kombu import Connection, Exchange, Queue
from nameko.amqp.publish import Publisher

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from shared.db import create_engine  # noqa: E402
from tests.unit.test_commands import Pledges, metadata  # noqa: E402  # a command as the services run them

N = int(os.environ.get("BENCH_COSTS_N", 2000))


def per_op(fn, n: int) -> float:
    start = time.process_time()
    for i in range(n):
        fn(i)
    return (time.process_time() - start) / n * 1000


def commands_cost() -> float:
    url = os.environ.get("BENCH_COSTS_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/costs.sqlite3"
    engine = create_engine(url)
    metadata.create_all(engine)
    try:
        return per_op(lambda i: Pledges(engine, f"key-{uuid.uuid4()}").pledge(i + 1), N)
    finally:
        metadata.drop_all(engine)
        engine.dispose()


def publish_costs(amqp_uri: str) -> dict[str, float]:
    name = f"bench-costs-{uuid.uuid4().hex[:8]}"
    exchange = Exchange(name, type="direct", durable=False, auto_delete=True)
    publishers = {"nameko Publisher": Publisher(amqp_uri)}
    try:
        from shared.runtime.kept_producers import KeptPublisher
        publishers["KeptPublisher"] = KeptPublisher(amqp_uri)
    except ImportError:
        pass
    with Connection(amqp_uri) as conn:
        Queue(name, exchange=exchange, routing_key=name, durable=False, auto_delete=True,
              queue_arguments={"x-max-length": 1000})(conn.channel()).declare()
        return {what: per_op(lambda i, p=p: p.publish({"result": i}, exchange=exchange, routing_key=name), N)
                for what, p in publishers.items()}


def main() -> int:
    print(f"tree: {os.getcwd()}  load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}  n={N}")
    print(f"command under a request key   {commands_cost():6.3f} ms CPU per command")
    for what, ms in publish_costs(os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")).items():
        print(f"publish, confirmed ({what}){' ' * (17 - len(what))} {ms:6.3f} ms CPU per message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
