"""Reads as of a date: a plan's snapshot with each result at the version that counted then.

The aggregates the projection keeps by deltas hold each result at its current version; a past
date needs the version approved and not yet superseded at the end of that day
(`metrics.domain.versions`). So a read with `as_of` takes the current snapshot (money, programmes,
cities, funds: money is dated by value date already) and replaces its result rows with the ones
grouped in SQL from the facts as they stood then (`Reader.result_rows_on`, grouped as the rebuild
groups the current facts). Its cost grows with the plan's stored versions, unlike the current
figures (read from the small totals tables); the publisher never reads as of a date."""
from __future__ import annotations

import dataclasses
from datetime import date

from metrics.domain import Plan, Snapshot
from metrics.store import Projection


def snapshot(projection: Projection, plan: Plan, day: date | None, *, cells: bool = False, dims: bool = False,
             applications: bool = True) -> Snapshot:
    """The plan's snapshot now (`day` None) or at the end of `day`."""
    snap = projection.snapshot(plan, cells=cells, dims=dims, applications=applications)
    if day is None:
        return snap
    totals, cities, rows = projection.result_rows_on(plan, day, cells=cells)
    return dataclasses.replace(snap, totals=totals, cities=cities, cells=rows)
