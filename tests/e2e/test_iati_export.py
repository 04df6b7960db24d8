"""End to end, on SQLite and PostgreSQL: the IATI 2.03 export of a rich portfolio (a Joint
Work Programme with two projects, cities with and without coordinates, sectors, SDG tags,
policy markers, a budget over three years, a grant awarded and disbursed, indicators with
baseline and targets, approved and unapproved results with disaggregations). Every document
validates against the XSD and carries the values docs/iati.md maps, each indicator's actuals
rolled up over cities by its rule (percentage, max score, latest cumulative); unapproved values are
absent; a partner exports only its own activities; filters work; bad filters are 422."""
from decimal import Decimal

import pytest
from lxml import etree

from shared.iati.schema import safe_parser, validation_errors
from tests.iati_portfolio import JINJA, PERIOD, rich_portfolio
from tests.programmes_flow import city_id

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

ACTIVITIES = "/v1/iati/activities.xml"


def xml(response, kind="activities"):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert "ETag" not in response.headers  # streamed: never buffered to hash it
    doc = etree.fromstring(response.content, safe_parser())
    assert validation_errors(doc, kind) == []
    return doc


def identifiers(doc):
    return set(doc.xpath("iati-activity/iati-identifier/text()"))


@pytest.fixture(scope="module")
def world(platform):
    return rich_portfolio(platform)


def activity(doc, programme):
    found = doc.xpath("iati-activity[iati-identifier=$ref]", ref=programme["iati_identifier"])
    assert len(found) == 1, programme["iati_identifier"]
    return found[0]


def test_the_export_validates_and_carries_the_portfolio(world):
    admin, jwp, projects = world["admin"], world["jwp"], world["projects"]
    doc = xml(admin.get(ACTIVITIES, params={"organisation": world["org"]["ref"]}))
    assert identifiers(doc) == {p["iati_identifier"] for p in [jwp, *projects, world["pipeline"]]}
    a = activity(doc, jwp)
    assert a.get("hierarchy") == "1" and a.get("default-currency") == "USD"
    assert a.findtext("iati-identifier").startswith(a.find("reporting-org").get("ref") + "-")
    assert a.xpath("title/narrative/text()") == ["Joint work on secondary cities"]
    assert a.xpath("participating-org[@role='1']/@ref") == ["XM-DAC-41114"]
    assert a.xpath("activity-status/@code") == ["2"]
    assert a.xpath("activity-date[@type='1']/@iso-date") == ["2019-07-01"]
    assert sorted(a.xpath("recipient-country/@code")) == ["KE", "UG"]
    assert sum(Decimal(p) for p in a.xpath("recipient-country/@percentage")) == 100
    jinja, kisumu = city_id(jwp, "Jinja"), city_id(jwp, "Kisumu")
    pos = a.xpath("location[@ref=$id]/point/pos/text()", id=jinja)[0].split()
    assert [Decimal(c) for c in pos] == [Decimal(JINJA["latitude"]), Decimal(JINJA["longitude"])]
    assert a.xpath("location[@ref=$id]/point", id=kisumu) == []
    assert a.xpath("location[@ref=$id]/name/narrative/text()", id=kisumu) == ["Kisumu"]
    assert sorted(a.xpath("sector[@vocabulary='1']/@code")) == ["15150", "16050", "43030"]
    assert sum(Decimal(p) for p in a.xpath("sector[@vocabulary='1']/@percentage")) == 100
    assert sorted(a.xpath("tag[@vocabulary='2']/@code")) == ["11", "5"]
    assert a.xpath("tag[@vocabulary='3']/@code") == ["11.1"]
    assert a.xpath("policy-marker[@vocabulary='1'][@code='1']/@significance") == ["2"]
    assert [(b.xpath("period-start/@iso-date")[0], b.xpath("period-end/@iso-date")[0]) for b in a.findall("budget")] \
        == [("2019-07-01", "2019-12-31"), ("2020-01-01", "2020-12-31"), ("2021-01-01", "2021-06-30")]
    assert sum(Decimal(v) for v in a.xpath("budget/value/text()")) == Decimal("1000000.00")
    assert sorted(a.xpath("related-activity[@type='2']/@ref")) == sorted(p["iati_identifier"] for p in projects)
    indicator = a.xpath("result/indicator[reference/@code='people_reached']")[0]
    assert indicator.xpath("baseline/@value") == ["100"] and indicator.xpath("baseline/@year") == ["2019"]
    period = indicator.xpath("period[period-start/@iso-date='2020-01-01']")[0]
    assert period.xpath("target/@value") == ["5000"]
    assert period.xpath("actual[dimension/@name='reach']/@value") == ["1500"]
    assert period.xpath("actual[dimension/@name='sex'][dimension/@value='female']/@value") == ["800"]
    assert period.xpath("actual[dimension/@name='sex'][dimension/@value='male']/@value") == ["700"]


