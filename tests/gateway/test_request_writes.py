"""The rows a request records once it has run (its audit entry, its stored Idempotency-Key
response) are grouped with the concurrent requests' in one transaction (gateway.request_writes),
yet each request's rows are committed when its answer arrives; a failing batch is re-done one
request at a time, and a request whose rows fail even alone gets today's steps one by one.
SQLite and PostgreSQL, a real gateway and a real database."""
import time
from concurrent.futures import ThreadPoolExecutor

import eventlet
import pytest
import sqlalchemy as sa
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway import idempotency, idempotency_keys, models, request_writes
from gateway.entrypoints import ApiEndpoint
from gateway.request import set_actor
from gateway.request_writes import RequestWrites
from shared.actors import Actor
from shared.db import create_engine

pytestmark = pytest.mark.postgres
REQUESTS = 8


def rows_of(engine, request_id):
    """(audit rows of the request, the stored status of its Idempotency-Key)"""
    with engine.connect() as conn:
        audited = conn.execute(sa.select(sa.func.count()).where(models.audit_log.c.request_id == request_id)).scalar()
        stored = conn.execute(sa.select(models.idempotency_keys.c.status)
                              .where(models.idempotency_keys.c.key == f"k-{request_id}")).scalar()
    return audited, stored


def test_concurrent_writes_are_grouped_and_each_answer_finds_its_rows(start_gateway, gateway_database_url):
    admin, container = start_gateway()
    writes = next(e.writes for e in container.entrypoints if isinstance(e, ApiEndpoint))
    batches: list[int] = []

    def held_first(store, items):   # the first batch waits until the other requests queue behind it
        if not batches:
            give_up = time.monotonic() + 10
            while len(writes.queued) < REQUESTS - 1 and time.monotonic() < give_up:
                eventlet.sleep(0.01)
        batches.append(len(items))
        return request_writes.write_many(store, items)

    writes.write_many = lambda items: held_first(writes.store, items)
    engine = create_engine(gateway_database_url)

    def create(n):   # half of them with an Idempotency-Key: its stored response joins the batch
        rid = f"req-{n}"
        headers = {"X-Request-ID": rid, **({idempotency_keys.HEADER: f"k-{rid}"} if n % 2 else {})}
        response = admin.post("/v1/keys", {"organisation": f"XM-ORG{n}", "role": "reader"}, headers=headers)
        return response.status_code, rows_of(engine, rid)   # read as soon as the answer arrives

    try:
        with ThreadPoolExecutor(REQUESTS) as pool:
            answers = list(pool.map(create, range(REQUESTS)))
    finally:
        engine.dispose()
    assert [status for status, _ in answers] == [201] * REQUESTS
    assert [rows for _, rows in answers] == [(1, 201 if n % 2 else None) for n in range(REQUESTS)]
    assert sum(batches) == REQUESTS and max(batches) > 1   # grouped: fewer transactions than requests


def posted(n: int) -> Request:
    request = Request(EnvironBuilder(method="POST", path="/v1/keys", data=b"{}",
                                     headers={"X-Request-ID": f"req-{n}"}).get_environ())
    set_actor(request, Actor(kind="key", key_id="key_1", role="admin"))
    return request


def audited(store) -> list[str]:
    with store.begin() as conn:
        return sorted(conn.execute(sa.select(models.audit_log.c.request_id)).scalars())


def test_a_failing_batch_is_redone_one_request_at_a_time(store):
    batches: list[list[str]] = []

    def refusing(store, items):   # refuses any batch holding req-1's entry
        ids = [entry["request_id"] for _, entry in items]
        batches.append(ids)
        if "req-1" in ids:
            raise RuntimeError("refused")
        return request_writes.write_many(store, items)

    writes = RequestWrites(store, refusing)
    threads = [eventlet.spawn(writes.record, posted(n), f"req-{n}", "create_key", Response("{}", status=201))
               for n in range(3)]
    assert [t.wait().status_code for t in threads] == [201] * 3
    assert batches == [["req-0", "req-1", "req-2"], ["req-0"], ["req-1"], ["req-2"]]
    assert audited(store) == ["req-0", "req-1", "req-2"]   # req-1's written alone, today's way


def test_rows_that_fail_even_alone_take_today_s_steps(store):
    """The stored response is written alone (a retry still gets it replayed), then the entry."""
    claim = {"actor": "key_1", "key": "k-1", "method": "POST", "path": "/v1/keys",
             "body_hash": idempotency_keys.request_hash("POST", "/v1/keys", b"{}")}
    assert idempotency.begin(store, **claim, lease=60) is None
    request = posted(1)
    request.environ[idempotency.FINISH] = {"actor": "key_1", "key": "k-1", "status": 201, "lease": 60,
                                           "headers": {"Content-Type": "application/json"}, "body": '{"id": 1}'}

    def refusing(store, items):
        raise RuntimeError("refused")

    response = RequestWrites(store, refusing).record(request, "req-1", "create_key", Response("{}", status=201))
    assert response.status_code == 201 and audited(store) == ["req-1"]
    replay = idempotency.begin(store, **claim, lease=60)
    assert (replay.status, replay.body) == (201, '{"id": 1}')
