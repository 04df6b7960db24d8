"""The programmes service as a nameko container on the real broker, with the metrics
service consuming its events, on SQLite and PostgreSQL: the review workflow reaches the
objective's figures, a revision replaces (never adds), and a JWP's projects count once."""
import pytest

from metrics.service import MetricsService
from programmes.service import ProgrammesService
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.messaging import topology
from tests.helpers import queue_depth, rpc_proxy, wait_until
from tests.programmes_flow import programmes

pytestmark = pytest.mark.broker

ORG = {"ref": "XM-ORG-7", "name": "Partner seven"}


def programme_body(n, **extra):
    return {"iati_identifier": f"XM-ORG-7-{n}", "reporting_org": ORG, "title": f"Programme {n}",
            "funding_window": "country_city", "instrument": "country_programme", "themes": ["gender_equality"],
            "countries": ["UG", "KE"],
            "cities": [{"name": "Jinja", "country": "UG"}, {"name": "Kisumu", "country": "KE"}],
            "indicators": [{"code": "people_reached"}, {"code": "women_empowered"}], **extra}


def people(rpc):
    return next(t["value"] for t in rpc.metrics.get_progress()["targets"] if t["code"] == "people_reached")


def start(rpc, body):
    programme = programmes(rpc).create_programme(body)
    return programmes(rpc).change_status(programme["id"], {"status": "implementation"})


def approve(rpc, programme, value, city="Jinja", indicator="people_reached", period=("2020-01-01", "2020-06-30")):
    city_id = next(c["id"] for c in programme["cities"] if c["name"] == city)
    result = programmes(rpc).create_result(programme["id"], {
        "indicator": indicator, "city_id": city_id, "period": {"start": period[0], "end": period[1]},
        "value": value})
    programmes(rpc).submit_result(result["id"], {})
    return programmes(rpc).approve_result(result["id"], {})


def test_approved_values_count_revisions_replace_and_children_count_once(container_factory, service_config,
                                                                           amqp_uri):
    for cls in (ProgrammesService, MetricsService):
        container_factory(cls, service_config(cls.name)).start()
    with rpc_proxy(amqp_uri) as rpc:
        programme = start(rpc, programme_body(1))
        result = approve(rpc, programme, 1200)
        wait_until(lambda: people(rpc) == 1200, message="metrics to count the approved value")

        programmes(rpc).revise_result(result["id"], {"value": "1000", "comment": "counted a ward twice"})
        assert people(rpc) == 1200            # the correction is not approved yet
        programmes(rpc).approve_result(result["id"], {})
        wait_until(lambda: people(rpc) == 1000, message="the revision to replace the value")

        drafted = programmes(rpc).create_result(programme["id"], {
            "indicator": "people_reached", "city_id": programme["cities"][1]["id"],
            "period": {"start": "2020-01-01", "end": "2020-06-30"}, "value": 5})
        programmes(rpc).submit_result(drafted["id"], {})
        programmes(rpc).return_result(drafted["id"], {"comment": "evidence?"})

        jwp = start(rpc, programme_body("JWP", funding_window="global", instrument="joint_work_programme"))
        kids = [start(rpc, programme_body(f"P{i}", parent_id=jwp["id"])) for i in (1, 2)]
        approve(rpc, jwp, 50)
        approve(rpc, kids[0], 100)
        approve(rpc, kids[1], 200, city="Kisumu")
        wait_until(lambda: people(rpc) == 1350, message="parent and children counted once each")
        totals = programmes(rpc).programme_totals(jwp["id"])
        assert totals["indicators"][0]["total"] == "350"
        assert queue_depth(amqp_uri, topology.queue_name("metrics")) == 0
        history = programmes(rpc).get_result(result["id"])["versions"]
        assert [(v["version"], v["status"]) for v in history] == [(1, "superseded"), (2, "approved")]


def test_errors_cross_rpc_as_their_classes(container_factory, service_config, amqp_uri):
    container_factory(ProgrammesService, service_config("programmes")).start()
    with rpc_proxy(amqp_uri) as rpc:
        programme = programmes(rpc).create_programme(programme_body(1))
        with pytest.raises(InvalidInput) as caught:
            programmes(rpc).create_programme(programme_body(1))
        assert set(caught.value.errors) == {"iati_identifier"}
        with pytest.raises(Conflict) as conflict:
            programmes(rpc).change_status(programme["id"], {"status": "closed"})
        assert conflict.value.allowed == ["implementation", "cancelled"]
        with pytest.raises(NotFound):
            programmes(rpc).get_programme(programme["id"], actor={"key_id": "k", "organisation": "XM-OTHER",
                                                                 "role": "partner", "scopes": ["read"]})
        with pytest.raises(Forbidden):   # no actor is never taken for an admin
            rpc.programmes.get_programme(programme["id"])
        page = programmes(rpc).list_programmes({"theme": "gender_equality", "limit": "1"})
        assert [p["id"] for p in page["items"]] == [programme["id"]] and page["next_cursor"] is None
