"""The grants path from a fund to an award, as steps shared by the backbone (RPC) and
end-to-end (HTTP) tests."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from shared.actors import SYSTEM

# internal calls over RPC name the platform itself as their actor
SYSTEM_WIRE = SYSTEM.to_wire()

REVIEWERS = ({"key_id": "key_rev_a", "organisation": "UN-Habitat", "role": "admin", "scopes": ["admin"]},
             {"key_id": "key_rev_b", "organisation": "World Bank", "role": "admin", "scopes": ["admin"]})
REVIEW = {"scores": {"relevance": 4, "feasibility": 4}, "recommendation": "award", "comment": "Good value."}


def money(amount, currency="USD"):
    return {"amount": amount, "currency": currency}


def fund_body(currency="USD", **changes):
    body = {"name": "Innovation Fund", "window": "country_city", "currency": currency,
            "min_grant": money("10000.00", currency), "max_grant": money("200000.00", currency),
            "eligible_applicant_types": ["11", "22", "24"], "eligible_countries": ["UG", "KE"],
            "max_cofinancing_share": "0.80"}
    body.update(changes)
    return body


def call_body(fund_id, envelope="500000.00", currency="USD", **changes):
    body = {"fund_id": fund_id, "title": "Women and the city economy", "themes": ["gender_equality"],
            "closes_at": (datetime.now(timezone.utc) + timedelta(days=30)).isoformat(),
            "envelope": money(envelope, currency),
            "questions": [{"code": "ownership", "text": "Who owns the project?"}],
            "criteria": [{"code": "relevance", "title": "Relevance", "max_score": 5},
                         {"code": "feasibility", "title": "Feasibility", "max_score": 5}],
            "required_reviews": 2}
    body.update(changes)
    return body


def application_body(call_id, programme_id, amount="40000.00", cost="50000.00", currency="USD", **changes):
    body = {"call_id": call_id, "applicant_organisation": "Jinja Municipal Council", "applicant_type": "11",
            "title": "Market stalls for women traders", "city": "Jinja", "country": "UG",
            "theme": "gender_equality", "amount_requested": money(amount, currency),
            "project_cost": money(cost, currency), "proposal": "Build 200 market stalls run by women traders.",
            "answers": {"ownership": "The council, with the traders' association."},
            "programme_id": programme_id, "targets": [{"indicator": "people_reached", "value": 5000}]}
    body.update(changes)
    return body


def funded_call_over_rpc(rpc, received="150000.00", envelope="500000.00"):
    """A USD fund with `received` received and an open call: (fund, call)."""
    fund = rpc.grants.create_fund(fund_body(), actor=SYSTEM_WIRE)
    contribution = rpc.grants.pledge_contribution({"fund_id": fund["id"], "contributor": "Sweden",
                                                   "contributor_type": "10", "amount": money(received)},
                                                  actor=SYSTEM_WIRE)
    rpc.grants.receive_contribution(contribution["id"], {}, actor=SYSTEM_WIRE)
    call = rpc.grants.open_call(call_body(fund["id"], envelope=envelope), actor=SYSTEM_WIRE)
    return fund, call


def reviewed_application_over_rpc(rpc, call_id, programme_id, **changes):
    app = rpc.grants.submit_application(application_body(call_id, programme_id, **changes), actor=SYSTEM_WIRE)
    assert app["status"] == "under_review", app["screening"]
    for reviewer in REVIEWERS:
        rpc.grants.submit_review(app["id"], REVIEW, actor=reviewer)
    return app


def award_over_rpc(rpc, programme_id, recipient="Jinja Municipal Council", amount="150000.00"):
    """Fund, contribution, call, application, two reviews, award: the grant committed."""
    _, call = funded_call_over_rpc(rpc, received=amount)
    app = reviewed_application_over_rpc(rpc, call["id"], programme_id, applicant_organisation=recipient,
                                        amount=amount,
                                        cost=str((Decimal(amount) * Decimal("1.5")).quantize(Decimal("0.01"))))
    return rpc.grants.determine(app["id"], {"decision": "award", "reasons": ["strong local ownership"]},
                                actor=SYSTEM_WIRE)["grant"]


# --- over HTTP (the gateway) --------------------------------------------------------------------

class Http:
    """requests against the gateway with one API key; `ok` asserts the expected status."""

    def __init__(self, base, key=None):
        self.base, self.key = base, key

    def headers(self):
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}

    def as_key(self, key):
        return Http(self.base, key)

    def get(self, path, **kwargs):
        import requests
        return requests.get(self.base + path, headers=self.headers(), timeout=15, **kwargs)

    def post(self, path, body=None, **kwargs):
        import requests
        return requests.post(self.base + path, json={} if body is None else body, headers=self.headers(),
                             timeout=15, **kwargs)

    def ok(self, response, status=200):
        assert response.status_code == status, f"{response.status_code}: {response.text}"
        return response.json()

    def new_key(self, organisation, role):
        return self.ok(self.post("/v1/keys", {"organisation": organisation, "role": role}), 201)["key"]


def award_over_http(admin: Http, programme_id, recipient, amount="75000.50",
                    currency="EUR"):
    """Fund, contribution, call (one review), application, review, award, through the gateway:
    the committed grant. `admin` carries an admin key of an organisation other than `recipient`, the
    programme's reporting organisation (an application names one of the applicant's programmes)."""
    fund = admin.ok(admin.post("/v1/funds", fund_body(currency)), 201)
    pledge = admin.ok(admin.post("/v1/contributions", {"fund_id": fund["id"], "contributor": "Sweden",
                                                       "amount": money(amount, currency)}), 201)
    admin.ok(admin.post(f"/v1/contributions/{pledge['id']}/receipts", {}), 201)
    call = admin.ok(admin.post("/v1/calls", call_body(fund["id"], envelope=amount, currency=currency,
                                                      required_reviews=1)), 201)
    cost = str((Decimal(amount) * Decimal("1.5")).quantize(Decimal("0.01")))
    app = admin.ok(admin.post("/v1/applications", application_body(
        call["id"], programme_id, amount=amount, cost=cost, currency=currency, applicant_organisation=recipient,
        city="Mbale")), 201)
    assert app["status"] == "under_review", app["screening"]
    admin.ok(admin.post(f"/v1/applications/{app['id']}/reviews", REVIEW), 201)
    return admin.ok(admin.post(f"/v1/applications/{app['id']}/determination",
                               {"decision": "award", "reasons": ["strong local ownership"]}))["grant"]
