"""The IATI Validator rules (IATI-Rulesets, standard ruleset 2.03) that concern this platform's
data, on one activity. Errors, as in the Validator, except where a rule says warning.
A value the XSD refuses (a date or decimal that does not parse) is left to the XSD."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from shared.iati.findings import Finding, finding, shown

QUANTITATIVE_MEASURES = {"1", "2", "3", "4"}  # unit, percentage, nominal, ordinal; 5 is qualitative
XSD_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _rule(el: Any, rule: str, message: str, attr: str | None = None) -> Finding:
    return finding(el, kind="rule", rule=rule, attr=attr, message=message)


def _date(el: Any, attr: str = "iso-date") -> date | None:
    """The date of an xsd:date attribute (a timezone suffix ignored), None when absent or bad."""
    value = el.get(attr) if el is not None else None
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _decimal(value: str | None) -> Decimal | None:
    """An xsd:decimal, None otherwise: Python's Decimal alone would also take "1_000", "NaN",
    "1e3" and non-ASCII digits, which no IATI consumer reads as a number."""
    text = value.strip() if value is not None else ""
    return Decimal(text) if XSD_DECIMAL.fullmatch(text) else None


def _one_year_after(start: date) -> date:
    """start + P1Y as XPath adds it: 29 February goes to 28 February."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:
        return start.replace(year=start.year + 1, day=28)


def _percentages(group: list[Any], rule: str, what: str) -> list[Finding]:
    """One group of elements whose @percentage must total 100: one element may omit it (it
    is all of it); with more, every one gives it. The total is compared to two decimals."""
    given = [el.get("percentage") for el in group]
    if len(group) == 1 and given[0] is None:
        return []
    if any(p is None for p in given):
        missing = group[given.index(None)]
        return [_rule(missing, rule, f"{what}: with more than one, each needs a percentage")]
    numbers = [n for n in map(_decimal, given) if n is not None]
    if len(numbers) < len(given):
        return []
    outside = [(el, n) for el, n in zip(group, numbers, strict=True) if not 0 <= n <= 100]
    if outside:
        return [_rule(el, "percentage-range", f"{what}: percentage {shown(str(n))} is not between 0 and 100",
                      attr="percentage") for el, n in outside]
    total = sum(numbers, Decimal(0))
    if round(total, 2) == 100:
        return []
    return [_rule(group[0], rule, f"{what}: the percentages total {shown(str(total))}, not 100", attr="percentage")]


def sector_percentages(activity: Any, today: date) -> Iterable[Finding]:
    """Activity sectors: the percentages of each vocabulary total 100 (absent vocabulary is 1)."""
    vocabularies: dict[str, list[Any]] = {}
    for sector in activity.iterfind("sector"):
        vocabularies.setdefault(sector.get("vocabulary", "1"), []).append(sector)
    for vocabulary, group in vocabularies.items():
        yield from _percentages(group, "sector-percentages", f"sectors of vocabulary {shown(vocabulary)}")


def geography_percentages(activity: Any, today: date) -> Iterable[Finding]:
    """recipient-country and recipient-region percentages total 100 together (the Validator
    sums all region vocabularies with the countries, as IATI's own example does)."""
    group = [el for el in activity.iterchildren("recipient-country", "recipient-region")]
    if group:
        yield from _percentages(group, "geography-percentages", "recipient countries and regions")


def _period(el: Any) -> tuple[Any, date, date] | None:
    """(its period-end element, start, end) of a budget or indicator period whose dates parse."""
    ends = el.find("period-end")
    start, end = _date(el.find("period-start")), _date(ends)
    return (ends, start, end) if start is not None and end is not None else None


def _ends_before_start(ends: Any, start: date, end: date, what: str) -> Finding:
    return _rule(ends, f"{what}-period-order", f"{what} period ends ({end}) before it starts ({start})",
                 attr="iso-date")


def budget_periods(activity: Any, today: date) -> Iterable[Finding]:
    """A budget's period-end is not before its period-start, and at most a year after it."""
    for budget in activity.iterfind("budget"):
        period = _period(budget)
        if period is None:
            continue
        ends, start, end = period
        if end < start:
            yield _ends_before_start(*period, "budget")
        elif end > _one_year_after(start):
            yield _rule(ends, "budget-period-length", f"budget period {start} to {end} is longer than one year",
                        attr="iso-date")


def indicator_periods(activity: Any, today: date) -> Iterable[Finding]:
    """An indicator period's end is not before its start."""
    for el in activity.iterfind("result/indicator/period"):
        period = _period(el)
        if period is not None and period[2] < period[1]:
            yield _ends_before_start(*period, "indicator")


