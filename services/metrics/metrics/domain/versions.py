"""Valid time of result versions: which approved version of each result counted on a date.

A version counts from its approval (`ResultFact.approved_at`) until a higher version of the same
result is approved (`superseded_at`). So on a day D the version that counts is the highest one
approved by the end of D: an older version arriving late, or a revision approved before the
version it corrects (clock skew), never counts where a higher one was already approved. Dates
are UTC days, like every `as_of`. Pure: the store keeps the same intervals incrementally
(`metrics.store.versions`), the recomputation derives them from the events (`SourceState.as_of`).
Nothing withdraws an approved result (the programmes service has no such event): a version is
current until superseded."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone

from metrics.domain.facts import ResultFact

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)   # a version whose approval is unknown (never: events carry it)


def end_of(day: date) -> datetime:
    """The first instant after `day` (UTC): a version approved before it counts on `day`."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=timezone.utc)


def approved(fact: ResultFact) -> datetime:
    return fact.approved_at or EPOCH


def superseded_at(fact: ResultFact, versions: Iterable[ResultFact]) -> datetime | None:
    """When a higher version of the same result was first approved (None: still current)."""
    later = [approved(v) for v in versions if v.result_id == fact.result_id and v.version > fact.version]
    return min(later) if later else None


def valid_on(fact: ResultFact, superseded: datetime | None, day: date) -> bool:
    """Whether the version counted on `day`: approved by its end and not superseded by then."""
    end = end_of(day)
    return approved(fact) < end and (superseded is None or superseded >= end)


def current_on(versions: Iterable[ResultFact], day: date) -> dict[str, ResultFact]:
    """Each result's version that counted on `day` (results approved later are absent)."""
    out: dict[str, ResultFact] = {}
    end = end_of(day)
    for v in versions:
        if approved(v) < end and (v.result_id not in out or v.version > out[v.result_id].version):
            out[v.result_id] = v
    return out
