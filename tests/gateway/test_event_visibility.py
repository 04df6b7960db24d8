"""Event visibility on a real gateway (broker + SQLite and PostgreSQL): the feed and webhook
deliveries apply the same policy (gateway.event_policy.view) to `review.submitted`, so a
webhook body is exactly the feed item its key reads, redacted for the applicant."""
import json

import pytest

from gateway.event_policy import REVIEW_HIDDEN_FROM_APPLICANT
from shared.events.contracts.grants import EXAMPLES as GRANT_EXAMPLES
from tests.gateway.test_gateway_integrations import Receiver, envelope
from tests.helpers import publish_event, wait_until

pytestmark = pytest.mark.broker


@pytest.mark.postgres
def test_review_events_in_the_feed_and_webhooks_are_redacted_for_the_applicant_alike(start_gateway, amqp_uri):
    admin, _ = start_gateway()
    clients = {"admin": admin,
               "applicant": admin.as_key(admin.new_key("XM-ACME", "partner")["key"]),
               "other partner": admin.as_key(admin.new_key("XM-OTHER", "partner")["key"]),
               "reviewer": admin.as_key(admin.new_key("UN-Habitat", "partner",
                                                      scopes=["read", "write", "review"])["key"])}
    hooks = {name: Receiver() for name in clients}
    try:
        subscriptions = {}
        for name, client in clients.items():
            created = client.post("/v1/webhooks", {"url": hooks[name].url, "event_types": ["review.submitted"]})
            assert created.status_code == 201, created.text
            subscriptions[name] = created.json()["id"]
        review = envelope("review.submitted", GRANT_EXAMPLES, applicant_organisation="xm-acme")
        publish_event(amqp_uri, review)
        for name in ("admin", "applicant", "reviewer"):
            wait_until(lambda name=name: hooks[name].calls, timeout=20, message=f"the {name}'s delivery")

        seen = {}
        for name, client in clients.items():
            feed = client.get("/v1/events?type=review.submitted").json()["items"]
            bodies = [json.loads(body) for _headers, body in hooks[name].calls]
            assert bodies == feed, f"{name}: the webhook body is the feed item"  # one policy, one function
            seen[name] = feed[0]["payload"] if feed else None

        assert seen["other partner"] is None
        assert clients["other partner"].get(f"/v1/webhooks/{subscriptions['other partner']}/deliveries"
                                            ).json()["items"] == []
        assert not set(REVIEW_HIDDEN_FROM_APPLICANT) & set(seen["applicant"])
        assert seen["applicant"]["application_id"] == "a-1" and seen["applicant"]["reviews"] == 1
        for whole in ("admin", "reviewer"):
            assert seen[whole]["reviewer"] == "key-7" and seen[whole]["reviewer_organisation"] == "UN-Habitat"
            assert seen[whole]["total_score"] == 8 and seen[whole]["recommendation"] == "award"
    finally:
        for hook in hooks.values():
            hook.close()


@pytest.mark.postgres
def test_a_reviewer_does_not_see_other_organisations_private_events(start_gateway, amqp_uri):
    admin, _ = start_gateway()
    reviewer = admin.as_key(admin.new_key("UN-Habitat", "reader", scopes=["read", "review"])["key"])
    private = envelope("application.submitted", GRANT_EXAMPLES, applicant_organisation="XM-ACME")
    public = envelope("call.opened", GRANT_EXAMPLES)
    for event in (private, public):
        publish_event(amqp_uri, event)
    wait_until(lambda: len(admin.get("/v1/events").json()["items"]) == 2, message="2 events")
    assert [e["event_id"] for e in reviewer.get("/v1/events").json()["items"]] == [public["event_id"]]