def value_currencies(activity: Any, today: date) -> Iterable[Finding]:
    """Every amount (value, loan-status, forecast) names its currency, or the activity has a
    default currency."""
    if activity.get("default-currency"):
        return
    for el in activity.iter("value", "loan-status", "forecast"):
        if not el.get("currency"):
            yield _rule(el, "value-currency", f"{el.getparent().tag}/{el.tag} has no currency and the activity "
                        "no default-currency")


def future_transactions(activity: Any, today: date) -> Iterable[Finding]:
    """No transaction is dated, or valued, after today."""
    for transaction in activity.iterfind("transaction"):
        for el, attr, what in ((transaction.find("transaction-date"), "iso-date", "transaction date"),
                               (transaction.find("value"), "value-date", "transaction value date")):
            when = _date(el, attr)
            if when is not None and when > today:
                yield _rule(el, "transaction-date-future", f"{what} {when} is in the future", attr=attr)


def last_updated(activity: Any, today: date) -> Iterable[Finding]:
    """@last-updated-datetime is not in the future (an error, the ruleset's date_now); a
    transaction dated after it is a warning (Validator 7.6.1): the activity was updated since."""
    updated = _date(activity, "last-updated-datetime")
    if updated is None:
        return
    if updated > today:
        yield _rule(activity, "last-updated-future", f"last-updated-datetime {updated} is in the future",
                    attr="last-updated-datetime")
    for el in activity.iterfind("transaction/transaction-date"):
        when = _date(el)
        if when is not None and when > updated:
            yield finding(el, kind="rule", rule="transaction-after-update", attr="iso-date", severity="warning",
                          message=f"transaction date {when} is after the activity's last-updated-datetime {updated}")


def identifier_prefix(activity: Any, today: date) -> Iterable[Finding]:
    """The iati-identifier starts with the reporting organisation's identifier and a hyphen,
    or with a previous reporting organisation's (other-identifier of type B1)."""
    identifier = activity.find("iati-identifier")
    org = activity.find("reporting-org")
    ref = org.get("ref") if org is not None else None
    if identifier is None or ref is None:
        return
    text = (identifier.text or "").strip()
    prefixes = [ref] + [o.get("ref") for o in activity.iterfind("other-identifier[@type='B1']") if o.get("ref")]
    if not any(text.startswith(f"{prefix}-") for prefix in prefixes):
        yield _rule(identifier, "identifier-prefix",
                    f'iati-identifier "{shown(text)}" does not start with the reporting-org ref "{shown(ref)}-"')


def quantitative_values(activity: Any, today: date) -> Iterable[Finding]:
    """An indicator of a quantitative measure (1-4) gives numbers as baseline, target and
    actual values; a qualitative one (5) may give text or nothing."""
    for indicator in activity.iterfind("result/indicator"):
        if indicator.get("measure") not in QUANTITATIVE_MEASURES:
            continue
        for path in ("baseline", "period/target", "period/actual"):
            for el in indicator.iterfind(path):
                value = el.get("value")
                if value is not None and _decimal(value) is None:
                    yield _rule(el, "quantitative-value", f'{el.tag} value "{shown(value)}" is not a number, '
                                f'as measure {indicator.get("measure")} needs', attr="value")


def activity_dates(activity: Any, today: date) -> Iterable[Finding]:
    """Start before end (planned and actual), and an actual start or end not in the future."""
    dates = {el.get("type"): el for el in activity.iterfind("activity-date")}
    for start, end, what in (("1", "3", "planned"), ("2", "4", "actual")):
        begins, ends = _date(dates.get(start)), _date(dates.get(end))
        if begins is not None and ends is not None and ends < begins:
            yield _rule(dates[end], "activity-date-order",
                        f"{what} end {ends} is before the {what} start {begins}", attr="iso-date")
    for kind, what in (("2", "actual start"), ("4", "actual end")):
        when = _date(dates.get(kind))
        if when is not None and when > today:
            yield _rule(dates[kind], "activity-date-future", f"{what} {when} is in the future", attr="iso-date")


RULES: tuple[Callable[[Any, date], Iterable[Finding]], ...] = (
    identifier_prefix, last_updated, activity_dates, geography_percentages, sector_percentages, budget_periods,
    future_transactions, quantitative_values, indicator_periods, value_currencies,
)


def rule_findings(activity: Any, today: date) -> list[Finding]:
    return [f for rule in RULES for f in rule(activity, today)]
