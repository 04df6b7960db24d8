"""Broker failover on a three-node RabbitMQ cluster (chaos/scenarios/cluster.py): under a
steady stream of approvals one node is SIGKILLed, returns, then another; the services move
to a live node by themselves and nothing is lost or counted twice. About a minute per
backend, so only with CHAOS_CLUSTER=1 (`make chaos` sets it)."""
import os

import pytest

from chaos.scenarios.cluster import run_cluster_scenario

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(not os.environ.get("CHAOS_CLUSTER"), reason="starts a RabbitMQ cluster: CHAOS_CLUSTER=1"),
]


@pytest.mark.timeout(600)   # 75 s on a quiet machine, 140 s while other runs load it
@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_killing_cluster_nodes_under_load_loses_nothing(backend):
    figures = run_cluster_scenario(quick=True, backend=backend)
    print(figures)

    assert figures["queue_replicas"] == [3]   # every quorum queue on every node
    assert figures["acknowledged"] > 0 and figures["approved_in_source"] >= figures["acknowledged"]
    assert (figures["lost"], figures["counted_twice"], figures["unexpected"]) == ([], [], [])
    assert [f["sigkill"].split("-")[1] for f in figures["faults"]] == ["a", "b"]
    assert all(f["recovered_s"] is not None for f in figures["faults"]), figures["faults"]
    assert figures["services_exited"] == []   # no service died of a connection broken under a worker
    # the gateway answered every request (no refused connection, no hang), never with a 500
    assert all(status.isdigit() and status != "500" for status in figures["answers"]), figures["answers"]
    assert figures["ok"]
