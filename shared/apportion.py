"""Exact splits of a whole into parts in proportion to shares, the parts adding up to the whole
exactly by the largest remainder: metrics' donor attribution (results to contributors) and
shared.rollup's pro-rata years (an irregular period's value to the calendar years it covers)."""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from shared.bounds import VALUE_PLACES


def apportion(total: int, shares: list[Fraction]) -> list[int]:
    """Whole parts of `total` in proportion to `shares` (which add up to 1), adding up to it
    exactly: each part is the floor of its exact value, and what is left goes one unit each to
    the largest remainders (ties: the earlier share)."""
    exact = [total * s for s in shares]
    parts = [math.floor(x) for x in exact]
    left = total - sum(parts)
    for i in sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))[:left]:
        parts[i] += 1
    return parts


def split(value: Decimal, weights: list[int], places: int = VALUE_PLACES) -> list[Decimal]:
    """`value` in proportion to `weights` (e.g. days), in units of 10**-places (the platform's
    four), adding up to `value` exactly. A value finer than the unit (none is stored) keeps its
    excess on the last part rather than lose it."""
    total = sum(weights)
    units = math.floor(value.scaleb(places))
    parts = [Decimal(p).scaleb(-places) for p in apportion(units, [Fraction(w, total) for w in weights])]
    parts[-1] += value - Decimal(units).scaleb(-places)
    return parts
