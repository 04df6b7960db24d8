"""The vertical slice across programmes, grants and metrics, run as nameko
containers on the real broker and real databases (SQLite and PostgreSQL)."""
import pytest

from grants.service import GrantsService
from metrics.service import MetricsService
from programmes.service import ProgrammesService
from tests.grants_flow import award_over_rpc
from tests.helpers import rpc_proxy, wait_until
from tests.programmes_flow import approved_over_rpc, programme_body, started_over_rpc

pytestmark = pytest.mark.broker

PROGRAMME = programme_body("Jinja urban upgrading")


def target(progress, code):
    return next(t for t in progress["targets"] if t["code"] == code)


def test_programme_result_and_grant_reach_the_objective(container_factory, service_config, amqp_uri):
    for cls in (ProgrammesService, GrantsService, MetricsService):
        container_factory(cls, service_config(cls.name)).start()

    with rpc_proxy(amqp_uri) as rpc:
        before = rpc.metrics.get_progress()
        assert target(before, "people_reached")["value"] == 0
        programme = started_over_rpc(rpc, PROGRAMME)
        approved_over_rpc(rpc, programme, 25000)
        approved_over_rpc(rpc, programme, 900, indicator="women_empowered", city="Kisumu")
        award_over_rpc(rpc, programme["id"], "Jinja Municipal Council", "150000.00")

        progress = wait_until(
            lambda: (p := rpc.metrics.get_progress())["money"]["committed"]
            and target(p, "people_reached")["value"] == 25000 and p, message="metrics to catch up")
    assert target(progress, "cities_women_empowered")["value"] == 1
    assert target(progress, "countries_reached")["value"] == 2
    assert progress["money"]["committed"] == [{"currency": "USD", "amount": "150000.00"}]
    assert target(progress, "people_reached")["share"] == "0.001250"  # 25,000 / 20,000,000