def test_each_indicator_is_exported_by_its_roll_up_rule(world):
    """A second city's approved values in the portfolio's period: over the two cities a percentage
    comes from the numerators and denominators (64 / 110, neither the mean 50 nor the sum 100), a
    score by its rule (max: 8, not 11), a cumulative count by its latest figure (latest: 400, not 650)."""
    partner, admin, jwp = world["partner"], world["admin"], world["jwp"]
    for code, value, city, ratio in (("women_led", "60", "Kisumu", {"numerator": "60", "denominator": "100"}),
                                     ("satisfaction", "3", "Jinja", {}), ("connections", "400", "Kisumu", {})):
        made = partner.ok(partner.post(f"/v1/programmes/{jwp['id']}/results", {
            "indicator": code, "city_id": city_id(jwp, city), "period": PERIOD, "value": value, **ratio}), 201)
        partner.ok(partner.post(f"/v1/results/{made['id']}/submit", {}))
        admin.ok(admin.post(f"/v1/results/{made['id']}/approve", {}))
    a = activity(xml(admin.get(ACTIVITIES, params={"organisation": world["org"]["ref"]})), jwp)   # XSD-valid

    def actual(code):
        return a.xpath("result/indicator[reference/@code=$code]/period[period-start/@iso-date=$start]/actual/@value",
                       code=code, start=PERIOD["start"])
    assert (actual("women_led"), actual("satisfaction"), actual("connections")) == (["58.18"], ["8"], ["400"])


def test_unapproved_values_are_not_exported(world):
    doc = xml(world["admin"].get(ACTIVITIES, params={"organisation": world["org"]["ref"]}))
    a = activity(doc, world["jwp"])
    assert a.xpath(".//period[period-start/@iso-date='2020-07-01']") == []
    assert "777" not in a.xpath(".//actual/@value")


def test_projects_name_their_programme_and_carry_the_grant(world):
    doc = xml(world["admin"].get(ACTIVITIES, params={"organisation": world["org"]["ref"]}))
    project = activity(doc, world["projects"][0])
    assert project.get("hierarchy") == "2"
    assert project.xpath("related-activity[@type='1']/@ref") == [world["jwp"]["iati_identifier"]]
    assert project.xpath("transaction/transaction-type/@code") == ["2", "3"]
    commitment, disbursement = project.findall("transaction")
    assert commitment.xpath("value/text()") == ["75000.50"] and commitment.xpath("value/@currency") == ["EUR"]
    assert Decimal(disbursement.findtext("value")) > 0
    assert project.xpath("transaction/provider-org/@ref") == ["XI-IATI-UPP"] * 2
    assert project.xpath("transaction/receiver-org/narrative/text()") == [world["org"]["ref"]] * 2
    assert activity(doc, world["projects"][1]).findall("transaction") == []


def test_a_partner_exports_only_its_own_activities(world):
    own = {p["iati_identifier"] for p in [world["jwp"], *world["projects"], world["pipeline"]]}
    mine = xml(world["partner"].get(ACTIVITIES))
    assert identifiers(mine) == own
    # its grant's commitment and disbursement, read as the partner (the grant's recipient)
    assert activity(mine, world["projects"][0]).xpath("transaction/transaction-type/@code") == ["2", "3"]
    assert identifiers(xml(world["stranger"].get(ACTIVITIES))) == {world["foreign"]["iati_identifier"]}
    # another organisation's programmes look exactly like none at all
    refused = world["stranger"].get(ACTIVITIES, params={"organisation": world["org"]["ref"]})
    nothing = world["stranger"].get(ACTIVITIES, params={"organisation": "XM-NOBODY-1"})
    assert refused.status_code == nothing.status_code == 404
    assert identifiers(xml(world["admin"].get(ACTIVITIES))) >= own | {world["foreign"]["iati_identifier"]}


def test_the_filters_of_the_programmes_list(world):
    admin, ref = world["admin"], world["org"]["ref"]
    assert identifiers(xml(admin.get(ACTIVITIES, params={"organisation": ref, "status": "pipeline"}))) == {
        world["pipeline"]["iati_identifier"]}
    assert identifiers(xml(admin.get(ACTIVITIES, params={"organisation": ref, "country": "TZ"}))) == {
        world["pipeline"]["iati_identifier"]}
    later = admin.get(ACTIVITIES, params={"organisation": ref, "modified_since": "2100-01-01T00:00:00Z"})
    assert later.status_code == 404


@pytest.mark.parametrize("params, field", [
    ({"status": "ongoing"}, "status"), ({"country": "Uganda"}, "country"),
    ({"modified_since": "yesterday"}, "modified_since"), ({"organisation": "x" * 101}, "organisation"),
    ({"limit": "5"}, "limit")])
def test_bad_filters_are_422_naming_the_field(world, params, field):
    response = world["admin"].get(ACTIVITIES, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert field in {e["field"] for e in response.json()["errors"]}


def test_the_organisation_file(world):
    admin = world["admin"]
    doc = xml(admin.get("/v1/iati/organisation.xml"), "organisations")
    o = doc.find("iati-organisation")
    assert o.findtext("organisation-identifier") == "XI-IATI-UPP"
    assert Decimal("75000.50") <= sum(Decimal(v) for v in o.xpath("total-budget/value[@currency='EUR']/text()"))
    assert o.xpath("recipient-country-budget/recipient-country/@code")
    assert o.xpath("total-expenditure/value/text()")
    assert world["partner"].get("/v1/iati/organisation.xml").status_code == 403
