"""Conflicts of interest through the API, with the four services as processes (one SQLite
platform: the rules are the grants service's, tested on SQLite and PostgreSQL in
services/grants/tests/integration/test_grants_conflicts.py). A reviewer declares a conflict and
is recused (its review refused, the one it gave no longer counting); a partner organisation
named on the application is conflicted; an administrator assigns only unconflicted reviewer
keys; a `private` call shows each reviewer its own review only; the applicant's keys see an
assignment in the event feed without who, and a declared conflict not at all."""
import pytest

from tests.e2e.conftest import ADMIN_KEY, running_platform
from tests.grants_flow import REVIEW, Http, application_body, call_body, fund_body, money
from tests.helpers import wait_until
from tests.programmes_flow import programme_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

JINJA = {"ref": "XM-CONFLICT-JINJA", "name": "Jinja Municipal Council", "type": "11"}
PARTNER = "XM-CONFLICT-KCCA"   # named on the application as a partner organisation


@pytest.fixture(scope="module")
def sqlite_platform(vhost_factory, postgres_database_factory, tmp_path_factory, request):
    with running_platform("sqlite", vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session) as base:
        yield base


def reviewer_key(admin, organisation, scopes=("read", "review")):
    created = admin.ok(admin.post("/v1/keys", {"organisation": organisation, "role": "reader",
                                               "scopes": list(scopes)}), 201)
    return created["id"], admin.as_key(created["key"])


def problem(response, status):
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["Content-Type"].startswith("application/problem+json")
    return response.json()


def fields_of(response, status):
    return {e["field"] for e in problem(response, status).get("errors", [])}


def test_a_conflicted_reviewer_is_recused_and_never_assigned(sqlite_platform):
    admin = Http(sqlite_platform, ADMIN_KEY)
    jinja = admin.as_key(admin.new_key(JINJA["ref"], "partner"))
    programme = admin.ok(admin.post("/v1/programmes", programme_body("Jinja stalls", org=JINJA)), 201)
    fund = admin.ok(admin.post("/v1/funds", fund_body()), 201)
    pledge = admin.ok(admin.post("/v1/contributions", {"fund_id": fund["id"], "contributor": "Sweden",
                                                       "amount": money("100000.00")}), 201)
    admin.ok(admin.post(f"/v1/contributions/{pledge['id']}/receipts", {}), 201)
    call = admin.ok(admin.post("/v1/calls", call_body(fund["id"], required_reviews=2,
                                                      review_visibility="private")), 201)
    assert call["review_visibility"] == "private"
    app = jinja.ok(jinja.post("/v1/applications", application_body(
        call["id"], programme["id"], applicant_organisation=None, partner_organisations=[PARTNER])), 201)
    url = f"/v1/applications/{app['id']}"
    (wb_id, wb), (sida_id, sida), (kcca_id, kcca), (oecd_id, oecd) = (
        reviewer_key(admin, org) for org in ("XM-DAC-44000", "SE-0", PARTNER.lower(), "XM-DAC-1"))

    # private: each reviewer sees its own review only
    wb.ok(wb.post(f"{url}/reviews", REVIEW), 201)
    assert sida.ok(sida.get(url))["reviews"] == []
    sida.ok(sida.post(f"{url}/reviews", REVIEW), 201)
    assert [r["reviewer"] for r in sida.ok(sida.get(url))["reviews"]] == [sida_id]
    assert [r["reviewer"] for r in sida.ok(sida.get("/v1/reviews", params={"application_id": app["id"]}))[
        "items"]] == [sida_id]

    # a declared conflict recuses: the review is refused, the one given stops counting
    declared = wb.ok(wb.post(f"{url}/conflicts", {"reason": "I advised the council on this project"}), 201)
    assert (declared["reviewer"], declared["reviewer_organisation"]) == (wb_id, "XM-DAC-44000")
    assert "conflict of interest" in problem(wb.post(f"{url}/reviews", REVIEW), 409)["detail"]
    assert fields_of(sida.post(f"{url}/conflicts", {}), 422) == {"reason"}
    seen = admin.ok(admin.get(url))
    assert {r["reviewer"]: r["counts"] for r in seen["reviews"]} == {wb_id: False, sida_id: True}
    assert "asks for 2" in problem(admin.post(f"{url}/determination", {"decision": "award", "reasons": ["x"]}),
                                   409)["detail"]

    # organisational conflict: a partner named on the application neither reviews nor is assigned
    assert "partner organisation" in problem(kcca.post(f"{url}/reviews", REVIEW), 409)["detail"]
    assert "partner organisation" in problem(admin.post(f"{url}/assignments", {"reviewer": kcca_id}),
                                             409)["detail"]
    assert "conflict of interest" in problem(admin.post(f"{url}/assignments", {"reviewer": wb_id}), 409)["detail"]
    assert fields_of(admin.post(f"{url}/assignments", {"reviewer": "key_no_such"}), 422) == {"reviewer"}
    reader_id, _ = reviewer_key(admin, "XM-DAC-2", scopes=("read",))
    assert fields_of(admin.post(f"{url}/assignments", {"reviewer": reader_id}), 422) == {"reviewer"}
    problem(wb.post(f"{url}/assignments", {"reviewer": oecd_id}), 403)
    # the organisation is the key's, whatever the body says
    assigned = admin.ok(admin.post(f"{url}/assignments", {"reviewer": oecd_id, "reviewer_organisation": PARTNER}),
                        201)
    assert (assigned["reviewer"], assigned["reviewer_organisation"]) == (oecd_id, "XM-DAC-1")
    oecd.ok(oecd.post(f"{url}/reviews", REVIEW), 201)
    decided = admin.ok(admin.post(f"{url}/determination", {"decision": "reject", "reasons": ["weak budget"]}))
    assert decided["application"]["status"] == "rejected"
    assert [c["reviewer"] for c in admin.ok(admin.get(url))["panel"]["conflicts"]] == [wb_id]
    assert "panel" not in jinja.ok(jinja.get(url)) and "reviews" not in jinja.ok(jinja.get(url))

    # the feed: the applicant sees that a reviewer was assigned, not who; a conflict not at all
    def of_app(client, event_type):
        items = client.ok(client.get("/v1/events", params={"type": event_type, "limit": 500}))["items"]
        return [e for e in items if e["payload"]["application_id"] == app["id"]]

    whole = wait_until(lambda: of_app(admin, "reviewer.assigned"), timeout=20, message="the assignment event")
    assert whole[0]["payload"]["reviewer"] == oecd_id
    wait_until(lambda: of_app(admin, "conflict.declared"), timeout=20, message="the conflict event")
    assert [set(e["payload"]) & {"reviewer", "reviewer_organisation"} for e in
            of_app(jinja, "reviewer.assigned")] == [set()]
    assert of_app(jinja, "conflict.declared") == [] and of_app(sida, "conflict.declared") == []
    assert of_app(sida, "reviewer.assigned")[0]["payload"]["reviewer"] == oecd_id
