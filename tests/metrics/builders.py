"""Payloads of the events the metrics service consumes, from the contracts' examples, and a
database for the metrics service's real unit of work (SQLite, migrated once, emptied per use)."""
import copy
import json
from datetime import date, datetime, time, timezone
from decimal import Decimal

import sqlalchemy as sa

from shared.events import load_envelope, make_envelope
from shared.events.contracts.grants import EXAMPLES as GRANTS
from shared.events.contracts.programmes import EXAMPLES as PROGRAMMES

AT = datetime(2020, 5, 1, 9, 30, tzinfo=timezone.utc)
CITIES = {"c-jinja": ("Jinja", "UG"), "c-kisumu": ("Kisumu", "KE"), "c-nakuru": ("Nakuru", "KE"),
          "c-arusha": ("Arusha", "TZ"), "c-gulu": ("Gulu", "UG")}
PRODUCER = {"programme": "programmes", "result": "programmes", "indicator": "programmes"}


def producer_of(event_type):
    return PRODUCER.get(event_type.split(".")[0], "grants")


def wire(event_type, payload, *, event_id=None):
    """The Envelope a consumer loads from the wire (JSON round trip, contract checked)."""
    envelope = make_envelope(event_type, payload, producer=producer_of(event_type))
    message = json.loads(json.dumps(envelope.to_message()))
    if event_id:
        message["event_id"] = event_id
    return load_envelope(message)


def programme(programme_id, *, version=1, parent_id=None, window="country_city", themes=("gender_equality",),
              sdg_goals=("11",), title=None, event_type="programme.created"):
    p = copy.deepcopy(PROGRAMMES["programme.created"])
    p.update(programme_id=programme_id, version=version, parent_id=parent_id, funding_window=window,
             themes=list(themes), sdg_goals=list(sdg_goals), title=title or f"Programme {programme_id}")
    if event_type == "programme.updated":
        p.update(changed=["themes"], previous={"themes": ["resilience_climate"]})
    return event_type, p


def result(result_id, value, *, version=1, programme_id="p-1", parent_id=None, indicator="people_reached",
           corporate=True, reach="direct", city="c-jinja", period_end=date(2020, 6, 30), measure="unit",
           period_start=None, reach_split=None, approved_at=None, numerator=None, denominator=None, **semantics):
    """An approved (version 1) or revised result; `reach_split`: its `reach` disaggregation;
    approved (revised) at `approved_at`, by default at noon UTC on the day its period ends;
    `semantics`: the indicator's kind, reporting and rollup (absent: as before they existed);
    a percentage's `numerator` and `denominator`."""
    event_type = "result.approved" if version == 1 else "result.revised"
    p = copy.deepcopy(PROGRAMMES[event_type])
    name, country = CITIES[city]
    p.update(result_id=result_id, version=version, programme_id=programme_id, parent_id=parent_id,
             value=Decimal(str(value)), numerator=numerator, denominator=denominator,
             disaggregations={"reach": {k: Decimal(str(v)) for k, v in reach_split.items()}} if reach_split else {},
             indicator={"code": indicator, "title": indicator, "corporate": corporate, "measure": measure,
                        "reach": reach, "ascending": True, **semantics},
             city={"id": city, "name": name, "country": country},
             period={"start": period_start or date(period_end.year, 1, 1), "end": period_end})
    at = approved_at or datetime.combine(period_end, time(12), tzinfo=timezone.utc)
    if version > 1:
        p["previous"] = {"version": version - 1, "value": Decimal("1"), "disaggregations": {}, "approved_at": AT}
    p["revised_at" if version > 1 else "approved_at"] = at
    return event_type, p


def fund(fund_id="f-1", window="country_city", currency="USD"):
    return "fund.created", {**copy.deepcopy(GRANTS["fund.created"]), "fund_id": fund_id, "window": window,
                            "currency": currency, "name": f"Fund {fund_id}"}


def _grant_ctx(p, grant_id, fund_id, theme, country, programme_id, currency, at):
    p.update(grant_id=grant_id, fund_id=fund_id, theme=theme, country=country, programme_id=programme_id,
             currency=currency)
    return p


