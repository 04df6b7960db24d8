"""A queue of the run's own bound to programmes' event exchange: every event programmes
publishes, as the broker delivered it (to count events sent, events published twice, and to
replay them as duplicates)."""
import json
import uuid
from collections import Counter

from kombu import Connection, Queue

from shared.messaging import topology
from tests.helpers import drain_messages


class Tap:
    def __init__(self, amqp_uri: str, producer: str = "programmes", routing_key: str = "#"):
        self.amqp_uri, self.name = amqp_uri, f"chaos.tap-{uuid.uuid4().hex[:8]}"
        self.queue = Queue(self.name, topology.event_exchange(producer), routing_key=routing_key, durable=True)
        with Connection(amqp_uri) as conn:
            self.queue(conn.default_channel).declare()
        self.seen: Counter = Counter()   # event_id -> copies delivered
        self.bodies: list[dict] = []

    def drain(self) -> list[dict]:
        """The events delivered since the last drain (all of them taken)."""
        new = []
        while batch := drain_messages(self.amqp_uri, self.name, limit=500):
            new += [json.loads(m.body) for m in batch]
        for body in new:
            self.seen[body["event_id"]] += 1
        self.bodies += new
        return new

    def twice(self) -> int:
        return sum(1 for n in self.seen.values() if n > 1)

    def delete(self) -> None:
        with Connection(self.amqp_uri) as conn:
            self.queue(conn.default_channel).delete()
