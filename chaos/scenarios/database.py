"""PostgreSQL away for 10 s under load: every service's database connection cut at its proxy
(dropped, new ones refused); the shared PostgreSQL itself is never touched."""
import time

from chaos.scenarios import Faults, health

TITLE = "PostgreSQL away for 10 s (every service's connections cut at the proxy)"
PROVES = ("with the database away requests answer 503 with Retry-After, events wait in their queues and are "
          "applied once after, and the outboxes catch up")
BACKENDS = ("postgresql",)


def platform(quick: bool) -> dict:
    return {}


def inject(p, load, quick: bool) -> Faults:
    for proxy in p.db_proxies.values():
        proxy.cut()
    time.sleep(3)
    notes = ["database away: " + health(p.bases[0])]
    time.sleep(7)
    for proxy in p.db_proxies.values():
        proxy.restore()
    return Faults("all database connections cut 10 s", 1, time.monotonic(), notes)
