"""Duplicates injected on the broker: every result.approved event programmes has published so
far is published again, twice, to its exchange (what a relay that crashed between publish and
mark, or a broker redelivery, produces)."""
import time

from chaos.scenarios import QUICK_PLATFORM, Faults
from chaos.tap import Tap
from tests.helpers import publish_event

TITLE = "every result.approved event published twice more on the broker, under load"
PROVES = "consumers apply each event once (the inbox): duplicates are not counted twice"
BACKENDS = ("sqlite", "postgresql")
COPIES = 2


def platform(quick: bool) -> dict:
    return dict(QUICK_PLATFORM) if quick else {}


def inject(p, load, quick: bool) -> Faults:
    tap = Tap(p.amqp_uri, routing_key="result.approved")
    try:
        time.sleep(5 if quick else 15)
        events = tap.drain()
        for body in events:
            publish_event(p.amqp_uri, body, times=COPIES)
    finally:
        tap.delete()
    return Faults(f"{len(events)} result.approved events published {COPIES} more times each",
                  len(events) * COPIES, None)
