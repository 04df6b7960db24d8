"""End to end, with the four services as processes: a real review of a real application reaches
the event feed whole for an admin, without the reviewer, scores and recommendation for the
applicant, and not at all for another partner (gateway.event_policy)."""
import pytest

from gateway.event_policy import REVIEW_HIDDEN_FROM_APPLICANT
from tests.e2e.conftest import ADMIN_KEY
from tests.grants_flow import Http, award_over_http
from tests.helpers import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.broker]
APPLICANT = "XM-MBALE"  # the programme's reporting organisation: one applies with its own


def reviews_in_feed(client: Http) -> list[dict]:
    return client.ok(client.get("/v1/events?type=review.submitted&limit=500"))["items"]


def test_the_applicant_sees_reviews_of_its_application_redacted_and_other_partners_none(platform):
    admin = Http(platform, ADMIN_KEY)
    programme = admin.ok(admin.post("/v1/programmes", {
        "iati_identifier": f"{APPLICANT}-VIS-1", "reporting_org": {"ref": APPLICANT, "name": "Mbale City Council"},
        "title": "Event visibility", "funding_window": "country_city", "instrument": "country_programme",
        "themes": ["gender_equality"], "countries": ["UG"]}), 201)
    applicant = admin.as_key(admin.new_key(APPLICANT.lower(), "partner"))
    other = admin.as_key(admin.new_key("XM-OTHER-VIS", "partner"))
    grant = award_over_http(admin, programme["id"], recipient=APPLICANT)

    def the_review(client):
        return next((e for e in reviews_in_feed(client)
                     if e["payload"]["application_id"] == grant["application_id"]), None)

    whole = wait_until(lambda: the_review(admin), timeout=20, message="the review in the feed")
    assert whole["payload"]["applicant_organisation"] == APPLICANT
    assert set(REVIEW_HIDDEN_FROM_APPLICANT) <= set(whole["payload"])
    redacted = the_review(applicant)
    assert redacted is not None and redacted["event_id"] == whole["event_id"]
    assert redacted["payload"] == {k: v for k, v in whole["payload"].items() if k not in REVIEW_HIDDEN_FROM_APPLICANT}
    assert the_review(other) is None
