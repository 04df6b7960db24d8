"""Splits of a total that IATI wants to add up exactly: percentages to 100 and a budget
over yearly periods (docs/iati.md). Pure."""
from datetime import date, timedelta
from decimal import Decimal

CENT = Decimal("0.01")


def equal_percentages(count: int) -> list[Decimal]:
    """100 split in `count` parts with two decimals, the remainder on the first, so the
    parts add up to exactly 100 (the IATI Validator's rule per vocabulary)."""
    if count <= 0:
        return []
    part = (Decimal(100) / count).quantize(CENT, rounding="ROUND_DOWN")
    return [Decimal(100) - part * (count - 1)] + [part] * (count - 1)


def sector_percentages(given: list[Decimal | None]) -> list[Decimal]:
    """The programme's own percentages when every sector has one and they total 100,
    otherwise an equal split: the export always totals 100."""
    if given and all(p is not None for p in given) and sum(p for p in given if p is not None) == 100:
        return [Decimal(p) for p in given if p is not None]
    return equal_percentages(len(given))


def yearly_periods(start: date, end: date) -> list[tuple[date, date]]:
    """Calendar years clipped to [start, end]: each period at most twelve months."""
    periods, current = [], start
    while current <= end:
        last = min(date(current.year, 12, 31), end)
        periods.append((current, last))
        current = last + timedelta(days=1)
    return periods


def pro_rata(total: Decimal, periods: list[tuple[date, date]]) -> list[Decimal]:
    """`total` over `periods` in proportion to their days, in cents, the remainder on the last."""
    days = [(end - start).days + 1 for start, end in periods]
    whole = sum(days)
    parts = [(total * d / whole).quantize(CENT, rounding="ROUND_DOWN") for d in days[:-1]]
    return parts + [total - sum(parts, Decimal(0))]
