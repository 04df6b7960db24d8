"""One iati-activity element from a programme and what belongs to it, in the XSD's order,
exactly per docs/iati.md. Pure: the data comes in as the services' JSON answers.

By construction the element passes the IATI Validator's rules (shared/iati/checks.py):
sector and country percentages total 100, budgets span at most a year, no transaction is
dated after `today`, and every indicator value is a decimal number."""
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from gateway.iati import documents as documents_of
from gateway.iati.money import equal_percentages, pro_rata, sector_percentages, yearly_periods
from shared import rollup
from shared.events.contracts.programmes import KIND_CODES

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
# activity-date/@type per platform date (IATI ActivityDateType).
DATE_TYPES = (("planned_start", "1"), ("actual_start", "2"), ("planned_end", "3"), ("actual_end", "4"))
# The reporting organisation's type when the programme does not say (OrganisationType 90, other).
OTHER_ORGANISATION = "90"
ACCOUNTABLE = "2"
# IATI 2.03 has no attribute saying an indicator is cumulative, which rule it rolls up by (beyond
# aggregation-status) or a score's scale: the platform's own namespace carries them (the schema
# allows attributes of other namespaces on `indicator`); written only when not the default.
PLATFORM_NS = "urn:urban-partnership:iati-extension"
CUMULATIVE = f"{{{PLATFORM_NS}}}cumulative"
ROLLUP = f"{{{PLATFORM_NS}}}rollup"
SCALE = f"{{{PLATFORM_NS}}}scale"        # "min-max"
DEFAULT_SCALE = {"min": 1, "max": 5}
KIND_BY_CODE = {code: kind for kind, code in KIND_CODES.items()}


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: Any) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()
                                             if v is not None})
    if text is not None:
        element.text = text
    return element


def narrative(parent: etree._Element, tag: str, text: str, **attrs: Any) -> etree._Element:
    element = sub(parent, tag, **attrs)
    sub(element, "narrative", text)
    return element


def organisation(parent: etree._Element, tag: str, org: dict[str, Any], **attrs: Any) -> etree._Element:
    element = sub(parent, tag, ref=org.get("ref") or None, **attrs)
    sub(element, "narrative", org.get("name") or org.get("ref") or "")
    return element


def build(programme: dict[str, Any], *, results: list[dict[str, Any]], transactions: list[dict[str, Any]],
          parent_ref: str | None, today: date, documents: list[dict[str, Any]] | None = None,
          comments: documents_of.Comments | None = None) -> etree._Element:
    """The programme as an iati-activity. `programme` is get_programme's answer (with its
    indicators and children), `results` its approved results, `transactions` the
    commitments and disbursements of its grants (gateway.iati.source), `parent_ref` the
    parent's IATI identifier, `documents` its narratives' attachments and `comments` its
    indicator narratives' text (gateway.iati.documents)."""
    budget = programme.get("budget")
    periods = _budget_periods(programme.get("dates") or {}) if budget else []
    activity = etree.Element("iati-activity", {
        "last-updated-datetime": programme["updated_at"], XML_LANG: "en",
        "hierarchy": "2" if programme.get("parent_id") else "1"})
    if budget and periods:  # only with the budgets it is the currency of (the import reads it from them)
        activity.set("default-currency", budget["currency"])
    sub(activity, "iati-identifier", programme["iati_identifier"])
    reporting = programme["reporting_org"]
    organisation(activity, "reporting-org", reporting, type=reporting.get("type") or OTHER_ORGANISATION)
    narrative(activity, "title", programme["title"])
    # The XSD wants a description: the title stands in for a programme without one.
    narrative(activity, "description", programme.get("description") or programme["title"], type="1")
    _participants(activity, programme)
    sub(activity, "activity-status", code=programme["status_code"])
    _dates(activity, programme)
    _geography(activity, programme)
    _classifications(activity, programme)
    if budget and periods:
        _budgets(activity, periods, budget)
    # the grants' transactions and those an imported file reported, by date (docs/iati.md)
    reported = programme.get("reported_transactions") or []
    for transaction in sorted([*transactions, *reported], key=lambda t: (t["date"], t["type"])):
        if date.fromisoformat(transaction["date"]) <= today:
            _transaction(activity, transaction)
    documents_of.write(activity, documents or [])
    if parent_ref:
        sub(activity, "related-activity", ref=parent_ref, type="1")
    for child in programme.get("children") or ():
        sub(activity, "related-activity", ref=child["iati_identifier"], type="2")
    _results(activity, programme.get("indicators") or (), results, comments or {})
    return activity


