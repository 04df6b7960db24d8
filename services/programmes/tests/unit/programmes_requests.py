"""Requests and callers shared by the programmes use-case tests: a valid programme body,
actors as the gateway sends them, and the use cases called as the service calls them."""
import copy

import sqlalchemy as sa

from programmes import handlers as use_cases
from shared.actors import SYSTEM, Actor

ORG = {"ref": "XM-ORG-1", "name": "Partner one", "type": "21"}
JINJA = {"name": "Jinja", "country": "UG", "population": 300000}
KISUMU = {"name": "Kisumu", "country": "KE"}
VALID = {
    "iati_identifier": "XM-ORG-1-UG-001", "reporting_org": ORG, "title": "Secondary cities of Lake Victoria",
    "description": "Upgrading and planning", "funding_window": "country_city", "instrument": "country_programme",
    "themes": ["gender_equality", "resilience_climate"], "countries": ["UG", "KE"], "cities": [JINJA, KISUMU],
    "sdg_goals": ["11", "5"], "sdg_targets": ["11.1", "5.5"],
    "sectors": [{"code": "43030", "percentage": "70"}, {"code": "16030", "percentage": "30"}],
    "policy_markers": [{"code": "1", "significance": 2}, {"code": "7", "significance": 1}],
    "participating_orgs": [{"name": "Jinja City Council", "role": "implementing", "type": "11"},
                           {"ref": "XM-DAC-41114", "name": "UNDP", "role": "funding", "type": "40"}],
    "budget": {"amount": "2500000.00", "currency": "USD"},
    "dates": {"planned_start": "2019-01-01", "planned_end": "2021-12-31"},
}
PARTNER = {"key_id": "k-1", "organisation": "XM-ORG-1", "role": "partner", "scopes": ["read", "write"]}
OTHER = {"key_id": "k-2", "organisation": "XM-ORG-2", "role": "partner", "scopes": ["read", "write"]}
READER = {"key_id": "k-3", "organisation": "XM-ORG-1", "role": "reader", "scopes": ["read"]}
ADMIN = {"key_id": "k-0", "organisation": "platform", "role": "admin", "scopes": ["read", "write", "admin"]}
PERIOD = {"start": "2020-01-01", "end": "2020-06-30"}


class _Service:
    """The use cases as the service calls them: the actor a wire dict converted once
    (shared.actors), the system when a test names none."""

    def __getattr__(self, name):
        use_case = getattr(use_cases, name)

        def call(*args, actor=None, **kwargs):
            return use_case(*args, actor=SYSTEM if actor is None else Actor.from_wire(actor), **kwargs)
        return call


handlers = _Service()


def body(**changes):
    data = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None and key in data:
            del data[key]
        else:
            data[key] = value
    return data


def counts(engine) -> dict:
    with engine.connect() as conn:
        return {t: conn.execute(sa.select(sa.func.count()).select_from(sa.table(t))).scalar()
                for t in ("programmes", "cities", "programme_cities", "programme_facets", "indicators", "results",
                          "result_versions", "outbox")}


def city_id(programme, name):
    return next(c["id"] for c in programme["cities"] if c["name"] == name)


def new_result(uow, programme, value=1000, city="Jinja", indicator="people_reached", actor=None, **extra):
    return handlers.create_result(uow, programme["id"], {"indicator": indicator, "city_id": city_id(programme, city),
                                                         "period": PERIOD, "value": value, **extra}, actor=actor)


def approved(uow, programme, value=1000, **kwargs):
    result = new_result(uow, programme, value, **kwargs)
    handlers.submit_result(uow, result["id"])
    return handlers.approve_result(uow, result["id"])


def ids(page):
    return [p["id"] for p in page["items"]]
