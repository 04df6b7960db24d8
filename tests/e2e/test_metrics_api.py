"""Progress towards the objective through the gateway, with every service as a process: approve
and revise results through the programmes API and watch the public progress, breakdowns,
history and pipeline follow."""
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import requests

from tests.e2e.conftest import ADMIN_HEADERS, ADMIN_KEY
from tests.grants_flow import REVIEW, Http, application_body, call_body, fund_body, money
from tests.programmes_flow import ORGANISATION, programme_body, result_body

pytestmark = pytest.mark.e2e


def get(base, path, **params):
    response = requests.get(f"{base}{path}", params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def post(base, path, body, status=(200, 201)):
    response = requests.post(f"{base}{path}", json=body, headers=ADMIN_HEADERS, timeout=10)
    assert response.status_code in status, response.text
    return response.json()


def people(progress):
    return progress["figures"]["people_reached"]["value"]


def wait_for(fetch, predicate, within=5.0):
    """Poll until predicate(fetch()) holds; returns (value, seconds it took)."""
    started = time.monotonic()
    while True:
        value = fetch()
        if predicate(value):
            return value, time.monotonic() - started
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within}s: {value}")
        time.sleep(0.05)


def approve(base, programme, value, **kwargs):
    result = post(base, f"/v1/programmes/{programme['id']}/results", result_body(programme, value, **kwargs))
    post(base, f"/v1/results/{result['id']}/submit", {})
    return post(base, f"/v1/results/{result['id']}/approve", {})


def test_approved_and_revised_results_move_the_public_progress(platform):
    plans = get(platform, "/v1/plans")["items"]
    assert [p["id"] for p in plans] == ["strategic-plan-2018-2021"]
    before = get(platform, "/v1/objective/progress")
    start = people(before)

    programme = post(platform, "/v1/programmes", programme_body("Metrics e2e: Lake Victoria cities"))
    programme = post(platform, f"/v1/programmes/{programme['id']}/status", {"status": "implementation"})
    result = approve(platform, programme, 4000)
    after, seconds = wait_for(lambda: get(platform, "/v1/objective/progress"), lambda p: people(p) == start + 4000)
    assert seconds < 2.0
    assert after["revision"] > before.get("revision", 0) or after["revision"] >= 1
    target = next(t for t in after["targets"] if t["code"] == "people_reached")
    assert target["status"] in ("achieved", "on_track", "at_risk", "off_track")
    assert set(target) >= {"share", "projected_at_deadline", "reached_on", "projected_reached_on"}

    # a revision replaces the approved value, never adds to it
    post(platform, f"/v1/results/{result['id']}/revise", {"value": 3000, "comment": "double-counted a ward"})
    post(platform, f"/v1/results/{result['id']}/approve", {})
    wait_for(lambda: get(platform, "/v1/objective/progress"), lambda p: people(p) == start + 3000)

    approve(platform, programme, 250, indicator="women_empowered", city="Kisumu")
    progress, _ = wait_for(lambda: get(platform, "/v1/objective/progress"),
                           lambda p: p["figures"]["women_empowered"]["value"] >= 250)
    assert progress["figures"]["cities_women_empowered"]["value"] >= 1

    by_programme = get(platform, "/v1/objective/progress/programme")["items"]
    mine = next(i for i in by_programme if i["key"] == programme["id"])
    assert mine["figures"]["people_reached"]["value"] == 3000
    assert mine["figures"]["women_empowered"]["value"] == 250
    by_city = {i["name"]: i for i in get(platform, "/v1/objective/progress/city")["items"]}
    assert by_city["Kisumu"]["figures"]["women_empowered"]["value"] >= 250
    history = get(platform, "/v1/objective/history")
    series = next(f for f in history["figures"] if f["code"] == "people_reached")["series"]
    assert series[-1]["period_end"] == "2020-06-30"
    assert get(platform, "/v1/objective/pipeline")["figures"][0]["code"] == "people_reached"

    # as of a date before the result's period ended, it does not count yet
    earlier = get(platform, "/v1/objective/progress", as_of="2020-06-29")
    assert people(earlier) <= people(progress) - 3000
    assert earlier["as_of"] == "2020-06-29"