def _participants(activity: etree._Element, programme: dict[str, Any]) -> None:
    orgs = programme.get("participating_orgs") or ()
    for org in orgs:
        organisation(activity, "participating-org", org, role=org["role_code"], type=org.get("type"))
    if not orgs:  # the XSD wants one: the reporting organisation is accountable for its activity
        reporting = programme["reporting_org"]
        organisation(activity, "participating-org", reporting, role=ACCOUNTABLE, type=reporting.get("type"))


def _dates(activity: etree._Element, programme: dict[str, Any]) -> None:
    dates = programme.get("dates") or {}
    written = False
    for name, code in DATE_TYPES:
        if dates.get(name):
            sub(activity, "activity-date", type=code, iso_date=dates[name])
            written = True
    if not written:  # the XSD wants one: the day the programme entered the portfolio
        sub(activity, "activity-date", type="1", iso_date=programme["created_at"][:10])


def _geography(activity: etree._Element, programme: dict[str, Any]) -> None:
    countries = programme.get("countries") or []
    for code, percentage in zip(countries, equal_percentages(len(countries)), strict=True):
        sub(activity, "recipient-country", code=code, percentage=percentage)
    for city in programme.get("cities") or ():
        location = sub(activity, "location", ref=city["id"])
        narrative(location, "name", city["name"])
        # the city's country (ISO 3166-1): the import places a city by it (docs/iati.md)
        sub(location, "administrative", vocabulary="A4", level="0", code=city["country"])
        if city.get("latitude") is not None and city.get("longitude") is not None:
            point = sub(location, "point", srsName=WGS84)
            sub(point, "pos", f"{city['latitude']} {city['longitude']}")


def _classifications(activity: etree._Element, programme: dict[str, Any]) -> None:
    sectors = programme.get("sectors") or []
    given = [Decimal(s["percentage"]) if s.get("percentage") is not None else None for s in sectors]
    for sector, percentage in zip(sectors, sector_percentages(given), strict=True):
        sub(activity, "sector", vocabulary="1", code=sector["code"], percentage=percentage)
    for goal in programme.get("sdg_goals") or ():
        sub(activity, "tag", vocabulary="2", code=goal)
    for target in programme.get("sdg_targets") or ():
        sub(activity, "tag", vocabulary="3", code=target)
    for marker in programme.get("policy_markers") or ():
        sub(activity, "policy-marker", vocabulary="1", code=marker["code"], significance=marker["significance"])


def _budget_periods(dates: dict[str, Any]) -> list[tuple[date, date]]:
    start, end = dates.get("planned_start"), dates.get("planned_end")
    if not (start and end):  # a budget needs its period: none without planned dates
        return []
    return yearly_periods(date.fromisoformat(start), date.fromisoformat(end))


def _budgets(activity: etree._Element, periods: list[tuple[date, date]], budget: dict[str, Any]) -> None:
    for (first, last), amount in zip(periods, pro_rata(Decimal(budget["amount"]), periods), strict=True):
        element = sub(activity, "budget", type="1", status="1")
        sub(element, "period-start", iso_date=first.isoformat())
        sub(element, "period-end", iso_date=last.isoformat())
        sub(element, "value", str(amount), currency=budget["currency"], value_date=first.isoformat())


def _transaction(activity: etree._Element, transaction: dict[str, Any]) -> None:
    """A grant's transaction (gateway.iati.source) or a reported one (the import's shape:
    `value_date`, `ref`, `description` and either organisation may be absent)."""
    element = sub(activity, "transaction", ref=transaction.get("ref"))
    sub(element, "transaction-type", code=transaction["type"])
    sub(element, "transaction-date", iso_date=transaction["date"])
    sub(element, "value", str(Decimal(transaction["amount"])), currency=transaction["currency"],
        value_date=transaction.get("value_date") or transaction["date"])
    if transaction.get("description"):
        narrative(element, "description", transaction["description"])
    for tag, org in (("provider-org", transaction.get("provider")), ("receiver-org", transaction.get("receiver"))):
        if org:
            organisation(element, tag, org)


def _semantics(indicator: dict[str, Any]) -> rollup.Semantics:
    kind = indicator.get("measure") or KIND_BY_CODE[indicator["measure_code"]]
    return rollup.Semantics.of(kind, indicator.get("reporting"), indicator.get("rollup"))


