"""Broker failover on a three-node RabbitMQ cluster (chaos/scenarios/cluster.py), through the
common chaos runner: under load one node is SIGKILLed, returns, then another; the services
move to a live node by themselves and nothing is lost or counted twice. A minute or two per
backend, so only with CHAOS_CLUSTER=1 (`make chaos` runs the full form)."""
import os

import pytest

from chaos.run import run

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
