"""Valid requests of the grants service, its callers (wire actors), and the use cases as the
service calls them (grants_testkit.py holds the fake unit of work)."""
import inspect
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from grants import handlers as _handlers
from shared.actors import SYSTEM, Actor

ADMIN = {"key_id": "key_admin", "organisation": "Cities Alliance Secretariat", "role": "admin", "scopes": ["admin"]}
REVIEWER_A = {"key_id": "key_rev_a", "organisation": "UN-Habitat", "role": "admin", "scopes": ["admin"]}
REVIEWER_B = {"key_id": "key_rev_b", "organisation": "World Bank", "role": "admin", "scopes": ["admin"]}
JINJA = {"key_id": "key_jinja", "organisation": "Jinja Municipal Council", "role": "partner",
         "scopes": ["read", "write"]}
KISUMU = {"key_id": "key_kisumu", "organisation": "Kisumu County", "role": "partner", "scopes": ["read", "write"]}


def usd(amount):
    return {"amount": amount, "currency": "USD"}


def fund_body(**changes):
    body = {"name": "Innovation Fund", "window": "country_city", "currency": "USD",
            "min_grant": usd("10000"), "max_grant": usd("75000"),
            "eligible_applicant_types": ["11", "22", "24"], "eligible_countries": ["UG", "KE"],
            "max_cofinancing_share": "0.80"}
    body.update(changes)
    return body


def call_body(fund_id, **changes):
    body = {"fund_id": fund_id, "title": "Women and the city economy", "themes": ["gender_equality"],
            "closes_at": (datetime.now(timezone.utc) + timedelta(days=30)).isoformat(),
            "envelope": usd("100000"), "questions": [{"code": "ownership", "text": "Who owns the project?"}],
            "criteria": [{"code": "relevance", "title": "Relevance", "max_score": 5},
                         {"code": "feasibility", "title": "Feasibility", "max_score": 5}],
            "required_reviews": 2}
    body.update(changes)
    return body


def application_body(call_id, **changes):
    body = {"call_id": call_id, "applicant_organisation": "Jinja Municipal Council", "applicant_type": "11",
            "title": "Market stalls for women traders", "city": "Jinja", "country": "UG",
            "theme": "gender_equality", "amount_requested": usd("40000"), "project_cost": usd("50000"),
            "proposal": "Build 200 market stalls.", "answers": {"ownership": "The council and traders."},
            "programme_id": "p-1", "targets": [{"indicator": "people_reached", "value": 5000}]}
    body.update(changes)
    return body


REVIEW = {"scores": {"relevance": 4, "feasibility": 3}, "recommendation": "award", "comment": "Solid."}


class UseCases:
    """grants.handlers as the service calls them: a wire actor (dict) is converted with
    Actor.from_wire, and a call that names no actor is an internal one, made as SYSTEM."""

    def __getattr__(self, name):
        function = getattr(_handlers, name)
        names = list(inspect.signature(function).parameters)

        def call(*args, **kwargs):
            if "actor" in names:
                actor = kwargs.get("actor")
                kwargs["actor"] = SYSTEM if actor is None else Actor.from_wire(actor)
            return function(*args, **kwargs)
        return call


handlers = UseCases()


def make_funded(uow):
    """A USD fund with 100,000.00 received and an open call (envelope 100,000.00, 2 reviews)."""
    fund = handlers.create_fund(uow, fund_body())
    contribution = handlers.pledge_contribution(uow, {"fund_id": fund["id"], "contributor": "Sweden",
                                                      "contributor_type": "10", "amount": usd("100000")})
    handlers.receive_contribution(uow, contribution["id"], {})
    call = handlers.open_call(uow, call_body(fund["id"]))
    return {"fund": fund, "call": call, "contribution": contribution}


def reviewed_application(uow, call_id, **changes):
    app = handlers.submit_application(uow, application_body(call_id, **changes))
    assert app["status"] == "under_review", app["screening"]
    handlers.submit_review(uow, app["id"], REVIEW, actor=REVIEWER_A)
    handlers.submit_review(uow, app["id"], REVIEW, actor=REVIEWER_B)
    return app


TODAY = date.today()


def D(x):  # noqa: N802
    return Decimal(x)


def award(uow, app_id, **changes):
    body = {"decision": "award", "reasons": ["strong local ownership"]}
    body.update(changes)
    return handlers.determine(uow, app_id, body, actor=ADMIN)


def signed(uow, grant):
    """The grant once the grantee signed its agreement and the fund countersigned it."""
    handlers.sign_agreement(uow, grant["id"], {}, actor=JINJA, party="grantee")
    return handlers.sign_agreement(uow, grant["id"], {}, actor=ADMIN, party="fund")


def wire(envelope):
    """An event's payload as a consumer receives it (JSON)."""
    return json.loads(json.dumps(envelope.to_message()))["payload"]
