"""Keys, authentication, authorisation, rate limits and the audit log, on a real
gateway container (broker + SQLite and PostgreSQL)."""
import pytest

pytestmark = pytest.mark.broker


def test_no_key_is_401_with_www_authenticate(admin):
    anonymous = admin.as_key(None)
    response = anonymous.get("/v1/keys")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401 and body["type"].endswith("/unauthenticated")


def test_public_routes_need_no_key(admin):
    anonymous = admin.as_key(None)
    assert anonymous.get("/v1/openapi.json").status_code == 200


def test_an_unknown_key_is_401(admin):
    response = admin.as_key("upk_not-a-real-key-at-all-000000").get("/v1/keys")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.postgres
def test_admin_creates_a_key_shown_once_and_stored_as_a_hash(admin):
    created = admin.new_key("XM-ACME", "partner", name="acme integration")
    assert created["key"].startswith("upk_") and created["prefix"] == created["key"][:10]
    assert created["scopes"] == ["read", "write"]
    again = admin.get(f"/v1/keys/{created['id']}").json()
    assert "key" not in again and again["organisation"] == "XM-ACME"
    listed = admin.get("/v1/keys").json()
    assert created["id"] in {k["id"] for k in listed["items"]}
    assert created["key"] not in str(listed)


@pytest.mark.postgres
def test_a_key_organisation_is_an_iati_organisation_identifier(admin, gateway_database_url):
    """A key writes the programmes whose reporting_org ref is its organisation: free text could
    never match one. The operator's `platform` and keys stored before the rule keep working."""
    from gateway import auth, cli
    from gateway.store import open_store
    from shared.actors import SYSTEM

    for free_text in ("Jinja City Council", "acme"):
        refused = admin.post("/v1/keys", {"organisation": free_text, "role": "partner"})
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["errors"]
        assert error["field"] == "organisation" and "XM-DAC-41114" in error["messages"][0]
    for organisation in ("XM-DAC-41114", "GB-COH-123456", "XI-IATI-EC_INTPA", "platform"):
        assert admin.new_key(organisation, "reader")["organisation"] == organisation
    with pytest.raises(SystemExit):
        cli.main(["--database-url", gateway_database_url, "create-key", "--organisation", "Jinja City Council",
                  "--role", "reader"])
    _view, legacy = auth.create_key(open_store(gateway_database_url), SYSTEM, organisation="Kisumu County",
                                    role="reader")
    assert admin.as_key(legacy).get("/v1/events").status_code == 200


def test_a_partner_cannot_manage_keys(admin):
    partner = admin.as_key(admin.new_key("XM-ACME", "partner")["key"])
    response = partner.post("/v1/keys", {"organisation": "XM-ACME", "role": "admin"})
    assert response.status_code == 403
    assert response.json()["type"].endswith("/forbidden")


@pytest.mark.postgres
def test_a_revoked_key_is_refused_at_once(admin):
    created = admin.new_key("XM-ACME", "reader")
    reader = admin.as_key(created["key"])
    assert reader.get("/v1/events").status_code == 200
    revoked = admin.delete(f"/v1/keys/{created['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    response = reader.get("/v1/events")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_key_cannot_revoke_itself(admin):
    me = admin.get("/v1/keys").json()["items"][0]
    assert me["name"].startswith("bootstrap")
    assert admin.delete(f"/v1/keys/{me['id']}").status_code == 409


def test_scopes_limit_a_key(admin):
    read_only = admin.as_key(admin.new_key("XM-ACME", "partner", scopes=["read"])["key"])
    assert read_only.get("/v1/webhooks").status_code == 200
    response = read_only.post("/v1/webhooks", {"url": "http://127.0.0.1:9/x", "event_types": ["*"]})
    assert response.status_code == 403 and "write" in response.json()["detail"]


def test_scopes_beyond_the_role_are_refused(admin):
    response = admin.post("/v1/keys", {"organisation": "XM-ACME", "role": "reader", "scopes": ["write"]})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"scopes"}


