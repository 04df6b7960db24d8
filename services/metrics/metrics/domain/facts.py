"""Facts: what the consumed events say, normalised, and which version of a fact wins.

One parser per kind of fact (`result_from_event`, `programme_from_event`, `money_from_event`,
`application_from_event`, `fund_from_event`); `metrics.registry` says which events are of which
kind. Every fact is order-independent: results and programmes carry versions, applications a
lifecycle rank (`newer` decides), money transactions an id that counts once."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from metrics.domain.numbers import NONE, as_date, as_timestamp, scale_money, scale_value

Payload = dict[str, Any]


@dataclass(frozen=True)
class ResultFact:
    """One version of a result's approved value, with what counting needs."""
    result_id: str
    version: int
    programme_id: str
    parent_id: str | None
    indicator: str
    corporate: bool
    measure: str          # the indicator's kind: unit | percentage | qualitative
    reach: str            # direct | indirect: the indicator's, for what the result does not split
    city_id: str
    city_name: str
    country: str
    period_start: date
    period_end: date
    value: int            # scaled by VALUE_SCALE
    split_direct: int = 0     # the result's `reach` disaggregation (scaled): the parts it says are
    split_indirect: int = 0   # direct and indirect; the rest of the value counts as `reach`
    reporting: str = "per_period"   # cumulative: a value is the series' total so far (shared.rollup)
    rollup: str = "sum"
    approved_at: datetime | None = None   # when this version was approved: valid from then (as_of)

    def as_row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def reach_parts(self) -> tuple[tuple[str, int], tuple[str, int]]:
        """(("direct", part), ("indirect", part)) adding up to the value: a result with a reach
        split counts as it says, the rest (all of a result without one) as its indicator's reach."""
        rest = self.value - self.split_direct - self.split_indirect
        return (("direct", self.split_direct + (rest if self.reach == "direct" else 0)),
                ("indirect", self.split_indirect + (rest if self.reach != "direct" else 0)))


def result_from_event(event_type: str, p: Payload) -> ResultFact:
    if event_type == "result.recorded":   # deprecated: an approved version 1 of a corporate indicator
        day = as_date(p["recorded_at"])
        city = p["city"]
        return ResultFact(p["result_id"], 1, p["programme_id"], None, p["indicator"], True, "unit", "direct",
                          f"{city['country']}:{city['name']}", city["name"], city["country"], day, day,
                          scale_value(p["value"]), approved_at=as_timestamp(p["recorded_at"]))
    if event_type in ("result.approved", "result.revised"):
        ind, city, period = p["indicator"], p["city"], p["period"]
        split = (p.get("disaggregations") or {}).get("reach") or {}
        return ResultFact(p["result_id"], p["version"], p["programme_id"], p.get("parent_id"), ind["code"],
                          bool(ind["corporate"]), ind.get("kind") or ind["measure"], ind["reach"], city["id"],
                          city["name"], city["country"], as_date(period["start"]), as_date(period["end"]),
                          scale_value(p["value"]), scale_value(split.get("direct", 0)),
                          scale_value(split.get("indirect", 0)), ind.get("reporting") or "per_period",
                          ind.get("rollup") or "sum",
                          as_timestamp(p["approved_at"] if event_type == "result.approved" else p["revised_at"]))
    raise ValueError(f"{event_type} is not a result event")


@dataclass(frozen=True)
class ProgrammeDim:
    programme_id: str
    version: int          # 0: not known yet (a placeholder from one of its results)
    parent_id: str | None
    title: str | None
    window: str | None
    themes: tuple[str, ...] = ()
    sdg_goals: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    status: str | None = None
    organisation: str | None = None   # reporting organisation (IATI ref): who sees its results listed


def programme_from_event(event_type: str, p: Payload) -> ProgrammeDim:
    return ProgrammeDim(p["programme_id"], p.get("version", 1), p.get("parent_id"), p.get("title"),
                        p["funding_window"], tuple(p.get("themes", ())), tuple(p.get("sdg_goals", ())),
                        tuple(p.get("countries", ())), p.get("status"), (p.get("reporting_org") or {}).get("ref"))


MoneyCell = tuple[str, str, str, str, str, str, str, date]


