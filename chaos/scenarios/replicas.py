"""Two of every service (gateways on two ports, the load alternating between them) against one
PostgreSQL and one broker. SQLite is one process per database file: PostgreSQL only."""
import time

from chaos.scenarios import Faults
from chaos.tap import Tap

TITLE = "two replicas of every service, gateways on two ports, under load"
PROVES = ("replicas give the same figures as one process (nothing lost or double-counted) and the outbox relays "
          "coordinate: each event published once in the common case")
BACKENDS = ("postgresql",)


def platform(quick: bool) -> dict:
    return {"replicas": 2}


def inject(p, load, quick: bool) -> Faults:
    tap = Tap(p.amqp_uri)
    began, acked = time.monotonic(), len(load.acknowledged)
    time.sleep(15 if quick else 40)
    rate = (len(load.acknowledged) - acked) / (time.monotonic() - began)
    return Faults("none (two processes of each service)", 0, None,
                  notes=[f"{rate:.1f} approvals/s acknowledged across both gateways"], context={"tap": tap})


def verify(p, faults: Faults) -> list[str]:
    tap = faults.context["tap"]
    try:
        tap.drain()
    finally:
        tap.delete()
    twice = tap.twice()
    faults.notes.append(f"{len(tap.seen)} programmes events seen on the broker, {twice} published more than once")
    return []
