"""The gateway's access policy (gateway.access) on the shared vocabulary (shared.actors):
a route needs its role AND its scopes, for every role, admins included; the gateway's own
objects and events are per organisation, compared case-folded."""
import pytest

from gateway import access, event_policy
from shared.actors import ANONYMOUS, SYSTEM, Actor
from shared.errors import Forbidden, InvalidInput


def key(role, scopes=None, organisation="XM-ACME"):
    return Actor.key(key_id="key_1", organisation=organisation, role=role, scopes=scopes)


def refusal(actor, route_access, method, scope=None) -> str:
    with pytest.raises(Forbidden) as refused:
        access.authorise(actor, route_access, method, scope)
    return refused.value.detail


@pytest.mark.parametrize("route_access, method, needed", [
    ("reader", "GET", ("read",)), ("partner", "POST", ("write",)), ("partner", "DELETE", ("write",)),
    ("admin", "GET", ("read", "admin")), ("admin", "POST", ("write", "admin")),
])
def test_a_route_needs_its_methods_scope_and_admin_routes_the_admin_scope(route_access, method, needed):
    assert access.scopes_needed(route_access, method) == needed


def test_a_full_key_of_each_role_may_use_the_routes_of_its_role():
    for role in ("reader", "partner", "admin"):
        access.authorise(key(role), role, "GET")
    access.authorise(key("partner"), "partner", "POST")
    access.authorise(key("admin"), "admin", "POST")
    access.authorise(key("admin"), "partner", "DELETE")


def test_a_role_too_low_is_refused_naming_the_role():
    assert "partner role" in refusal(key("reader"), "partner", "GET")
    assert "admin role" in refusal(key("partner"), "admin", "GET")


def test_an_admin_key_with_only_the_read_scope_cannot_write():
    read_only_admin = key("admin", ["read"])
    access.authorise(read_only_admin, "partner", "GET")
    assert "'write'" in refusal(read_only_admin, "partner", "POST")
    assert "'write' and 'admin'" in refusal(read_only_admin, "admin", "POST")


def test_the_admin_scope_does_not_stand_for_read_or_write():
    assert "'write'" in refusal(key("admin", ["read", "admin"]), "admin", "POST")
    assert "'read'" in refusal(key("admin", ["write", "admin"]), "admin", "GET")


def test_a_review_route_needs_the_review_scope_or_the_admin_scope():
    access.authorise(key("partner", ["read", "review"]), "partner", "POST", scope="review")
    access.authorise(key("admin"), "partner", "POST", scope="review")
    assert "'review'" in refusal(key("partner"), "partner", "POST", scope="review")
    assert "'review'" in refusal(key("admin", ["read", "write"]), "partner", "POST", scope="review")


def test_public_routes_admit_anyone_and_the_others_no_anonymous_caller():
    access.authorise(ANONYMOUS, "public", "GET")
    assert "reader role" in refusal(ANONYMOUS, "reader", "GET")


def test_new_keys_get_their_roles_scopes_a_subset_or_review_and_nothing_beyond():
    assert access.key_scopes("partner", None) == ["read", "write"]
    assert access.key_scopes("admin", ["read", "read"]) == ["read"]
    assert access.key_scopes("reader", ["read", "review"]) == ["read", "review"]
    with pytest.raises(InvalidInput) as beyond:
        access.key_scopes("reader", ["read", "write"])
    assert set(beyond.value.errors) == {"scopes"}


def test_events_are_visible_to_their_organisation_case_folded_public_ones_to_all():
    # the rule per event type is gateway.event_policy (tests/gateway/test_event_policy.py), on access.owned
    def sees(event_type, organisation, actor):
        return event_policy.audience(event_type, organisation, actor) is not None
    acme = key("reader")
    assert sees("programme.created", "xm-acme", acme)
    assert not sees("programme.created", "XM-OTHER", acme)
    assert not sees("programme.created", None, acme)
    assert sees("fund.created", "XM-OTHER", acme) and sees("fund.created", None, ANONYMOUS)
    assert not sees("programme.created", "XM-ACME", ANONYMOUS)
    assert sees("programme.created", "XM-OTHER", key("admin", ["read"]))
    assert sees("programme.created", None, SYSTEM)
