"""One `iati-activity` element -> what the programmes service's import takes
(programmes.handlers.imports), following docs/iati.md element by element.

Activities from other publishers carry no platform fields: they get DEFAULTS (window,
instrument) and themes from their sectors, policy markers and tags (THEMES_BY_*), and a
warning says so, for review; standard IATI is never refused for lacking them."""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from marshmallow import fields

from shared.api.programmes.pieces import DisaggregationsIn
from shared.events.contracts.programmes import ACTIVITY_STATUSES, MEASURES, ORGANISATION_ROLES
from shared.reference import COUNTRIES

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
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
MEASURE_BY_CODE = {code: name for name, code in MEASURES.items()}
DATE_BY_TYPE = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end"}
# the platform's disaggregations and their categories, as its API takes them ("reach" marks the total)
CATEGORIES = {name: tuple(cast(fields.Nested, field).schema.fields)
              for name, field in DisaggregationsIn().fields.items() if name != "reach"}
REACHES = ("direct", "indirect")
CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")   # an indicator code (shared.api.programmes.pieces)


def narrative(element: Any, *, multiline: bool = False) -> str | None:
    """The first English (or unlabelled) narrative, else the first one; on one line unless
    `multiline` (titles and names are single-line text on the platform: shared.text)."""
    if element is None:
        return None
    texts = [(n.get(XML_LANG), (n.text or "").strip() if multiline else _one_line(n.text or ""))
             for n in element.findall("narrative")]
    texts = [(lang, t) for lang, t in texts if t]
    return next((t for lang, t in texts if lang in (None, "en")), texts[0][1] if texts else None)


def _one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n\t\v\f]+\s*", " ", text).strip()


def _decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value.strip()) if value is not None else None
    except InvalidOperation:
        return None


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.casefold()).strip("_")[:90] or "indicator"


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
        if len(pos) == 2 and all(_decimal(p) is not None for p in pos):
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


def _indicators(activity: Any, warnings: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Indicator specs (IndicatorIn) and their actuals as results (ResultCreate without a city)."""
    indicators: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for element in activity.iterfind("result/indicator"):
        title = narrative(element.find("title")) or "indicator"
        code = next((r.get("code") for r in element.findall("reference") if r.get("vocabulary") == "99"
                     and r.get("code")), None) or slug(title)
        if not CODE.fullmatch(code):
            code = slug(code)
        base, n = code, 2
        while any(i["code"] == code for i in indicators):
            code, n = f"{base}_{n}", n + 1
        spec: dict[str, Any] = {"code": code, "title": title[:500],
                                "measure": MEASURE_BY_CODE.get(element.get("measure") or "1", "unit"),
                                "ascending": element.get("ascending", "1") in ("1", "true"), "targets": []}
        if element.get("measure") not in (None, *MEASURE_BY_CODE):
            warnings.append(f"indicator {code}: measure {element.get('measure')} is kept as a unit count")
        baseline = element.find("baseline")
        if baseline is not None and _decimal(baseline.get("value")) is not None:
            year = baseline.get("year") or (baseline.get("iso-date") or "")[:4]
            if year.isdigit():
                spec["baseline"] = {"value": baseline.get("value"), "year": int(year)}
        for period in element.findall("period"):
            span = {"start": period.find("period-start").get("iso-date"),
                    "end": period.find("period-end").get("iso-date")}
            targets = [_decimal(t.get("value")) for t in period.findall("target")]
            if any(t is not None for t in targets):
                total = sum((t for t in targets if t is not None), Decimal(0))
                spec["targets"].append({"period": span, "value": str(total)})
            result = _actual(period, code, warnings)
            if result is not None:
                if "reach" in result:
                    spec["reach"] = result.pop("reach")
                results.append({"indicator": code, "period": span, **result})
        indicators.append(spec)
    return indicators, results


def _actual(period: Any, code: str, warnings: list[str]) -> dict[str, Any] | None:
    """A period's actuals: the total is the actual without a dimension (summed when several);
    an actual with one dimension of the platform's is a part (one per category, docs/iati.md).
    An actual with the dimension `reach` only is a part of the reach split when the period has
    a total without a dimension, and otherwise the total itself, marked with its reach (how the
    export writes a value without a split). Other disaggregated actuals are dropped, unless the
    period has no total: then their sum is the total (a warning either way)."""
    total: Decimal | None = None
    reach: str | None = None
    reach_only: list[tuple[str, Decimal]] = []
    parts: dict[str, dict[str, str]] = defaultdict(dict)
    other: list[Decimal] = []
    for actual in period.findall("actual"):
        value = _decimal(actual.get("value"))
        if value is None:
            continue
        dims = [(d.get("name"), d.get("value")) for d in actual.findall("dimension")]
        if len(dims) == 1 and dims[0][1] in CATEGORIES.get(dims[0][0] or "", ()):
            parts[dims[0][0]][dims[0][1]] = str(value)
        elif len(dims) == 1 and dims[0][0] == "reach" and dims[0][1] in REACHES:
            reach_only.append((dims[0][1], value))
        elif dims:
            other.append(value)
            warnings.append(f"indicator {code}: actual dimensions {', '.join(f'{n}={v}' for n, v in dims)} "
                            "are not the platform's disaggregations")
        else:
            total = (total or Decimal(0)) + value
    if total is not None:
        for category, value in reach_only:
            parts["reach"][category] = str(Decimal(parts["reach"].get(category, "0")) + value)
    elif reach_only:
        total = sum((value for _, value in reach_only), Decimal(0))
        if len({category for category, _ in reach_only}) == 1:
            reach = reach_only[0][0]
        else:  # direct and indirect without a total: they are the split of their sum
            for category, value in reach_only:
                parts["reach"][category] = str(Decimal(parts["reach"].get(category, "0")) + value)
    if total is None and other:
        total = sum(other, Decimal(0))
        warnings.append(f"indicator {code}: a period without an undisaggregated actual; the sum of its other "
                        "actuals is kept as the total")
    if total is None:
        return None
    out: dict[str, Any] = {"value": str(total), "disaggregations": dict(parts)}
    if reach is not None:
        out["reach"] = reach
    return out


def _transactions(activity: Any, currency: str | None, warnings: list[str]) -> list[dict[str, Any]]:
    out = []
    for i, t in enumerate(activity.findall("transaction"), 1):
        value = t.find("value")
        amount, in_currency = _decimal(value.text), value.get("currency") or currency
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
        amount = _decimal(value.text)
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
    indicators, results = _indicators(activity, warnings)
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
