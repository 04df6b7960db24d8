"""A rich portfolio on a running platform for the IATI tests (export, round trip): a Joint
Work Programme with two projects, cities with and without coordinates, sectors, SDG tags,
policy markers, a budget over three years, a grant awarded and disbursed, indicators with
baseline and targets, approved and unapproved results with disaggregations, a pipeline
programme, and another organisation's programme."""
import uuid

from tests.e2e.conftest import ADMIN_KEY
from tests.grants_flow import Http, award_over_http
from tests.programmes_flow import city_id, programme_body

PERIOD = {"start": "2020-01-01", "end": "2020-06-30"}
LATER = {"start": "2020-07-01", "end": "2020-12-31"}
JINJA = {"name": "Jinja", "country": "UG", "latitude": "0.424400", "longitude": "33.204200"}
KISUMU = {"name": "Kisumu", "country": "KE"}


def rich_portfolio(platform):
    """The portfolio, built through the gateway; the dict names its keys and programmes."""
    admin = Http(platform, ADMIN_KEY)
    org = {"ref": f"XM-IATI-{uuid.uuid4().hex[:6].upper()}", "name": "IATI partner", "type": "21"}
    other = {"ref": f"XM-OTHER-{uuid.uuid4().hex[:6].upper()}", "name": "Other partner", "type": "21"}
    partner = admin.as_key(admin.new_key(org["ref"], "partner"))
    stranger = admin.as_key(admin.new_key(other["ref"], "partner"))

    def started(client, body):
        created = client.ok(client.post("/v1/programmes", body), 201)
        return client.ok(client.post(f"/v1/programmes/{created['id']}/status", {"status": "implementation"}))

    jwp = started(partner, programme_body(
        "Joint work on secondary cities", org=org, own_id="JWP", funding_window="global",
        instrument="joint_work_programme", cities=[JINJA, KISUMU],
        sectors=[{"code": "43030"}, {"code": "15150"}, {"code": "16050"}], sdg_goals=["11", "5"],
        sdg_targets=["11.1"], policy_markers=[{"code": "1", "significance": 2}],
        participating_orgs=[{"ref": "XM-DAC-41114", "name": "UNDP", "role": "funding", "type": "40"}],
        budget={"amount": "1000000.00", "currency": "USD"},
        dates={"planned_start": "2019-07-01", "planned_end": "2021-06-30"},
        indicators=[{"code": "people_reached", "baseline": {"value": "100", "year": 2019},
                     "targets": [{"period": PERIOD, "value": "5000"}]}, {"code": "women_empowered"},
                    # every kind, reporting and non-default rule, to carry across the round trip
                    {"code": "women_led", "title": "Enterprises led by women", "measure": "percentage"},
                    {"code": "satisfaction", "title": "Residents' satisfaction", "measure": "qualitative",
                     "rollup": "max", "scale": {"min": 0, "max": 10}},
                    {"code": "connections", "title": "Water connections", "reporting": "cumulative",
                     "rollup": "latest"}]))
    projects = [started(partner, programme_body(f"Project {n}", org=org, own_id=f"P{n}", parent_id=jwp["id"],
                                                cities=[JINJA, KISUMU]))
                for n in (1, 2)]
    # no dates: a budget without its periods, a description on two lines
    pipeline = partner.ok(partner.post("/v1/programmes", programme_body(
        "Pipeline", org=org, own_id="PIPE", countries=["TZ"], cities=[], description="Scoping\nthe programme",
        budget={"amount": "50000.00", "currency": "EUR"})), 201)
    foreign = started(stranger, programme_body("Not yours", org=other, own_id="X"))

    def result(programme, value, city, period, approve=True, indicator="people_reached", **extra):
        made = partner.ok(partner.post(f"/v1/programmes/{programme['id']}/results", {
            "indicator": indicator, "city_id": city_id(programme, city), "period": period,
            "value": value, **extra}), 201)
        partner.ok(partner.post(f"/v1/results/{made['id']}/submit", {}))
        if approve:
            admin.ok(admin.post(f"/v1/results/{made['id']}/approve", {}))

    result(jwp, "1200", "Jinja", PERIOD, disaggregations={"sex": {"female": "700", "male": "500"}})
    result(jwp, "300", "Kisumu", PERIOD, disaggregations={"sex": {"female": "100", "male": "200"}})
    result(jwp, "777", "Kisumu", LATER, approve=False)  # submitted, never approved
    result(jwp, "40", "Jinja", PERIOD, indicator="women_led", numerator="4", denominator="10")
    result(jwp, "8", "Kisumu", PERIOD, indicator="satisfaction")
    result(jwp, "250", "Jinja", PERIOD, indicator="connections")
    # people reached directly and indirectly by one project: a reach split
    result(projects[1], "1000", "Jinja", PERIOD, disaggregations={"reach": {"direct": "600", "indirect": "400"}})
    grant = award_over_http(admin, projects[0]["id"], org["ref"], "75000.50", "EUR")
    partner.ok(partner.post(f"/v1/grants/{grant['id']}/agreement/signature", {}))
    admin.ok(admin.post(f"/v1/grants/{grant['id']}/agreement/countersignature", {}))
    admin.ok(admin.post(f"/v1/grants/{grant['id']}/disbursements", {"tranche": 1}), 201)
    return {"admin": admin, "partner": partner, "stranger": stranger, "org": org, "jwp": jwp,
            "projects": projects, "pipeline": pipeline, "foreign": foreign, "grant": grant}
