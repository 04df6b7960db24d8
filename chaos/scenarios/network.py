"""Network faults between programmes and its backends, through its proxies: 200 ms of latency
each way, then a stall (connections open, nothing forwarded), then a cut; to the broker, and
on PostgreSQL to the database too."""
import time

from chaos.scenarios import Faults

TITLE = "programmes <-> broker (and <-> PostgreSQL): 200 ms latency 10 s, a 10 s stall, a 5 s cut"
PROVES = ("a slow, stalled or cut link between one service and a backend costs time (504/503 answers, retried "
          "with their Idempotency-Key) but loses nothing and counts nothing twice")
BACKENDS = ("sqlite", "postgresql")


def platform(quick: bool) -> dict:
    return {}


def inject(p, load, quick: bool) -> Faults:
    links = [("broker", p.broker_proxies["programmes"])]
    if "programmes" in p.db_proxies:
        links.append(("database", p.db_proxies["programmes"]))
    for _name, proxy in links:
        proxy.latency = 0.2
        time.sleep(10)
        proxy.latency = 0.0
        proxy.pause()
        time.sleep(10)
        proxy.resume()
        time.sleep(2)
        proxy.cut()
        time.sleep(5)
        proxy.restore()
        time.sleep(3)
    return Faults(f"latency, stall and cut on programmes' link to the {' and the '.join(n for n, _ in links)}",
                  3 * len(links), time.monotonic())
