"""The vertical slice across programmes, grants and metrics, run as nameko
containers on the real broker and real databases (SQLite and PostgreSQL)."""
import pytest

from metrics.service import MetricsService
from programmes.service import ProgrammesService
from grants.service import GrantsService
from tests.helpers import rpc_proxy, wait_until

pytestmark = pytest.mark.broker

JINJA = {"name": "Jinja", "country": "UG"}
PROGRAMME = {"title": "Jinja urban upgrading", "funding_window": "country_city",
             "themes": ["gender_equality"], "countries": ["UG", "KE"],
             "cities": [JINJA, {"name": "Kisumu", "country": "KE"}]}


def target(progress, code):
    return next(t for t in progress["targets"] if t["code"] == code)


def test_programme_result_and_grant_reach_the_objective(container_factory, service_config, amqp_uri):
    for cls in (ProgrammesService, GrantsService, MetricsService):
        container_factory(cls, service_config(cls.name)).start()

    with rpc_proxy(amqp_uri) as rpc:
        before = rpc.metrics.get_progress()
        assert target(before, "people_reached")["value"] == 0
        programme = rpc.programmes.create_programme(PROGRAMME)
        rpc.programmes.record_result(programme["id"], {"indicator": "people_reached", "city": JINJA,
                                                       "value": 25000})
        rpc.programmes.record_result(programme["id"], {"indicator": "women_empowered",
                                                       "city": {"name": "Kisumu", "country": "KE"},
                                                       "value": 900})
        rpc.grants.award_grant({"programme_id": programme["id"], "recipient": "Jinja Municipal Council",
                                "amount": {"amount": "150000.00", "currency": "USD"}})

        progress = wait_until(
            lambda: (p := rpc.metrics.get_progress())["money"]["committed"]
            and target(p, "people_reached")["value"] == 25000 and p, message="metrics to catch up")
    assert target(progress, "cities_women_empowered")["value"] == 1
    assert target(progress, "countries_reached")["value"] == 2
    assert progress["money"]["committed"] == [{"currency": "USD", "amount": "150000.00"}]
    assert target(progress, "people_reached")["share"] == "0.001250"  # 25,000 / 20,000,000
