"""Demo data for the dashboard (docs/dashboard.md): programmes in several countries, approved
results over several periods (direct and indirect reach, women empowered), a fund with money
received, one grant awarded and one application under review (the pipeline), all through
the public API of a running platform with an admin key.

    python -m scripts.dashboard_demo http://127.0.0.1:8000 "$PLATFORM_ADMIN_KEY"

The browser tests (tests/e2e/test_dashboard.py) load it; so does the README's screenshot."""
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import requests

ORG = {"ref": "XM-DEMO", "name": "Demo partner", "type": "21"}
# (title, theme, window/instrument, SDG goal, country, cities: (name, latitude, longitude), results)
PROGRAMMES = [
    ("Secondary cities of Lake Victoria", "gender_equality", "country_city", "5", "UG",
     [("Jinja", "0.424400", "33.204200"), ("Mbale", "1.080600", "34.175000")]),
    ("Kenya's lakeside towns", "equitable_economic_growth", "country_city", "8", "KE",
     [("Kisumu", "-0.091700", "34.768000"), ("Nakuru", "-0.303100", "36.080000")]),
    ("Northern Ghana urban resilience", "resilience_climate", "country_city", "11", "GH",
     [("Tamale", "9.400800", "-0.839300")]),
    ("Coastal Bangladesh climate migrants", "cities_migration", "global", "13", "BD",
     [("Khulna", "22.845600", "89.540300")]),
    ("Piura after the floods", "resilience_climate", "global", "11", "PE", [("Piura", None, None)]),
]
PERIODS = [("2018-07-01", "2018-12-31"), ("2019-01-01", "2019-06-30"), ("2019-07-01", "2019-12-31"),
           ("2020-01-01", "2020-06-30")]
HISTORY = {"start": "2018-01-01", "end": "2021-12-31"}   # the shipped plan's years: every period above
INSTRUMENT = {"country_city": "country_programme", "global": "regional_programme"}


class Api:
    def __init__(self, base: str, key: str):
        self.base, self.headers = base.rstrip("/"), {"Authorization": f"Bearer {key}"}

    def post(self, path: str, body: dict | None = None, status: tuple = (200, 201), retry_422: float = 0) -> dict:
        deadline = time.monotonic() + retry_422
        while True:
            response = requests.post(self.base + path, json=body or {}, headers=self.headers, timeout=15)
            # a service may not know yet what another announced (a programme reaches grants by event)
            if response.status_code != 422 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        if response.status_code not in status:
            raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
        return response.json()


def programme(api: Api, title, theme, window, sdg, country, cities) -> dict:
    body = {"iati_identifier": f"{ORG['ref']}-{uuid.uuid4().hex[:10]}", "reporting_org": ORG, "title": title,
            "funding_window": window, "instrument": INSTRUMENT[window], "themes": [theme], "countries": [country],
            "sdg_goals": [sdg], "indicators": [{"code": "people_reached"}, {"code": "women_empowered"}],
            "cities": [{"name": n, "country": country, **({"latitude": la, "longitude": lo} if la else {})}
                       for n, la, lo in cities]}
    created = api.post("/v1/programmes", body)
    # Historical figures: the plan's calendar has locked its periods; an admin reopens the plan's years
    # for the programme (a reopening holds every period within it), as for figures imported late.
    until = (datetime.now(timezone.utc) + timedelta(days=7)).date().isoformat()
    api.post(f"/v1/programmes/{created['id']}/reopenings",
             {"period": HISTORY, "reason": "demo: historical figures", "until": until})
    return api.post(f"/v1/programmes/{created['id']}/status", {"status": "implementation"})


def approve(api: Api, programme: dict, city: str, value: int, period: tuple, indicator="people_reached",
            **extra) -> dict:
    city_id = next(c["id"] for c in programme["cities"] if c["name"] == city)
    result = api.post(f"/v1/programmes/{programme['id']}/results", {
        "indicator": indicator, "city_id": city_id, "period": {"start": period[0], "end": period[1]},
        "value": value, **extra})
    api.post(f"/v1/results/{result['id']}/submit")
    return api.post(f"/v1/results/{result['id']}/approve")


def money(amount: str, currency: str = "USD") -> dict:
    return {"amount": amount, "currency": currency}


def grants(api: Api, programme_id: str) -> None:
    fund = api.post("/v1/funds", {
        "name": "Innovation Fund", "window": "country_city", "currency": "USD", "min_grant": money("10000.00"),
        "max_grant": money("200000.00"), "eligible_applicant_types": ["11", "22", "24"],
        "eligible_countries": ["UG", "KE"], "max_cofinancing_share": "0.80"})
    pledge = api.post("/v1/contributions", {"fund_id": fund["id"], "contributor": "Sweden",
                                            "amount": money("400000.00")})
    api.post(f"/v1/contributions/{pledge['id']}/receipts")
    call = api.post("/v1/calls", {
        "fund_id": fund["id"], "title": "Women and the city economy", "themes": ["gender_equality"],
        "closes_at": (datetime.now(timezone.utc) + timedelta(days=30)).isoformat(), "envelope": money("300000.00"),
        "questions": [{"code": "ownership", "text": "Who owns the project?"}],
        "criteria": [{"code": "relevance", "title": "Relevance", "max_score": 5}], "required_reviews": 1})
    for title, amount, award in (("Market stalls for women traders", "120000.00", True),
                                 ("Street lighting for night markets", "60000.00", False)):
        application = api.post("/v1/applications", {
            "call_id": call["id"], "applicant_organisation": ORG["ref"], "applicant_type": "11",
            "title": title, "city": "Jinja", "country": "UG", "theme": "gender_equality",
            "amount_requested": money(amount), "project_cost": money(f"{int(float(amount) * 1.5)}.00"),
            "proposal": title + ".", "answers": {"ownership": "The council, with the traders' association."},
            "programme_id": programme_id, "targets": [{"indicator": "people_reached", "value": 25000}]},
            retry_422=15)
        if award:
            api.post(f"/v1/applications/{application['id']}/reviews", {
                "scores": {"relevance": 5}, "recommendation": "award", "comment": "Strong local ownership."})
            api.post(f"/v1/applications/{application['id']}/determination",
                     {"decision": "award", "reasons": ["strong local ownership"]})


def load(base: str, key: str) -> dict:
    """Loads the demo; returns the programmes by country code."""
    api = Api(base, key)
    made = {spec[4]: programme(api, *spec) for spec in PROGRAMMES}
    for step, period in enumerate(PERIODS, start=1):
        for country, prog in made.items():
            for name, _, _ in [c for spec in PROGRAMMES if spec[4] == country for c in spec[5]]:
                direct = 50000 * step + 4000 * len(name)
                approve(api, prog, name, direct + direct // 2, period,
                        disaggregations={"reach": {"direct": direct, "indirect": direct // 2}})
                if step == len(PERIODS):
                    approve(api, prog, name, direct // 3, period, indicator="women_empowered")
    grants(api, made["UG"]["id"])
    return made


if __name__ == "__main__":
    load(sys.argv[1], sys.argv[2])
    print("demo data loaded: open", sys.argv[1].rstrip("/") + "/dashboard")
