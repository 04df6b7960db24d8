"""Explicit actors: no `None` that means admin, and scopes bind every role, admins included."""
import pytest

from shared.actors import ANONYMOUS, SYSTEM, Actor, require_role, require_scope
from shared.errors import Forbidden


def test_a_call_that_names_no_actor_is_refused_never_taken_for_an_admin():
    with pytest.raises(Forbidden, match="names no actor"):
        Actor.from_wire(None)


@pytest.mark.parametrize("wire", [
    {"kind": "key", "role": "owner", "organisation": "ORG-1", "scopes": ["read"]},   # unknown role
    {"kind": "key", "organisation": "ORG-1", "scopes": ["read"]},                    # no role
    {"kind": "root"},                                                                 # unknown kind
    "admin",
])
def test_a_malformed_actor_is_refused(wire):
    with pytest.raises(Forbidden):
        Actor.from_wire(wire)


def test_a_key_actors_scopes_bind_even_an_admin():
    admin = Actor.key(organisation="ORG-1", role="admin", scopes=("read",))
    assert admin.is_admin and admin.has_role("admin")
    require_scope(admin, "read", "reading")
    with pytest.raises(Forbidden, match="`write` scope"):
        require_scope(admin, "write", "writing")
    with pytest.raises(Forbidden, match="`admin` scope"):
        require_scope(admin, "admin", "managing keys")


def test_a_key_actor_crosses_rpc_as_a_dict_and_comes_back_equal():
    partner = Actor.key(organisation="ORG-1", role="partner", key_id="k1")
    wire = partner.to_wire()
    assert wire == {"kind": "key", "key_id": "k1", "organisation": "ORG-1", "role": "partner",
                    "scopes": ["read", "write"]}
    assert Actor.from_wire(wire) == partner
    assert Actor.from_wire(partner) is partner
    assert Actor.from_wire(SYSTEM.to_wire()) is SYSTEM
    assert Actor.from_wire(ANONYMOUS.to_wire()) is ANONYMOUS


def test_system_may_do_everything_and_anonymous_nothing_but_public_reads():
    assert SYSTEM.is_admin and SYSTEM.has_scope("admin") and SYSTEM.has_role("admin")
    assert not ANONYMOUS.is_admin and not ANONYMOUS.has_scope("read") and not ANONYMOUS.has_role("reader")
    with pytest.raises(Forbidden, match="needs a reader key or above; the caller is anonymous"):
        require_role(ANONYMOUS, "reader", "listing keys")


def test_organisations_compare_case_insensitively_and_only_keys_own_objects():
    partner = Actor.key(organisation=" org-1 ", role="partner")
    assert partner.owns("ORG-1") and not partner.owns("ORG-2") and not partner.owns(None)
    assert not ANONYMOUS.owns("ORG-1")
    assert Actor.key(organisation="ORG-9", role="admin").owns("ORG-1")