def test_unknown_and_server_set_fields_are_refused(admin):
    response = admin.post("/v1/keys", {"organisation": "XM-ACME", "role": "reader", "id": "key_mine",
                                       "revoked_at": None, "colour": "red"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"id", "revoked_at", "colour"}


def test_a_key_in_the_url_is_refused(admin):
    response = admin.as_key(None).get(f"/v1/keys?api_key={admin.key}")
    assert response.status_code == 400


def test_rate_limit_answers_429_with_retry_after(start_gateway):
    client, _ = start_gateway(RATE_LIMIT_PER_MINUTE=60, RATE_LIMIT_BURST=3)
    statuses = [client.get("/v1/keys").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    limited = client.get("/v1/keys")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["Content-Type"] == "application/problem+json"


@pytest.mark.postgres
def test_writes_and_refusals_are_audited_without_secrets(admin):
    created = admin.new_key("XM-ACME", "partner")
    partner = admin.as_key(created["key"])
    partner.get("/v1/keys", headers={"X-Request-ID": "refused-1"})
    admin.as_key(None).get("/v1/keys")
    entries = admin.get("/v1/audit?limit=200").json()["items"]
    create = next(e for e in entries if e["route"] == "create_key")
    assert create["outcome"] == "ok" and create["status"] == 201 and create["role"] == "admin"
    refused = next(e for e in entries if e["request_id"] == "refused-1")
    assert (refused["outcome"], refused["status"], refused["key_id"]) == ("refused", 403, created["id"])
    assert any(e["status"] == 401 and e["key_id"] is None for e in entries)
    text = admin.get("/v1/audit?limit=200").text
    assert created["key"] not in text and admin.key not in text


@pytest.mark.postgres
def test_line_breaks_in_input_cannot_forge_audit_entries(admin, caplog):
    forged = '/v1/keys/x%0d%0a{"outcome":"ok","key_id":"key_admin"}'
    admin.as_key(None).delete(forged)
    entry = admin.get("/v1/audit?outcome=refused").json()["items"][-1]
    assert "\n" not in entry["path"] and "\r" not in entry["path"]
    assert "\\r\\n" in entry["path"]


@pytest.mark.postgres
def test_audit_can_be_read_as_csv(admin):
    admin.new_key("XM-ACME", "reader")
    response = admin.get("/v1/audit?format=csv")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    header = response.text.splitlines()[0].split(",")
    assert {"request_id", "method", "path", "status", "outcome"} <= set(header)


def test_guessing_keys_is_rate_limited_per_address(start_gateway):
    client, _ = start_gateway(RATE_LIMIT_PER_MINUTE=60, RATE_LIMIT_BURST=3)
    guesser = client.as_key("upk_guess-guess-guess-guess-guess")
    statuses = [guesser.get("/v1/keys").status_code for _ in range(5)]
    assert statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429]


# -- scopes bind every role, admins included ---------------------------------------------------

def test_an_admin_key_with_only_the_read_scope_is_refused_writes(admin):
    read_only = admin.as_key(admin.new_key("platform", "admin", scopes=["read"])["key"])
    assert read_only.get("/v1/webhooks").status_code == 200
    response = read_only.post("/v1/webhooks", {"url": "http://127.0.0.1:9/x", "event_types": ["*"]})
    assert response.status_code == 403 and "'write'" in response.json()["detail"]
    response = read_only.post("/v1/keys", {"organisation": "XM-ACME", "role": "reader"})
    assert response.status_code == 403 and "'write'" in response.json()["detail"]


def test_the_admin_scope_does_not_stand_for_the_write_or_read_scope(admin):
    no_write = admin.as_key(admin.new_key("platform", "admin", scopes=["read", "admin"])["key"])
    assert no_write.get("/v1/keys").status_code == 200
    response = no_write.post("/v1/keys", {"organisation": "XM-ACME", "role": "reader"})
    assert response.status_code == 403 and "'write'" in response.json()["detail"]
    assert response.headers["Content-Type"] == "application/problem+json"
    no_read = admin.as_key(admin.new_key("platform", "admin", scopes=["write", "admin"])["key"])
    response = no_read.get("/v1/audit")
    assert response.status_code == 403 and "'read'" in response.json()["detail"]


def test_a_key_may_be_given_the_review_scope(admin):
    created = admin.new_key("XM-ACME", "partner", scopes=["read", "write", "review"])
    assert created["scopes"] == ["read", "write", "review"]
    assert admin.get(f"/v1/keys/{created['id']}").json()["scopes"] == ["read", "write", "review"]


@pytest.mark.postgres
def test_the_audit_log_pages_with_an_opaque_cursor(admin):
    for _ in range(3):
        admin.new_key("XM-ACME", "reader")
    first = admin.get("/v1/audit?limit=2").json()
    assert len(first["items"]) == 2 and first["next"]
    second = admin.get(first["next"].removeprefix(admin.base)).json()
    assert second["items"] and second["items"][0]["id"] > first["items"][-1]["id"]
    assert admin.get("/v1/audit?cursor=WzFd-not-ours").status_code == 422