def test_one_project_reports_people_reached_directly_and_indirectly(platform):
    """The plan counts direct and indirect reach; a partner reports both for one project with a
    `reach` split of one result, and a revision that changes the split moves the figures."""
    def reach(progress):
        figure = progress["figures"]["people_reached"]
        return figure["direct"], figure["indirect"]

    direct, indirect = reach(get(platform, "/v1/objective/progress"))
    programme = post(platform, "/v1/programmes", programme_body("Metrics e2e: direct and indirect reach"))
    programme = post(platform, f"/v1/programmes/{programme['id']}/status", {"status": "implementation"})
    result = approve(platform, programme, 1000, disaggregations={"reach": {"direct": 300, "indirect": 700}})
    wait_for(lambda: get(platform, "/v1/objective/progress"),
             lambda p: reach(p) == (direct + 300, indirect + 700))
    post(platform, f"/v1/results/{result['id']}/revise", {
        "value": 1000, "disaggregations": {"reach": {"direct": 400, "indirect": 600}}, "comment": "recounted"})
    post(platform, f"/v1/results/{result['id']}/approve", {})
    wait_for(lambda: get(platform, "/v1/objective/progress"),
             lambda p: reach(p) == (direct + 400, indirect + 600))
    bad = requests.post(f"{platform}/v1/programmes/{programme['id']}/results", headers=ADMIN_HEADERS, timeout=10,
                        json=result_body(programme, 10, disaggregations={"reach": {"direct": 4, "indirect": 5}}))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "disaggregations.reach"


def test_bad_metrics_queries(platform):
    assert requests.get(f"{platform}/v1/objective/progress?plan=no-such-plan", timeout=10).status_code == 404
    assert requests.get(f"{platform}/v1/objective/progress/colour", timeout=10).status_code == 404
    bad = requests.get(f"{platform}/v1/objective/history?as_of=yesterday", timeout=10)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "as_of"


def pooled(base, **params):
    funds = get(base, "/v1/objective/progress", **params)["funds"]
    return sum((float(f["pooled"]) for f in funds if f["currency"] == "USD"), 0.0)


def test_money_is_dated_by_value_date(platform):
    """A receipt recorded today with last month's value date counts as of a day between the two."""
    today = date.today()
    value_date, between = today - timedelta(days=30), (today - timedelta(days=10)).isoformat()
    before = pooled(platform, as_of=between)
    fund = post(platform, "/v1/funds", fund_body())
    pledge = post(platform, "/v1/contributions", {
        "fund_id": fund["id"], "contributor": "Government of Sweden", "contributor_type": "10",
        "amount": money("5000.00"), "value_date": (value_date - timedelta(days=5)).isoformat()})
    post(platform, f"/v1/contributions/{pledge['id']}/receipts", {"value_date": value_date.isoformat()})
    wait_for(lambda: pooled(platform), lambda p: p >= 5000.0)
    assert pooled(platform, as_of=between) == before + 5000.0


def contributor_figures(base, name, **params):
    response = requests.get(f"{base}/v1/objective/progress/contributor/{name}", params=params, timeout=10)
    return response.json()["items"][0] if response.status_code == 200 else response.status_code


