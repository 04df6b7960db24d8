"""In-memory fakes of the metrics service's unit of work and read model, and a
helper that builds events as a consumer receives them."""
import copy
import json
from decimal import Decimal

import pytest

from shared.events import load_envelope, make_envelope
from shared.events.fields import utcnow
from shared.uow import DuplicateEvent


class FakeFacts:
    """In-memory twin of metrics.unit_of_work.SqlFacts (the read model, plus the
    inbox that last_update() reads)."""

    def __init__(self):
        self.programmes, self.results, self.grants = {}, {}, {}
        self.inbox = {}   # event_id -> processed_at
        self.applied = []  # (kind, id) of every put_*, to see an event applied twice

    # Events may arrive twice or out of order: the latest write of a fact wins.
    def put_programme(self, p):
        self.applied.append(("programme", p["programme_id"]))
        self.programmes[p["programme_id"]] = {
            "programme_id": p["programme_id"], "funding_window": p["funding_window"],
            "themes": list(p["themes"]), "countries": list(p["countries"])}

    def put_result(self, r):
        self.applied.append(("result", r["result_id"]))
        self.results[r["result_id"]] = {
            "result_id": r["result_id"], "programme_id": r["programme_id"], "indicator": r["indicator"],
            "city_name": r["city"]["name"], "city_country": r["city"]["country"], "value": r["value"],
            "recorded_at": r["recorded_at"]}

    def put_result_version(self, r):
        if not r["indicator"]["corporate"]:
            return
        held = self.results.get(r["result_id"])
        if held is not None and held.get("version", 1) > r["version"]:
            return
        self.applied.append(("result", r["result_id"]))
        self.results[r["result_id"]] = {
            "result_id": r["result_id"], "programme_id": r["programme_id"], "parent_id": r["parent_id"],
            "indicator": r["indicator"]["code"], "city_name": r["city"]["name"],
            "city_country": r["city"]["country"], "value": int(r["value"]), "version": r["version"],
            "recorded_at": r.get("revised_at") or r["approved_at"]}

    def put_grant(self, g):
        self.applied.append(("grant", g["grant_id"]))
        self.grants[g["grant_id"]] = {
            "grant_id": g["grant_id"], "programme_id": g["programme_id"],
            "amount": Decimal(g["amount"]).quantize(Decimal("0.01")),   # the column is NUMERIC(20, 2)
            "currency": g["currency"], "awarded_at": g.get("committed_at") or g["awarded_at"]}

    def figure(self, target):
        counted = [r for r in self.results.values()
                   if r["value"] > 0 and target["indicator"] in ("*", r["indicator"])]
        if target["measure"] == "sum":
            return sum(r["value"] for r in counted)
        if target["measure"] == "distinct_cities":
            return len({(r["city_country"], r["city_name"]) for r in counted})
        if target["measure"] == "distinct_countries":
            return len({r["city_country"] for r in counted})
        raise ValueError(f"unknown measure {target['measure']!r}")

    def committed_money(self):
        totals = {}
        for g in self.grants.values():
            totals[g["currency"]] = totals.get(g["currency"], Decimal("0.00")) + g["amount"]
        return [{"currency": c, "amount": str(a)} for c, a in sorted(totals.items())]

    def last_update(self):
        return max(self.inbox.values(), default=None)


class FakeUnitOfWork:
    """Same protocol as MetricsUnitOfWork (shared.uow.UnitOfWork), state in memory.

    The inbox record and the projected facts live in one transaction: both are
    kept by commit() and both are thrown away when the block is left without it."""

    producer = "metrics"

    def __init__(self):
        self._committed = FakeFacts()
        self.facts = copy.deepcopy(self._committed)
        self.outbox, self.emitted = [], []
        self.committed = False
        self.commits = 0
        self.active = False

    def __enter__(self):
        assert not self.active, "unit of work entered twice"
        self.active, self.committed, self.emitted = True, False, []
        self.facts = copy.deepcopy(self._committed)
        return self

    def __exit__(self, *exc):
        self.rollback()
        self.active = False

    def emit(self, event_type, payload):
        assert self.active, "emit outside a transaction"
        envelope = make_envelope(event_type, payload, producer=self.producer)
        json.dumps(envelope.to_message())
        self.emitted.append(envelope)
        return envelope

    def record_inbox(self, envelope):
        assert self.active, "record_inbox outside a transaction"
        if envelope.event_id in self.facts.inbox:
            raise DuplicateEvent(envelope.event_id)
        self.facts.inbox[envelope.event_id] = utcnow()

    def commit(self):
        assert self.active, "commit outside a transaction"
        self._committed = copy.deepcopy(self.facts)
        self.outbox.extend(self.emitted)
        self.committed = True
        self.commits += 1

    def rollback(self):
        self.facts = copy.deepcopy(self._committed)


@pytest.fixture
def uow():
    return FakeUnitOfWork()


@pytest.fixture
def received():
    """received(event_type, payload, producer) -> the Envelope a consumer loads from the wire."""
    def make(event_type, payload, producer, version=None):
        envelope = make_envelope(event_type, payload, producer=producer, version=version)
        body = json.loads(json.dumps(envelope.to_message()))
        return load_envelope(body)
    return make
