"""One `iati-activity` element -> what the programmes service's import takes
(programmes.handlers.imports), following docs/iati.md element by element.

Activities from other publishers carry no platform fields: they get DEFAULTS (window,
instrument) and themes from their sectors, policy markers and tags (THEMES_BY_*), and a
warning says so, for review; standard IATI is never refused for lacking them."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from gateway.iati_import.results import read_results
from gateway.iati_import.values import decimal, narrative
from shared.events.contracts.programmes import ACTIVITY_STATUSES, ORGANISATION_ROLES
from shared.reference import COUNTRIES

DEFAULT_WINDOW, DEFAULT_INSTRUMENT = "country_city", "country_programme"
DEFAULT_THEME = "cities_migration"
# IATI PolicyMarker codes -> plan themes: 1 gender equality; 5-8 the Rio markers (biodiversity,
# climate mitigation, climate adaptation, desertification); 9 DRR (IATI's own code list)
THEMES_BY_MARKER = {"1": "gender_equality", "5": "resilience_climate", "6": "resilience_climate",
                    "7": "resilience_climate", "8": "resilience_climate", "9": "resilience_climate"}
# DAC sector categories (first 3 digits) -> plan themes
THEMES_BY_SECTOR = {"151": "cities_migration", "430": "cities_migration", "410": "resilience_climate",
                    "740": "resilience_climate", "250": "equitable_economic_growth",
                    "321": "equitable_economic_growth", "240": "equitable_economic_growth"}
# SDG goals (tag vocabulary 2) -> plan themes
THEMES_BY_GOAL = {"5": "gender_equality", "13": "resilience_climate", "8": "equitable_economic_growth",
                  "11": "cities_migration", "10": "cities_migration"}
STATUS_BY_CODE = {code: name for name, code in ACTIVITY_STATUSES.items()}
ROLE_BY_CODE = {code: name for name, code in ORGANISATION_ROLES.items()}
DATE_BY_TYPE = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end"}

def _org(element: Any) -> dict[str, Any] | None:
    if element is None:
        return None
    return {"ref": element.get("ref") or None, "name": narrative(element)}


def _city_country(location: Any, countries: list[str]) -> str | None:
    """A location's country: administrative[@vocabulary=A4] (ISO 3166-1), else the ref's
    prefix (e.g. KE-NBO), else the activity's only recipient country."""
    for admin in location.findall("administrative"):
        if admin.get("vocabulary") == "A4" and admin.get("code") in COUNTRIES:
            return str(admin.get("code"))
    prefix = (location.get("ref") or "").split("-")[0]
    if len(prefix) == 2 and prefix in COUNTRIES:
        return prefix
    return countries[0] if len(countries) == 1 else None


def _cities(activity: Any, countries: list[str], warnings: list[str]) -> list[dict[str, Any]]:
    cities = []
    for i, location in enumerate(activity.findall("location"), 1):
        name, country = narrative(location.find("name")), _city_country(location, countries)
        if not name or country not in countries:
            warnings.append(f"location[{i}]: not a city of the activity's recipient countries (it needs a name "
                            "and a country among them); not imported")
            continue
        city: dict[str, Any] = {"ref": location.get("ref"), "name": name, "country": country}
        pos = (location.findtext("point/pos") or "").split()
        if len(pos) == 2 and all(decimal(p) is not None for p in pos):
            city["latitude"], city["longitude"] = (str(Decimal(p).quantize(Decimal("0.000001"))) for p in pos)
        cities.append(city)
    return cities


def _vocabulary(element: Any, default: str = "1") -> str:
    return element.get("vocabulary") or default


def _themes(sectors: list[dict[str, Any]], markers: list[dict[str, Any]], goals: list[str]) -> list[str]:
    themes = [THEMES_BY_MARKER.get(m["code"]) for m in markers if m["significance"] > 0]
    themes += [THEMES_BY_SECTOR.get(s["code"][:3]) for s in sectors]
    themes += [THEMES_BY_GOAL.get(g) for g in goals]
    found = list(dict.fromkeys(t for t in themes if t))
    return found or [DEFAULT_THEME]


def _transactions(activity: Any, currency: str | None, warnings: list[str]) -> list[dict[str, Any]]:
    out = []
    for i, t in enumerate(activity.findall("transaction"), 1):
        value = t.find("value")
        amount, in_currency = decimal(value.text), value.get("currency") or currency
        if amount is None or not in_currency:
            warnings.append(f"transaction[{i}]: no amount or no currency (value/@currency or default-currency); "
                            "not kept")
            continue
        out.append({"type": t.find("transaction-type").get("code"),
                    "date": t.find("transaction-date").get("iso-date"), "amount": str(amount),
                    "currency": in_currency, "value_date": value.get("value-date"), "ref": t.get("ref"),
                    "description": narrative(t.find("description"), multiline=True),
                    "provider": _org(t.find("provider-org")), "receiver": _org(t.find("receiver-org"))})
    return out