def test_contributors_are_credited_with_the_results_their_money_financed(platform):
    admin, tag = Http(platform, ADMIN_KEY), uuid.uuid4().hex[:8]
    sweden, swiss = f"Sweden {tag}", f"Switzerland {tag}"
    programme = post(platform, "/v1/programmes", programme_body(f"Attribution e2e {tag}"))
    programme = post(platform, f"/v1/programmes/{programme['id']}/status", {"status": "implementation"})
    fund = post(platform, "/v1/funds", fund_body())
    for name, amount in ((sweden, "100000.00"), (swiss, "50000.00")):   # 2/3 and 1/3 of the fund
        pledge = post(platform, "/v1/contributions", {"fund_id": fund["id"], "contributor": name,
                                                      "amount": money(amount)})
        post(platform, f"/v1/contributions/{pledge['id']}/receipts", {})
    call = post(platform, "/v1/calls", call_body(fund["id"], required_reviews=1))
    app = post(platform, "/v1/applications", application_body(call["id"], programme["id"],
                                                              applicant_organisation=ORGANISATION["ref"]))
    post(platform, f"/v1/applications/{app['id']}/reviews", REVIEW)
    grant = post(platform, f"/v1/applications/{app['id']}/determination",
                 {"decision": "award", "reasons": ["good"]})["grant"]
    grantee = admin.as_key(admin.new_key(ORGANISATION["ref"], "partner"))
    grantee.ok(grantee.post(f"/v1/grants/{grant['id']}/agreement/signature", {}))
    post(platform, f"/v1/grants/{grant['id']}/agreement/countersignature", {})
    post(platform, f"/v1/grants/{grant['id']}/disbursements", {"tranche": 1})
    approve(platform, programme, 3000)

    credited, _ = wait_for(lambda: contributor_figures(platform, sweden),
                           lambda c: c != 404 and c["figures"]["people_reached"] == 2000, within=20)
    path = credited["paths"][0]
    assert (path["fund_id"], path["contributor_share"], path["grant_id"], path["grant_share"],
            path["programme_id"], path["results"]["people_reached"], path["credited"]["people_reached"]) == (
        fund["id"], "2/3", grant["id"], "1", programme["id"], 3000, 2000)
    assert path["contributed"] == money("100000.00") and path["disbursed"] == money("40000.00")
    assert contributor_figures(platform, swiss)["figures"]["people_reached"] == 1000
    everyone = get(platform, "/v1/objective/progress/contributor")
    for code in everyone["figures"]:   # exact: the credits and the unattributed add up to the figure
        assert Decimal(str(everyone["total"][code])) == Decimal(str(everyone["unattributed"][code])) + sum(
            Decimal(str(i["figures"][code])) for i in everyone["items"])
    assert [i["contributor"] for i in get(platform, "/v1/objective/progress/contributor",
                                          contributor=swiss)["items"]] == [swiss]
    # the credit links to the results of the programme it is a share of, and explains the share
    listed, behind = every_page(admin, credited["links"]["people_reached"], limit=200)
    assert [i["programme_id"] for i in listed] == [programme["id"]] and behind["summary"]["value"] == 3000
    assert behind["summary"]["contributor"] == {"contributor": sweden, "credited": 2000, "programmes": [
        {"programme_id": programme["id"], "results": 3000, "share": "2/3", "credited": 2000}]}
    # as of yesterday the money had not arrived: nothing credited to it
    assert contributor_figures(platform, sweden, as_of=(date.today() - timedelta(days=1)).isoformat()) == 404
    bad = requests.get(f"{platform}/v1/objective/progress/contributor", params={"as_of": "soon"}, timeout=10)
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["as_of"]


def every_page(client, path, **params):
    """Every item of a list, following `next` as is; and the first page's body."""
    first = body = client.ok(client.get(path, params=params))
    items = list(body["items"])
    while body["next"]:
        body = client.ok(requests.get(body["next"], headers=client.headers(), timeout=15))
        items += body["items"]
    return items, first


