"""Poison injected on the broker, straight into metrics' event queue under load: bodies kombu
cannot decode (bad JSON, text/plain, a pickle), JSON that is no envelope, an envelope of a
type no contract has. Each must be parked in metrics.dead-letters with its reason, and the
stream of real events must go on being counted."""
import json
import pickle
from datetime import datetime, timezone

from chaos.scenarios import QUICK_PLATFORM, Faults
from shared.events import make_envelope
from shared.messaging import topology
from tests.helpers import drain_messages, queue_depth

TITLE = "undecodable and invalid messages put into metrics' event queue, under load"
PROVES = "poison is parked with its reason (never unpickled, never lost silently) and real events keep flowing"
BACKENDS = ("sqlite", "postgresql")


def _bodies() -> list[tuple[bytes, str, str]]:
    unknown = make_envelope("programme.created", {
        "programme_id": "chaos-poison", "title": "Poison", "funding_window": "global", "themes": ["cities_migration"],
        "countries": ["UG"], "cities": [{"name": "Jinja", "country": "UG"}],
        "created_at": datetime.now(timezone.utc)}, producer="programmes", version=1).to_message()
    unknown["type"] = "chaos.unknown"
    return [(b"{not json at all", "application/json", "utf-8"),
            (b"hello, plain text", "text/plain", "utf-8"),
            (pickle.dumps({"poison": True}), "application/x-python-serialize", "binary"),
            (json.dumps({"not": "an envelope"}).encode(), "application/json", "utf-8"),
            (json.dumps(unknown, default=str).encode(), "application/json", "utf-8")]


def platform(quick: bool) -> dict:
    return dict(QUICK_PLATFORM) if quick else {}


def inject(p, load, quick: bool) -> Faults:
    from kombu import Connection
    queue, parked = topology.queue_name("metrics"), topology.dead_letter_queue("metrics").name
    before = queue_depth(p.amqp_uri, parked)
    rounds = 2 if quick else 6
    with Connection(p.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer()
        for _ in range(rounds):
            for body, content_type, encoding in _bodies():
                producer.publish(body, exchange="", routing_key=queue, content_type=content_type,
                                 content_encoding=encoding, delivery_mode=2)
    sent = rounds * len(_bodies())
    return Faults(f"{sent} poison messages ({len(_bodies())} kinds x {rounds})", sent, None,
                  context={"before": before, "parked": parked})


def verify(p, faults: Faults) -> list[str]:
    parked = faults.context["parked"]
    now = queue_depth(p.amqp_uri, parked) - faults.context["before"]
    reasons = sorted({str((m.headers or {}).get("x-parked-reason")) for m in drain_messages(p.amqp_uri, parked, 500)})
    faults.notes.append(f"{now} of {faults.count} parked in {parked} (reasons: {', '.join(reasons)})")
    return [] if now == faults.count else [f"{faults.count} poison messages sent, {now} parked"]
