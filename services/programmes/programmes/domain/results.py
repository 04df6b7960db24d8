"""Results: a value of one indicator for one period and one city, with versions that go
through review (draft -> submitted -> approved, or returned with a comment). Where the plan
asks for two approval levels (domain/periods.py), a submitted version is first `endorsed`
(first level), then approved by the secretariat; the version counts (`result.approved`, an
`approved_at`) at the level the plan's `first_level_counts` says. Correcting an approved value
adds a version that replaces it once it counts. Each review step records its event with the
programme, indicator and city it concerns."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from programmes.domain.cities import new_id
from programmes.domain.indicators import DIMENSIONS, Indicator, value_errors
from programmes.domain.periods import ReportingRules
from programmes.domain.programmes import REPORTING_STATUSES, REVISION_STATUSES, Programme
from shared.aggregate import EventsMixin
from shared.errors import Conflict, InvalidInput, SeparationOfDuties

RESULT_ACTIONS = {
    "draft": ("edit", "submit"),
    "returned": ("edit", "submit"),
    "submitted": ("approve", "return"),
    "endorsed": ("approve", "return"),      # approved at the first level, awaiting the secretariat
    "approved": ("revise",),
}
_PAST = {"edit": "edited", "submit": "submitted", "approve": "approved", "return": "returned",
         "revise": "revised"}
Disaggregations = dict[str, dict[str, Decimal]]


def disaggregation_errors(value: Decimal, disaggregations: Disaggregations | None, indicator: Indicator,
                          prefix: str = "disaggregations") -> dict[str, list[str]]:
    """Parts of a dimension never exceed the value and add up to it when all are given;
    for a percentage, each part is a percentage of its group."""
    errors: dict[str, list[str]] = {}
    for dimension, parts in (disaggregations or {}).items():
        if not parts:
            continue
        if dimension == "reach" and not indicator.corporate:
            errors[f"{prefix}.reach"] = [f"only an indicator counted in people has a reach split; {indicator.code} "
                                         "is not one"]
            continue
        for name, part in parts.items():
            errors.update({f"{prefix}.{dimension}.{name}": msgs for msgs in
                           value_errors("_", part, indicator).values()})
        if indicator.measure != "unit":
            continue
        total = sum(parts.values(), Decimal(0))
        given = ", ".join(f"{k} {v}" for k, v in parts.items())
        if total > value:
            errors[f"{prefix}.{dimension}"] = [f"the parts ({given}) add up to {total}, more than the value "
                                               f"{value}"]
        elif set(parts) == set(DIMENSIONS[dimension]) and total != value:
            errors[f"{prefix}.{dimension}"] = [f"every part is given ({given}) but they add up to {total}, "
                                               f"not the value {value}"]
    return errors


Ratio = tuple[Decimal | None, Decimal | None]   # a percentage's (numerator, denominator)
NO_RATIO: Ratio = (None, None)


def ratio_errors(value: Decimal, ratio: Ratio, indicator: Indicator) -> dict[str, list[str]]:
    """A percentage may give its numerator and denominator (then they roll up, not the
    percentage): both, numerator <= denominator, and the value is their ratio (to 0.01)."""
    numerator, denominator = ratio
    if ratio == NO_RATIO:
        return {}
    if indicator.measure != "percentage":
        return {"numerator": [f"only a percentage has a numerator and denominator; {indicator.code} is "
                              f"{indicator.measure}"]}
    if numerator is None or denominator is None:
        return {"numerator" if numerator is None else "denominator": ["give both the numerator and the "
                                                                      "denominator, or neither"]}
    if denominator == 0 or numerator > denominator:
        return {"denominator": ["must be more than 0 and at least the numerator"]}
    exact = numerator * 100 / denominator
    if abs(value - exact) >= Decimal("0.005"):
        return {"value": [f"must be numerator / denominator x 100 = {exact.quantize(Decimal('0.01'))}"]}
    return {}


def _value_errors(value: Decimal, disaggregations: Disaggregations, indicator: Indicator,
                  ratio: Ratio = NO_RATIO) -> dict[str, list[str]]:
    return {**value_errors("value", value, indicator), **disaggregation_errors(value, disaggregations, indicator),
            **ratio_errors(value, ratio, indicator)}


def _clean(disaggregations: Disaggregations | None) -> Disaggregations:
    return {k: dict(v) for k, v in (disaggregations or {}).items() if v}


@dataclass
class ResultVersion:
    number: int
    value: Decimal
    disaggregations: Disaggregations
    status: str
    created_at: datetime
    comment: str | None = None      # why an approved value was corrected
    numerator: Decimal | None = None    # a percentage's, when reported
    denominator: Decimal | None = None
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    log: list[dict[str, Any]] = field(default_factory=list)  # [{"action", "at", "by", "comment", "key"}]

    @property
    def ratio(self) -> Ratio:
        return (self.numerator, self.denominator)

    def log_action(self, action: str, at: datetime, by: str | None, comment: str | None = None,
                   key: str | None = None) -> None:
        """`key`: the API key that acted (kept for separation of duties, not shown)."""
        self.log.append({"action": action, "at": at, "by": by, "comment": comment, "key": key})

    def keys_that(self, *actions: str) -> set[str]:
        return {e["key"] for e in self.log if e["action"] in actions and e.get("key")}


@dataclass
class Result(EventsMixin):
    id: str
    programme_id: str
    reporting_org_ref: str
    indicator: str
    city_id: str
    period_start: date
    period_end: date
    versions: list[ResultVersion]          # oldest first
    created_at: datetime
    updated_at: datetime

    @classmethod
    def draft(cls, programme: Programme, indicator: Indicator, *, city_id: str, period: dict[str, date],
              value: Decimal, disaggregations: Disaggregations, now: datetime, by: str | None,
              ratio: Ratio = NO_RATIO) -> Result:
        if programme.status not in REPORTING_STATUSES:
            raise Conflict(f"results are reported while a programme is in implementation or finalisation; "
                           f"this one is {programme.status}", [f"status {s}" for s in REPORTING_STATUSES])
        errors: dict[str, list[str]] = {}
        if programme.city(city_id) is None:
            errors["city_id"] = [f"{city_id!r} is not one of the programme's cities "
                                 f"({', '.join(c.id + ' ' + c.name for c in programme.cities) or 'none yet'})"]
        errors.update(_value_errors(value, disaggregations, indicator, ratio))
        if errors:
            raise InvalidInput(errors)
        version = ResultVersion(number=1, value=value, disaggregations=_clean(disaggregations), status="draft",
                                created_at=now, numerator=ratio[0], denominator=ratio[1])
        version.log_action("drafted", now, by)
        return cls(id=new_id(), programme_id=programme.id, reporting_org_ref=programme.reporting_org["ref"],
                   indicator=indicator.code, city_id=city_id, period_start=period["start"],
                   period_end=period["end"], versions=[version], created_at=now, updated_at=now)

    # -- reading
    @property
    def current(self) -> ResultVersion:
        return self.versions[-1]

    @property
    def status(self) -> str:
        return self.current.status

    @property
    def approved(self) -> ResultVersion | None:
        """The version that counts: approved, or endorsed where the first level counts (`approved_at` set)."""
        return next((v for v in reversed(self.versions)
                     if v.status in ("approved", "endorsed") and v.approved_at is not None), None)

    @property
    def allowed_actions(self) -> list[str]:
        if self.status == "endorsed" and self.current.approved_at is not None:
            return ["approve"]   # it counts already: a correction is a revision once the secretariat approved
        return list(RESULT_ACTIONS.get(self.status, ()))

    def approval_level(self, rules: ReportingRules) -> str:
        """Who approves next: "first" (grant manager, programme staff) or "secretariat" (the only
        level of a one-level plan)."""
        return "first" if rules.approval_levels == 2 and self.status == "submitted" else "secretariat"

    def _require(self, action: str) -> None:
        if action not in self.allowed_actions:
            raise Conflict(f"a {self.status} result cannot be {_PAST[action]}", self.allowed_actions)

    def _touch(self, now: datetime) -> None:
        self.updated_at = max(now, self.updated_at)

    def _event(self, event_type: str, programme: Programme, indicator: Indicator, version: ResultVersion,
               **extra: Any) -> None:
        city = programme.city(self.city_id)
        assert city is not None
        self.record(event_type, {
            **programme.ref(), "result_id": self.id, "version": version.number, "indicator": indicator.summary(),
            "city": city.ref(), "period": {"start": self.period_start, "end": self.period_end},
            "value": version.value, "disaggregations": version.disaggregations, "numerator": version.numerator,
            "denominator": version.denominator, **extra})

    # -- review workflow
    def edit(self, indicator: Indicator, *, value: Decimal | None, disaggregations: Disaggregations | None,
             now: datetime, by: str | None, ratio: Ratio | None = None) -> None:
        """None: keep what the draft has."""
        self._require("edit")
        value = self.current.value if value is None else value
        disaggregations = self.current.disaggregations if disaggregations is None else _clean(disaggregations)
        ratio = self.current.ratio if ratio is None else ratio
        errors = _value_errors(value, disaggregations, indicator, ratio)
        if errors:
            raise InvalidInput(errors)
        self.current.value, self.current.disaggregations = value, disaggregations
        self.current.numerator, self.current.denominator = ratio
        self.current.log_action("edited", now, by)
        self._touch(now)

    def submit(self, programme: Programme, indicator: Indicator, *, now: datetime, by: str | None,
               comment: str | None = None, key: str | None = None) -> None:
        self._require("submit")
        if programme.status not in REPORTING_STATUSES + ("closed",) or (
                programme.status == "closed" and self.approved is None):
            raise Conflict(f"results are submitted while a programme is in implementation or finalisation; "
                           f"this one is {programme.status}", [f"status {s}" for s in REPORTING_STATUSES])
        self.current.status, self.current.submitted_at = "submitted", now
        self.current.log_action("submitted", now, by, comment, key)
        self._touch(now)
        approved = self.approved
        self._event("result.submitted", programme, indicator, self.current,
                    replaces_version=approved.number if approved else None, submitted_at=now)

    def approve(self, programme: Programme, indicator: Indicator, *, now: datetime, by: str | None,
                comment: str | None = None, rules: ReportingRules | None = None,
                key: str | None = None) -> ResultVersion | None:
        """Approve the submitted (or endorsed) version at the next level; returns the version that
        counted before and no longer does, if any."""
        self._require("approve")
        rules = rules or ReportingRules()
        level = self.approval_level(rules)
        self._require_other_hands(key, level, rules)
        if level == "first":
            self.current.status = "endorsed"
            self.current.log_action("approved_first_level", now, by, comment, key)
            self._touch(now)
            self._event("result.approved_first_level", programme, indicator, self.current,
                        counts=rules.first_level_counts, approved_at=now)
            return self._count(programme, indicator, now, by) if rules.first_level_counts else None
        counted = self.current.approved_at is not None   # at the first level
        self.current.status = "approved"
        self.current.log_action("approved", now, by, comment, key)
        self._touch(now)
        return None if counted else self._count(programme, indicator, now, by)

    def _require_other_hands(self, key: str | None, level: str, rules: ReportingRules) -> None:
        """Four eyes where the plan asks for two levels (DHIS2's separation of duties), admins
        included: the key that submitted a version approves it at neither level, the key that
        approved it at the first level not at the secretariat's. Who acts without a key (the
        system) is not a second pair of eyes to check."""
        if key is None or rules.approval_levels < 2:
            return
        number = self.current.number
        if key in self.current.keys_that("submitted", "revision_submitted"):
            raise SeparationOfDuties(f"separation of duties: the key that submitted version {number} may not "
                                     f"approve it at either level; another key approves")
        if level == "secretariat" and key in self.current.keys_that("approved_first_level"):
            raise SeparationOfDuties(f"separation of duties: the key that gave version {number} its first-level "
                                     f"approval may not give the secretariat's; another key approves")

    def _count(self, programme: Programme, indicator: Indicator, now: datetime, by: str | None
               ) -> ResultVersion | None:
        """The current version counts from now (result.approved, or result.revised replacing the one that did)."""
        replaced = self.approved
        if replaced is not None:
            replaced.status = "superseded"
            replaced.log_action("superseded", now, by, f"replaced by version {self.current.number}")
        self.current.approved_at = now
        if replaced is None:
            self._event("result.approved", programme, indicator, self.current, approved_at=now)
        else:
            self._event("result.revised", programme, indicator, self.current, previous={
                "version": replaced.number, "value": replaced.value, "disaggregations": replaced.disaggregations,
                "approved_at": replaced.approved_at, "numerator": replaced.numerator,
                "denominator": replaced.denominator}, comment=self.current.comment, revised_at=now)
        return replaced

    def return_for_revision(self, programme: Programme, indicator: Indicator, *, comment: str, now: datetime,
                            by: str | None) -> None:
        self._require("return")
        self.current.status = "returned"
        self.current.log_action("returned", now, by, comment)
        self._touch(now)
        self._event("result.returned", programme, indicator, self.current, comment=comment, returned_at=now)

    def revise(self, programme: Programme, indicator: Indicator, *, value: Decimal, disaggregations: Disaggregations,
               comment: str, now: datetime, by: str | None, ratio: Ratio = NO_RATIO,
               key: str | None = None) -> ResultVersion:
        """Correct the approved value: a new version, submitted for review. The approved
        version keeps counting until the new one is approved."""
        self._require("revise")
        if programme.status not in REVISION_STATUSES:
            raise Conflict(f"approved values of a {programme.status} programme cannot be corrected",
                           [f"status {s}" for s in REVISION_STATUSES])
        errors = _value_errors(value, disaggregations, indicator, ratio)
        approved = self.approved
        assert approved is not None
        if not errors and value == approved.value and _clean(disaggregations) == approved.disaggregations \
                and ratio == approved.ratio:
            errors["value"] = ["the same as the approved value: nothing to correct"]
        if errors:
            raise InvalidInput(errors)
        version = ResultVersion(number=self.current.number + 1, value=value,
                                disaggregations=_clean(disaggregations), status="submitted", created_at=now,
                                comment=comment, submitted_at=now, numerator=ratio[0], denominator=ratio[1])
        version.log_action("revision_submitted", now, by, comment, key)
        self.versions.append(version)
        self._touch(now)
        self._event("result.submitted", programme, indicator, version, replaces_version=approved.number,
                    submitted_at=now)
        return version