def test_every_figure_links_to_the_approved_results_behind_it(platform):
    admin, tag = Http(platform, ADMIN_KEY), uuid.uuid4().hex[:8]
    programme = post(platform, "/v1/programmes", programme_body(f"Drill-down e2e {tag}"))
    programme = post(platform, f"/v1/programmes/{programme['id']}/status", {"status": "implementation"})
    result = approve(platform, programme, 777)
    link = get(platform, "/v1/objective/progress")["links"]["people_reached"]
    owner = admin.as_key(admin.new_key(ORGANISATION["ref"], "reader"))
    stranger = admin.as_key(admin.new_key(f"XM-DRILL-{tag}", "partner"))
    wait_for(lambda: [i for i in every_page(admin, link, limit=200)[0] if i["result_id"] == result["id"]], bool,
             within=20)

    listed, first = every_page(admin, link, limit=2)
    mine = next(i for i in listed if i["result_id"] == result["id"])
    assert (mine["programme_id"], mine["indicator"], mine["version"], mine["value"], mine["period"]["end"],
            mine["city"]["name"]) == (programme["id"], "people_reached", 1, 777, "2020-06-30", "Jinja")
    assert first["summary"]["results"] == len(listed) and first["summary"]["not_listed"] == 0
    assert Decimal(str(first["summary"]["value"])) == Decimal(str(
        get(platform, "/v1/objective/progress")["figures"]["people_reached"]["value"]))
    # an organisation sees its own results listed, the others' as a count; the public the count only
    own, own_page = every_page(owner, link)
    assert result["id"] in [i["result_id"] for i in own] and own_page["summary"]["listed"] == len(own)
    theirs = stranger.ok(stranger.get(link))
    assert theirs["items"] == [] and theirs["summary"]["not_listed"] == first["summary"]["results"]
    public = get(platform, "/v1/objective/progress/figures/people_reached/results")
    assert public["items"] == [] and public["summary"] == theirs["summary"]
    # as of a date: only results whose period had ended, at the version approved by the end of that day
    before, _ = every_page(admin, link.split("?")[0], as_of="2020-06-29", limit=200)
    assert result["id"] not in [i["result_id"] for i in before]
    today = datetime.now(timezone.utc).date()
    for day, listed_then in ((today - timedelta(days=1), False), (today, True)):   # approved today
        then, then_page = every_page(admin, link.split("?")[0], as_of=day.isoformat(), limit=200)
        assert (result["id"] in [i["result_id"] for i in then]) is listed_then
        figure = get(platform, "/v1/objective/progress", as_of=day.isoformat())["figures"]["people_reached"]
        assert Decimal(str(then_page["summary"]["value"])) == Decimal(str(figure["value"]))
    assert mine["approved_at"].startswith(today.isoformat())
    assert requests.get(f"{platform}/v1/objective/progress/figures/nothing/results", timeout=10).status_code == 404
    bad = requests.get(f"{platform}{link.split('?')[0]}", params={"limit": 0}, timeout=10)
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["limit"]


def test_programme_totals_and_metrics_roll_up_cumulative_and_per_period_indicators_alike(platform):
    """The roll-up rule has two homes: programmes' totals (shared.rollup) and metrics' additive
    deltas (metrics.domain.counting, docs/metrics.md "Counting rules"). For the same approved
    results they agree: a cumulative indicator counts each series' (programme, city) latest value,
    never its periods added up; a per-period one adds up; a child counts in its parent."""
    def started(title, **changes):
        body = programme_body(title, indicators=[{"code": "people_reached", "reporting": "cumulative"},
                                                 {"code": "women_empowered"}], **changes)
        return post(platform, f"/v1/programmes/{post(platform, '/v1/programmes', body)['id']}/status",
                    {"status": "implementation"})

    def figures():
        totals = requests.get(f"{platform}/v1/programmes/{parent['id']}/totals", headers=ADMIN_HEADERS, timeout=10)
        assert totals.status_code == 200, totals.text
        by_programme = get(platform, "/v1/objective/progress/programme")["items"]
        counted: dict = next((i["figures"] for i in by_programme if i["key"] == parent["id"]), {})
        return {t["indicator"]: (Decimal(t["total"]), counted.get(t["indicator"], {}).get("value"))
                for t in totals.json()["indicators"]}

    parent = started("Metrics e2e: cumulative parent", funding_window="global", instrument="joint_work_programme")
    child = started("Metrics e2e: cumulative child", parent_id=parent["id"])
    y2019, y2020 = {"start": "2019-01-01", "end": "2019-12-31"}, {"start": "2020-01-01", "end": "2020-12-31"}
    h2021 = {"start": "2021-01-01", "end": "2021-06-30"}
    first = approve(platform, parent, 100, period=y2019)
    latest = approve(platform, parent, 400, period=h2021)
    for programme, value, city, period in ((parent, 250, "Jinja", y2020), (parent, 80, "Kisumu", y2020),
                                           (child, 70, "Jinja", y2020), (child, 90, "Jinja", h2021)):
        approve(platform, programme, value, city=city, period=period)
    for programme, value, city, period in ((parent, 10, "Jinja", y2019), (parent, 20, "Kisumu", y2020),
                                           (child, 30, "Jinja", h2021)):
        approve(platform, programme, value, city=city, period=period, indicator="women_empowered")
    # latest values: the parent's Jinja 400 and Kisumu 80, the child's Jinja 90 (not 990 added up)
    expected = {"people_reached": (Decimal(570), 570), "women_empowered": (Decimal(60), 60)}
    wait_for(figures, lambda f: f == expected, within=10)
    for result, value in ((first, 120), (latest, 380)):   # an earlier value revised changes nothing
        post(platform, f"/v1/results/{result['id']}/revise", {"value": value, "comment": "recounted"})
        post(platform, f"/v1/results/{result['id']}/approve", {})
    expected["people_reached"] = (Decimal(550), 550)
    wait_for(figures, lambda f: f == expected, within=10)


