"""The partnership's iati-organisation element (docs/iati.md, "The organisation file"):
per calendar year and currency, the grants committed (total-budget, and per grant country
recipient-country-budget) and the disbursements by value date (total-expenditure). Pure."""
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree

from gateway.iati.activity import XML_LANG, narrative, organisation, sub

DEFAULT_ORGANISATION = {"ref": "XI-IATI-UPP", "name": "Urban partnership platform", "type": "40"}


def from_config(config: Any) -> dict[str, str]:
    """The reporting organisation: PLATFORM_ORGANISATION_REF, _NAME and _TYPE."""
    return {key: str(config.get(f"PLATFORM_ORGANISATION_{key.upper()}") or default)
            for key, default in DEFAULT_ORGANISATION.items()}


Totals = dict[tuple[Any, ...], Decimal]


def _year(day: str) -> int:
    return int(day[:4])


def totals(grants: Iterable[dict[str, Any]], disbursements: Iterable[dict[str, Any]], today: date) -> dict[str, Totals]:
    """Sums by (year, currency) and (country, year, currency); nothing dated after `today`."""
    budget: Totals = defaultdict(Decimal)
    country: Totals = defaultdict(Decimal)
    spent: Totals = defaultdict(Decimal)
    for grant in grants:
        day, money = grant["awarded_at"][:10], grant["amount"]
        if date.fromisoformat(day) > today:
            continue
        budget[(_year(day), money["currency"])] += Decimal(money["amount"])
        if grant.get("country"):
            country[(grant["country"], _year(day), money["currency"])] += Decimal(money["amount"])
    for entry in disbursements:
        if date.fromisoformat(entry["value_date"]) <= today:
            spent[(_year(entry["value_date"]), entry["amount"]["currency"])] += abs(Decimal(entry["amount"]["amount"]))
    return {"budget": budget, "country": country, "spent": spent}


def _period_value(parent: etree._Element, year: int, currency: str, amount: Decimal) -> None:
    sub(parent, "period-start", iso_date=f"{year}-01-01")
    sub(parent, "period-end", iso_date=f"{year}-12-31")
    sub(parent, "value", str(amount), currency=currency, value_date=f"{year}-01-01")


def build(reporting: dict[str, str], sums: dict[str, Totals], updated: datetime) -> etree._Element:
    element = etree.Element("iati-organisation", {"last-updated-datetime": updated.isoformat(timespec="seconds"),
                                                  XML_LANG: "en"})
    sub(element, "organisation-identifier", reporting["ref"])
    narrative(element, "name", reporting["name"])
    organisation(element, "reporting-org", reporting, type=reporting["type"])
    for (year, currency), amount in sorted(sums["budget"].items()):
        _period_value(sub(element, "total-budget", status="2"), year, currency, amount)
    for (code, year, currency), amount in sorted(sums["country"].items()):
        budget = sub(element, "recipient-country-budget", status="2")
        sub(budget, "recipient-country", code=code)
        _period_value(budget, year, currency, amount)
    for (year, currency), amount in sorted(sums["spent"].items()):
        _period_value(sub(element, "total-expenditure"), year, currency, amount)
    return element
