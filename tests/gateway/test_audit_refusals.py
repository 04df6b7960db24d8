"""Refusals are audited as counts per key (or client address), status and minute, not a row
per request: key guessing cannot fill the audit log. A real gateway on SQLite and PostgreSQL."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from gateway import models
from shared.db import create_engine

pytestmark = pytest.mark.postgres

GUESSES = 200


def refused_rows(admin, **query):
    params = "&".join(f"{k}={v}" for k, v in {"outcome": "refused", "limit": 200, **query}.items())
    return admin.get(f"/v1/audit?{params}").json()["items"]


def test_two_hundred_refused_requests_make_a_row_or_two_that_count_them_all(admin):
    guesser = admin.as_key(None)

    def guess(n):  # 401s from one client address, eight at a time: no count may be lost
        return guesser.get("/v1/keys", headers={"Authorization": f"Bearer guess-{n:04d}-0123456789abcdef"})

    with ThreadPoolExecutor(8) as pool:
        statuses = [r.status_code for r in pool.map(guess, range(GUESSES))]
    assert statuses == [401] * GUESSES

    rows = refused_rows(admin)
    assert 1 <= len(rows) <= 2  # two only when the requests straddle a minute boundary
    assert sum(r["count"] for r in rows) == GUESSES
    for row in rows:
        assert (row["status"], row["key_id"], row["client"]) == (401, None, "127.0.0.1")
        assert row["last_at"] >= row["at"]


def test_rate_limited_requests_are_counted_in_their_key_s_row(start_gateway, gateway_database_url):
    admin, _ = start_gateway(RATE_LIMIT_PER_MINUTE=1, RATE_LIMIT_BURST=3)
    statuses = [admin.get("/v1/keys").status_code for _ in range(20)]
    assert statuses[:3] == [200, 200, 200] and set(statuses[3:]) == {429}

    # Read from the database: the admin key is over its limit for the API too.
    t = models.audit_log
    engine = create_engine(gateway_database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.key_id, t.c.count, t.c.refused_by).where(t.c.status == 429)).all()
    engine.dispose()
    assert 1 <= len(rows) <= 2
    assert sum(r.count for r in rows) == 17
    assert {r.refused_by for r in rows} == {f"key:{rows[0].key_id}"} and rows[0].key_id


def test_writes_stay_one_row_each(admin):
    for n in range(3):
        assert admin.new_key(f"XM-ORG{n}", "reader")
    writes = [r for r in admin.get("/v1/audit?outcome=ok&limit=200").json()["items"] if r["route"] == "create_key"]
    assert len(writes) == 3 and {r["count"] for r in writes} == {1}
    assert {r["last_at"] for r in writes} == {None}