def _budget(activity: Any, currency: str | None, warnings: list[str]) -> dict[str, Any] | None:
    """The original (type 1) budgets summed; revised ones (type 2) only when there is no original."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    budgets = activity.findall("budget")
    originals = [b for b in budgets if b.get("type", "1") == "1"]
    for budget in originals or budgets:
        value = budget.find("value")
        amount = decimal(value.text)
        if amount is not None and budget.get("status", "1") == "1":
            sums[value.get("currency") or currency or ""] += amount
    if not sums:
        return None
    first = next(iter(sums))
    if len(sums) > 1:
        warnings.append(f"budgets in several currencies: only those in {first} are summed")
    return {"amount": str(sums[first]), "currency": first}


def to_platform(activity: Any) -> dict[str, Any]:
    """The programmes service's import shape of one schema-valid activity (docs/iati.md)."""
    warnings: list[str] = []
    currency = activity.get("default-currency")
    reporting = activity.find("reporting-org")
    countries: list[str] = list(dict.fromkeys(c.get("code") for c in activity.findall("recipient-country")))
    shares = {c.get("percentage") for c in activity.findall("recipient-country")}
    if len(countries) > 1 and len(shares) > 1:
        warnings.append("recipient-country percentages are not an equal split; the platform keeps the countries only")
    sectors: list[dict[str, Any]] = []
    markers: list[dict[str, Any]] = []
    goals: list[str] = []
    targets: list[str] = []
    for s in activity.findall("sector"):
        if _vocabulary(s) == "1":
            sectors.append({"code": s.get("code"), "percentage": s.get("percentage")})
        else:
            warnings.append(f"sector {s.get('code')} (vocabulary {_vocabulary(s)}): only DAC 5-digit sectors "
                            "(vocabulary 1) are kept")
    for m in activity.findall("policy-marker"):
        if _vocabulary(m) == "1" and (m.get("significance") or "").isdigit():
            markers.append({"code": m.get("code"), "significance": int(m.get("significance"))})
    for tag in activity.findall("tag"):
        (goals if tag.get("vocabulary") == "2" else targets if tag.get("vocabulary") == "3" else []).append(
            tag.get("code"))
    dates = {DATE_BY_TYPE[d.get("type")]: d.get("iso-date") for d in activity.findall("activity-date")
             if d.get("type") in DATE_BY_TYPE}
    orgs = [{"ref": o.get("ref") or None, "name": narrative(o) or o.get("ref"), "role": ROLE_BY_CODE.get(o.get("role")),
             "type": o.get("type")} for o in activity.findall("participating-org")]
    parent = next((r.get("ref") for r in activity.findall("related-activity") if r.get("type") == "1"), None)
    if activity.get("hierarchy") == "2" and parent is None:
        warnings.append("hierarchy 2 without a related-activity of type 1: imported without a parent")
    themes = _themes(sectors, markers, goals)
    warnings.append(f"from another publisher's fields: funding_window {DEFAULT_WINDOW}, instrument "
                    f"{DEFAULT_INSTRUMENT} (defaults) and themes {', '.join(themes)} (from sectors, policy markers "
                    "and SDG tags); review them")
    indicators, results = read_results(activity, warnings)
    programme = {
        "iati_identifier": (activity.findtext("iati-identifier") or "").strip(),
        "reporting_org": {"ref": reporting.get("ref"), "name": narrative(reporting) or reporting.get("ref"),
                          "type": reporting.get("type")},
        "title": narrative(activity.find("title")),
        "description": narrative(next((d for d in activity.findall("description") if d.get("type", "1") == "1"),
                                      None), multiline=True),
        "funding_window": DEFAULT_WINDOW, "instrument": DEFAULT_INSTRUMENT, "themes": themes,
        "countries": countries, "sdg_goals": goals, "sdg_targets": targets,
        "sectors": sectors, "policy_markers": markers, "participating_orgs": orgs,
        "budget": _budget(activity, currency, warnings), "dates": dates,
    }
    return {"programme": programme, "defaulted": ["funding_window", "instrument", "themes"],
            "status": STATUS_BY_CODE.get(activity.find("activity-status").get("code"), "pipeline")
            if activity.find("activity-status") is not None else "pipeline",
            "cities": _cities(activity, countries, warnings), "indicators": indicators,
            "results": results, "reported_transactions": _transactions(activity, currency, warnings), "parent": parent,
            "warnings": warnings}