def _results(activity: etree._Element, indicators: Any, results: list[dict[str, Any]],
             comments: documents_of.Comments) -> None:
    by_indicator: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        by_indicator[result["indicator"]].append(result)
    for indicator in indicators:
        # values that add up across activities (summed counts and ratios) are suitable for aggregation
        summable = "1" if _semantics(indicator).rollup == "sum" else "0"
        result = sub(activity, "result", type="1", aggregation_status=summable)
        narrative(result, "title", indicator["title"])
        _indicator(result, indicator, by_indicator.get(indicator["code"], []), summable, comments)


def _indicator(result: etree._Element, indicator: dict[str, Any], approved: list[dict[str, Any]],
               summable: str, comments: documents_of.Comments) -> None:
    element = etree.SubElement(result, "indicator", nsmap={"platform": PLATFORM_NS})
    element.attrib.update({"measure": indicator["measure_code"], "ascending": "1" if indicator["ascending"] else "0",
                           "aggregation-status": summable})
    if indicator.get("reporting") == "cumulative":
        element.set(CUMULATIVE, "1")
    sem = _semantics(indicator)
    if sem.rollup != rollup.DEFAULT_RULE[sem.kind]:
        element.set(ROLLUP, sem.rollup)
    scale = indicator.get("scale")
    if sem.kind == "qualitative" and scale and scale != DEFAULT_SCALE:
        element.set(SCALE, f"{scale['min']}-{scale['max']}")
    narrative(element, "title", indicator["title"])
    sub(element, "reference", vocabulary="99", code=indicator["code"])
    baseline = indicator.get("baseline")
    if baseline:
        sub(element, "baseline", year=baseline["year"], iso_date=f"{baseline['year']}-01-01",
            value=Decimal(baseline["value"]))
    targets: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for target in indicator["targets"]:
        targets[(target["period"]["start"], target["period"]["end"])].append(target)
    actuals: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for value in approved:
        actuals[(value["period"]["start"], value["period"]["end"])].append(value)
    for period in sorted(set(targets) | set(actuals)):
        element_period = sub(element, "period")
        sub(element_period, "period-start", iso_date=period[0])
        sub(element_period, "period-end", iso_date=period[1])
        for target in sorted(targets.get(period, ()), key=_target_order):
            _target(element_period, target)
        if period in actuals:   # the period's narrative goes out with its approved figures, never alone
            _actuals(element_period, indicator, actuals[period], comments.get((indicator["code"], *period)))


def _target_order(target: dict[str, Any]) -> tuple[bool, str, bool, str, str]:
    part = target.get("disaggregation") or {}
    return (bool(target.get("city_id")), target.get("city_id") or "", bool(part), part.get("dimension", ""),
            part.get("category", ""))


def _target(period: etree._Element, target: dict[str, Any]) -> None:
    """The whole target first; a city's target names its location, a part's its dimension."""
    element = sub(period, "target", value=Decimal(target["value"]))
    if target.get("city_id"):
        sub(element, "location", ref=target["city_id"])
    part = target.get("disaggregation")
    if part:
        sub(element, "dimension", name=part["dimension"], value=part["category"])


def _actuals(period: etree._Element, indicator: dict[str, Any], values: list[dict[str, Any]],
             comment: str | None) -> None:
    """The approved values of the period rolled up over cities by the indicator's rule
    (shared.rollup: counts summed, percentages from numerators and denominators, scores by
    latest or max): one actual for the total (its reach as the dimension `reach`, the period's
    narrative as its `comment`), one per category of each disaggregation of a count."""
    sem = _semantics(indicator)
    # one period: each result (one per city) is its own series
    observations = [rollup.Observation((str(i),), date.fromisoformat(v["period"]["end"]), Decimal(v["value"]),
                                       _decimal(v.get("numerator")), _decimal(v.get("denominator")),
                                       {(d, c): Decimal(str(a)) for d, cats in (v.get("disaggregations") or {}).items()
                                        for c, a in (cats or {}).items() if a is not None})
                    for i, v in enumerate(values)]
    figure = rollup.total(observations, sem)
    total = figure.value(sem)
    assert total is not None
    if sem.kind == "percentage":
        total = total.quantize(Decimal("0.01"))
    actual = sub(period, "actual", value=total)
    # A `reach` split (direct, indirect) is written as parts below; the total then carries no
    # dimension, so `reach` never names both the total and its parts (docs/iati.md).
    if not any((v.get("disaggregations") or {}).get("reach") for v in values):
        sub(actual, "dimension", name="reach", value=indicator["reach"])
    if comment:   # after the dimensions (the XSD's order); in the activity's language (no xml:lang)
        narrative(actual, "comment", comment)
    for (dimension, category), amount in sorted(figure.parts.items()):
        sub(sub(period, "actual", value=amount), "dimension", name=dimension, value=category)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)