@dataclass(frozen=True)
class MoneyTxn:
    """One money transaction; (kind, txn_id) identifies it, so a repeat adds nothing."""
    kind: str             # received | committed | returned | disbursed
    txn_id: str
    currency: str
    amount: int           # cents, >= 0
    day: date
    fund_id: str = NONE
    window: str = NONE
    theme: str = NONE
    country: str = NONE
    programme_id: str = NONE
    contributor: str = NONE   # a receipt's contributor; a grant's money: grant_id (donor attribution)
    grant_id: str = NONE

    @property
    def cell(self) -> MoneyCell:
        return (self.kind, self.currency, self.fund_id, self.window, self.theme, self.country,
                self.programme_id, self.day)


def money_from_event(event_type: str, p: Payload) -> MoneyTxn:
    ctx = {"fund_id": p.get("fund_id") or NONE, "window": p.get("window") or NONE,
           "theme": p.get("theme") or NONE, "country": p.get("country") or NONE,
           "programme_id": p.get("programme_id") or NONE}
    # Money is dated by its value date (the grants ledger's): a receipt recorded late still counts
    # from the day the money arrived. Commitments and returns take effect on the day recorded,
    # which is their value date in the ledger.
    if event_type == "contribution.received":
        return MoneyTxn("received", p["receipt_id"], p["currency"], scale_money(p["amount"]),
                        as_date(p["value_date"]), **ctx, contributor=p["contributor"])
    if event_type == "grant.committed":
        return MoneyTxn("committed", p["grant_id"], p["currency"], scale_money(p["amount"]),
                        as_date(p["committed_at"]), **ctx, grant_id=p["grant_id"])
    if event_type == "grant.awarded":   # deprecated direct award: a commitment without fund or theme
        return MoneyTxn("committed", p["grant_id"], p["currency"], scale_money(p["amount"]),
                        as_date(p["awarded_at"]), programme_id=p["programme_id"], grant_id=p["grant_id"])
    if event_type == "tranche.disbursed":
        return MoneyTxn("disbursed", p["disbursement_id"], p["currency"], scale_money(p["amount"]),
                        as_date(p["value_date"]), **ctx, grant_id=p["grant_id"])
    if event_type in ("grant.closed", "grant.cancelled"):
        at = p.get("closed_at") or p.get("cancelled_at")
        return MoneyTxn("returned", p["grant_id"], p["currency"], scale_money(p["returned"]), as_date(at), **ctx,
                        grant_id=p["grant_id"])
    raise ValueError(f"{event_type} is not a money event")


APPLICATION_RANK = {"application.submitted": 1, "application.screened": 2, "application.awarded": 3,
                    "application.rejected": 3, "application.withdrawn": 3}


@dataclass(frozen=True)
class Application:
    application_id: str
    rank: int             # lifecycle step: a lower rank arriving late never undoes a later one
    status: str
    fund_id: str
    window: str
    theme: str
    country: str
    city: str
    programme_id: str
    currency: str
    amount_requested: int   # cents
    targets: tuple[tuple[str, int], ...]   # ((indicator, value), ...)


def application_from_event(event_type: str, p: Payload) -> Application:
    status = p.get("status") or ("submitted" if event_type == "application.submitted" else "")
    return Application(p["application_id"], APPLICATION_RANK[event_type], status, p["fund_id"], p["window"],
                       p["theme"], p["country"], p["city"], p["programme_id"], p["currency"],
                       scale_money(p["amount_requested"]),
                       tuple((t["indicator"], int(t["value"])) for t in p["targets"]))


@dataclass(frozen=True)
class Fund:
    """A fund as announced (its name, window and currency do not change)."""
    fund_id: str
    name: str
    window: str
    currency: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "window": self.window, "currency": self.currency}


def fund_from_event(event_type: str, p: Payload) -> Fund:
    return Fund(p["fund_id"], p["name"], p["window"], p["currency"])


def newer(incoming_version: int, held_version: int | None) -> bool:
    """A version replaces what is held only if it is higher: duplicates, redeliveries and late
    older versions (including an original arriving after its revision) change nothing."""
    return held_version is None or incoming_version > held_version
