"""Broker failover on a three-node RabbitMQ cluster (chaos/scenarios/cluster.py), through the
common chaos runner: under load one node is SIGKILLed, returns, then another; the services
move to a live node by themselves and nothing is lost or counted twice. A minute or two per
backend, so only with CHAOS_CLUSTER=1 (`make chaos` runs the full form)."""
import os

import pytest
from kombu import Connection

from chaos.cluster import RabbitCluster
from chaos.run import run
from shared.messaging import topology
from tests.backbone.test_dead_letter_queues import EVENTS, park_poison
from tests.backbone.test_undecodable import ProbeService, probe_queue  # noqa: F401 (fixture)
from tests.helpers import drain_messages, queue_depth, wait_until

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(not os.environ.get("CHAOS_CLUSTER"), reason="starts a RabbitMQ cluster: CHAOS_CLUSTER=1"),
]


@pytest.mark.timeout(600)
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killing_cluster_nodes_under_load_loses_nothing(backend):
    [record] = run(["cluster"], [backend], quick=True)
    print(record.notes)

    assert record.fault_count == 2 and record.verdict.acknowledged > 0
    assert not record.verdict.lost and not record.verdict.duplicated and not record.verdict.unexpected, \
        record.verdict.summary()
    # verify: every quorum queue has 3 replicas again, no service exited, approvals resumed after each kill
    assert not record.problems, record.problems
    assert [n.split()[1] for n in record.notes if n.startswith("node ")] == ["a", "b"]   # killed in turn
    # the gateway answered every request (no refused connection, no hang), never with a 500
    assert not [s for s in record.statuses if s == "error" or (isinstance(s, int) and s >= 500 and s not in (503, 504))]


@pytest.fixture(scope="module")
def cluster():
    nodes = RabbitCluster(3).start()
    yield nodes
    nodes.stop()


def leader_of(cluster, queue):
    leader = next(q["leader"] for q in cluster.queues() if q["name"] == queue)
    return next(n for n in cluster.nodes if n.node == leader)


@pytest.mark.timeout(300)
@pytest.mark.usefixtures("probe_queue")
def test_an_event_parked_while_the_dead_letter_leader_is_killed_is_kept(cluster, container_factory):
    """The service's own node leads its dead-letter queue (it declared it): SIGKILL it, and a poison
    event sent meanwhile is parked all the same, readable while the node is away, and kept once
    it is back: nothing lost, nothing parked twice."""
    container_factory(ProbeService, {"AMQP_URI": cluster.amqp_uri()}).start()
    dead = topology.dead_letter_queue("probe").name
    park_poison(cluster.amqp_uri(), "before")
    wait_until(lambda: queue_depth(cluster.amqp_uri(), dead) == 1, 30, message="parked before the kill")
    victim = leader_of(cluster, dead)
    live = next(n for n in cluster.nodes if n is not victim).amqp_uri

    cluster.kill(victim)
    park_poison(live, "during")
    wait_until(lambda: queue_depth(live, dead) == 2, 60, 0.5, "parked with its leader's node dead")
    cluster.restart(victim)

    wait_until(lambda: {q["name"]: q["replicas"] for q in cluster.queues()}.get(dead) == 3, 60, 0.5,
               "the dead-letter queue on three nodes again")
    assert sorted(m.properties["message_id"] for m in drain_messages(live, dead)) == ["before", "during"]
    assert queue_depth(live, EVENTS) == 0


@pytest.mark.timeout(400)
@pytest.mark.usefixtures("probe_queue")
def test_an_older_classic_dead_letter_queue_refuses_parks_while_its_node_is_away(cluster, container_factory, caplog):
    """What `platformctl dead-letters upgrade` is for: a classic dead-letter queue (a platform deployed
    before they were quorum) lives on one node. While that node is away the broker finds no queue to
    route a park to (NO_ROUTE); published without `mandatory` it was confirmed and dropped: lost. Now
    it is refused, the event goes back to the consumer's queue and is parked once the node returns."""
    dead, home = topology.dead_letter_queue("probe").name, cluster.nodes[0]
    with Connection(home.amqp_uri) as conn:  # on the first node, as the service of an older release did
        conn.default_channel.queue_delete(dead)  # the quorum one another test left
        topology.dead_letter_queue("probe", classic=True)(conn.default_channel).declare()
    others = ";".join(n.amqp_uri for n in cluster.nodes[1:])  # the service on the other nodes
    container_factory(ProbeService, {"AMQP_URI": others}).start()
    park_poison(others, "before")  # parked: the publisher's declaration is now cached
    wait_until(lambda: queue_depth(others, dead) == 1, 30, message="parked before the kill")

    cluster.kill(home)
    park_poison(others, "during")
    wait_until(lambda: "NO_ROUTE" in caplog.text, 30, 0.5, "the park refused while the queue's node is away")
    cluster.restart(home)

    wait_until(lambda: queue_depth(others, dead) == 2, 90, 0.5, "the event parked once the node is back")
    assert sorted(m.properties["message_id"] for m in drain_messages(others, dead)) == ["before", "during"]