def cell(base, dimension, key, **params):
    return next((i for i in get(base, f"/v1/objective/progress/{dimension}", **params)["items"] if i["key"] == key),
                None)


def adds_up(client, link, value):
    """The results a link lists (every page) add up to `value`, and so does its summary."""
    listed, first = every_page(client, link, limit=200)
    assert first["summary"]["results"] == len(listed) and first["summary"]["not_listed"] == 0
    assert Decimal(str(first["summary"]["value"])) == sum((Decimal(str(i["value"])) for i in listed), Decimal(0)) \
        == Decimal(str(value)), link
    return listed, first


def test_breakdown_cells_and_history_points_link_to_the_results_adding_up_to_them(platform):
    admin, tag = Http(platform, ADMIN_KEY), uuid.uuid4().hex[:8]
    programme = post(platform, "/v1/programmes", programme_body(f"Links e2e {tag}", themes=["cities_migration"]))
    programme = post(platform, f"/v1/programmes/{programme['id']}/status", {"status": "implementation"})
    mine = {approve(platform, programme, 120)["id"], approve(platform, programme, 30, city="Kisumu")["id"]}
    ours, _ = wait_for(lambda: cell(platform, "programme", programme["id"]),
                       lambda c: c is not None and c["figures"]["people_reached"]["value"] == 150, within=20)
    listed, first = adds_up(admin, ours["links"]["people_reached"], 150)
    assert {i["result_id"] for i in listed} == mine and first["filters"] == {"programme": programme["id"]}
    cities = every_page(admin, ours["links"]["cities_reached"], limit=200)[1]["summary"]
    assert cities["figure_value"] == ours["figures"]["cities_reached"]["value"] == 2   # Jinja and Kisumu
    # every cell of every dimension the programme is in: the results behind it add up to it
    for dimension, key in (("theme", "cities_migration"), ("window", "country_city"), ("country", "KE"),
                           ("city", next(c["id"] for c in programme["cities"] if c["name"] == "Kisumu"))):
        there = cell(platform, dimension, key)
        listed, _ = adds_up(admin, there["links"]["people_reached"], there["figures"]["people_reached"]["value"])
        assert mine & {i["result_id"] for i in listed}, (dimension, key)
    # as of a date: yesterday the results (approved today) were not behind the cell; today they are
    today = datetime.now(timezone.utc).date()
    assert cell(platform, "programme", programme["id"], as_of=(today - timedelta(days=1)).isoformat()) is None
    then = cell(platform, "programme", programme["id"], as_of=today.isoformat())
    assert f"as_of={today.isoformat()}" in then["links"]["people_reached"]
    adds_up(admin, then["links"]["people_reached"], 150)
    # every point of the history: the results whose period ended by its date
    for as_of in (None, today.isoformat()):
        history = get(platform, "/v1/objective/history", **({"as_of": as_of} if as_of else {}))
        for point in next(f for f in history["figures"] if f["code"] == "people_reached")["series"]:
            adds_up(admin, point["link"], point["value"])
    # the public sees the same summary, nothing listed; a bad filter is a 422 naming it
    public = get(platform, ours["links"]["people_reached"].split("?")[0], plan=first["plan_id"],
                 programme=programme["id"])
    assert public["items"] == [] and public["summary"]["not_listed"] == 2 and public["summary"]["value"] == 150
    nobody = get(platform, ours["links"]["people_reached"].split("?")[0], programme=f"p-{tag}")   # no probing ids
    assert nobody["items"] == [] and nobody["summary"]["results"] == 0
    for bad, field in (({"theme": "nope"}, "theme"), ({"through": "soon"}, "through"), ({"country": "XX"}, "country"),
                       ({"programme": "p" * 37}, "programme"), ({"contributor": f"Nobody {tag}"}, "contributor")):
        refused = requests.get(f"{platform}/v1/objective/progress/figures/people_reached/results", params=bad,
                               timeout=10)
        assert refused.status_code == 422 and [e["field"] for e in refused.json()["errors"]] == [field], refused.text