def received(receipt_id, amount, *, fund_id="f-1", window="country_city", currency="USD", at=AT,
             contributor="Government of Sweden"):
    p = copy.deepcopy(GRANTS["contribution.received"])
    p.update(receipt_id=receipt_id, fund_id=fund_id, window=window, amount=Decimal(amount), currency=currency,
             received_at=at, value_date=at.date(), contributor=contributor)
    p["fund_balance"] = {**p["fund_balance"], "currency": currency}
    return "contribution.received", p


def committed(grant_id, amount, *, fund_id="f-1", theme="gender_equality", country="UG", programme_id="p-1",
              currency="USD", at=AT):
    p = _grant_ctx(copy.deepcopy(GRANTS["grant.committed"]), grant_id, fund_id, theme, country, programme_id,
                   currency, at)
    p.update(amount=Decimal(amount), committed_at=at)
    p["fund_balance"] = {**p["fund_balance"], "currency": currency}
    return "grant.committed", p


def disbursed(disbursement_id, grant_id, amount, *, fund_id="f-1", theme="gender_equality", country="UG",
              programme_id="p-1", currency="USD", day=date(2020, 7, 1)):
    p = _grant_ctx(copy.deepcopy(GRANTS["tranche.disbursed"]), grant_id, fund_id, theme, country, programme_id,
                   currency, None)
    p.update(disbursement_id=disbursement_id, amount=Decimal(amount), value_date=day)
    p["fund_balance"] = {**p["fund_balance"], "currency": currency}
    return "tranche.disbursed", p


def closed(grant_id, returned, *, fund_id="f-1", theme="gender_equality", country="UG", programme_id="p-1",
           currency="USD", at=AT, cancelled=False):
    event_type = "grant.cancelled" if cancelled else "grant.closed"
    p = _grant_ctx(copy.deepcopy(GRANTS[event_type]), grant_id, fund_id, theme, country, programme_id, currency,
                   at)
    p.update(returned=Decimal(returned))
    p["closed_at" if not cancelled else "cancelled_at"] = at
    p["fund_balance"] = {**p["fund_balance"], "currency": currency}
    return event_type, p


def application(application_id, event_type, *, status=None, targets=(("people_reached", 5000),),
                city="Jinja", country="UG", theme="gender_equality", amount="40000.00", currency="USD"):
    p = copy.deepcopy(GRANTS[event_type])
    p.update(application_id=application_id, targets=[{"indicator": i, "value": v} for i, v in targets],
             city=city, country=country, theme=theme, amount_requested=Decimal(amount), currency=currency)
    if status is not None:
        p["status"] = status
        if event_type == "application.screened":
            p["passed"] = status == "under_review"
            p["failures"] = [] if p["passed"] else p["failures"]
    return event_type, p


# --- a real metrics database ----------------------------------------------------------------

class MetricsDb:
    """A migrated SQLite database for the metrics service's real unit of work."""

    def __init__(self, directory=None, *, url=None):
        from metrics.db import tune
        from shared.db import create_engine, session_factory
        from shared.migrations import upgrade
        self.url = url or f"sqlite:///{directory / 'metrics.sqlite3'}"
        upgrade("metrics", self.url)
        self.engine = tune(create_engine(self.url))
        self.sessions = session_factory(self.engine)

    def uow(self):
        from metrics import models
        from metrics.unit_of_work import MetricsUnitOfWork
        from shared.uow import process_lock
        if not hasattr(self, "_lock"):
            self._lock = process_lock(self.engine)
        return MetricsUnitOfWork(self.sessions, models.outbox, models.inbox, producer="metrics", lock=self._lock)

    def empty(self):
        from metrics import models
        with self.engine.begin() as conn:
            for table in reversed(models.metadata.sorted_tables):
                conn.execute(table.delete())

    def outbox(self) -> list[dict]:
        from metrics import models
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(models.outbox.c.body).order_by(models.outbox.c.id)).scalars().all()
        return [json.loads(body) for body in rows]

