"""Programmes: IATI activities of the partnership's portfolio, with their lifecycle (IATI
ActivityStatus) as a table of allowed transitions, their cities and one level of
hierarchy (a Joint Work Programme and its projects).

A field of a programme is listed once here, as a dataclass field: creating, updating,
storing (models.py columns of the same name), the events' state and the API view all
take it by name. Fields a client may not write are FIXED_FIELDS."""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from programmes.domain.cities import City, new_id
from shared.aggregate import EventsMixin
from shared.errors import Conflict, InvalidInput, unknown_reference
from shared.events.contracts.programmes import ACTIVITY_STATUSES, ORGANISATION_ROLES

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pipeline": ("implementation", "cancelled"),
    "implementation": ("finalisation", "suspended", "cancelled"),
    "suspended": ("implementation", "cancelled"),
    "finalisation": ("closed",),
    "closed": (),
    "cancelled": (),
}
assert set(TRANSITIONS) == set(ACTIVITY_STATUSES)

# Where new results may be drafted and submitted; corrections of approved values may
# still be made once a programme is closed (its history must be right).
REPORTING_STATUSES = ("implementation", "finalisation")
REVISION_STATUSES = ("implementation", "finalisation", "closed")
DEFINING_STATUSES = ("pipeline", "implementation", "finalisation", "suspended")
DATES = ("planned_start", "planned_end", "actual_start", "actual_end")
ROLE_CODES = ORGANISATION_ROLES


def no_dates() -> dict[str, date | None]:
    return dict.fromkeys(DATES)


@dataclass
class Programme(EventsMixin):
    id: str
    iati_identifier: str
    title: str
    reporting_org: dict[str, Any]                      # {"ref", "name", "type"}
    funding_window: str
    instrument: str
    themes: list[str]
    countries: list[str]
    status: str = "pipeline"
    description: str | None = None
    parent_id: str | None = None
    cities: list[City] = field(default_factory=list)
    sdg_goals: list[str] = field(default_factory=list)
    sdg_targets: list[str] = field(default_factory=list)
    sectors: list[dict[str, Any]] = field(default_factory=list)             # [{"code", "percentage"}]
    policy_markers: list[dict[str, Any]] = field(default_factory=list)      # [{"code", "significance"}]
    participating_orgs: list[dict[str, Any]] = field(default_factory=list)  # [{"ref", "name", "role", "type"}]
    budget: dict[str, Any] | None = None                                    # {"amount": Decimal, "currency"}
    dates: dict[str, date | None] = field(default_factory=no_dates)
    reported_transactions: list[dict[str, Any]] = field(default_factory=list)  # ReportedTransactionSchema
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def create(cls, data: dict[str, Any], *, instruments_by_window: dict[str, set[str]], now: datetime) -> Programme:
        """From a loaded ProgrammeCreate (cities are attached after, then `record_created`)."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name in MUTABLE_FIELDS:
                value = copy.deepcopy(data.get(f.name))
                if value is None and f.default_factory is not dataclasses.MISSING:
                    value = f.default_factory()
                values[f.name] = value
        values["title"] = values["title"].strip()
        values["dates"] = {**no_dates(), **(data.get("dates") or {})}
        values["participating_orgs"] = _orgs(values["participating_orgs"])
        programme = cls(id=new_id(), iati_identifier=data["iati_identifier"],
                        reporting_org=dict(data["reporting_org"]), created_at=now, updated_at=now, **values)
        errors = programme.rule_errors(instruments_by_window)
        prefix = f"{programme.reporting_org['ref']}-"
        if not programme.iati_identifier.startswith(prefix) or len(programme.iati_identifier) == len(prefix):
            errors["iati_identifier"] = [f"must be the reporting organisation's identifier, '-', and the "
                                         f"programme's own id, e.g. {prefix}001"]
        if errors:
            raise InvalidInput(errors)
        return programme

    def attach(self, city: City, path: str) -> dict[str, list[str]]:
        """At creation: the programme starts in `city` (given at `path`); errors by field."""
        if any(c.id == city.id for c in self.cities):
            return {path: [f"{city.name} ({city.country}) is listed twice"]}
        self.cities.append(city)
        if city.country not in self.countries:
            return {f"{path}.country": [f"{city.country!r} ({city.name}) is not one of the programme's "
                                        f"countries {sorted(self.countries)}"]}
        return {}

    def record_created(self) -> None:
        self.record("programme.created", self.state())

    def rule_errors(self, instruments_by_window: dict[str, set[str]]) -> dict[str, list[str]]:
        """Rules across fields of the programme (its own data only)."""
        errors: dict[str, list[str]] = {}
        allowed = instruments_by_window.get(self.funding_window, set())
        if self.instrument not in allowed:
            errors["instrument"] = [f"{self.instrument!r} is not an instrument of the {self.funding_window} window "
                                    f"(expected one of {sorted(allowed)})"]
        for i, city in enumerate(self.cities):
            if city.country not in self.countries:
                errors[f"cities.{i}.country"] = [
                    f"{city.country!r} is not one of the programme's countries {sorted(self.countries)}"]
        percentages = [s["percentage"] for s in self.sectors if s.get("percentage") is not None]
        if percentages:
            if len(percentages) < len(self.sectors):
                errors["sectors"] = ["give a percentage for every sector, or for none"]
            elif sum(percentages) != 100:
                errors["sectors"] = [f"percentages add up to {sum(percentages)}, not 100"]
        codes = [s["code"] for s in self.sectors]
        if len(set(codes)) != len(codes):
            errors["sectors"] = ["a sector is listed more than once"]
        markers = [m["code"] for m in self.policy_markers]
        if len(set(markers)) != len(markers):
            errors["policy_markers"] = ["a policy marker is listed more than once"]
        for i, org in enumerate(self.participating_orgs):
            if any(o["role"] == org["role"] and (o.get("ref") or o["name"]) == (org.get("ref") or org["name"])
                   for o in self.participating_orgs[:i]):
                errors[f"participating_orgs.{i}"] = ["listed twice with the same role"]
        if self.parent_id is not None and self.parent_id == self.id:
            errors["parent_id"] = ["a programme cannot be its own parent"]
        return errors

    # -- lifecycle
    @property
    def status_code(self) -> str:
        return ACTIVITY_STATUSES[self.status]

    @property
    def allowed_statuses(self) -> list[str]:
        return list(TRANSITIONS[self.status])

    def change_status(self, to: str, *, now: datetime, reason: str | None = None) -> str:
        """Move to `to`; returns the previous status. Conflict (409) lists the allowed ones."""
        if to not in TRANSITIONS[self.status]:
            raise Conflict(f"a programme in {self.status} cannot move to {to}", list(TRANSITIONS[self.status]))
        previous, self.status = self.status, to
        if to == "implementation" and self.dates.get("actual_start") is None:
            self.dates["actual_start"] = now.date()
        if to in ("closed", "cancelled") and self.dates.get("actual_end") is None:
            self.dates["actual_end"] = max(now.date(), self.dates.get("actual_start") or now.date())
        self._touch(now)
        self.record("programme.status_changed", {**self.state(), "previous_status": previous,
                                                 "previous_status_code": ACTIVITY_STATUSES[previous],
                                                 "reason": reason})
        return previous

    def take_status(self, to: str, *, now: datetime, reason: str) -> bool:
        """An imported file's status, whatever the transitions: the publisher's file is the
        record of where the activity is. False when it is the status already."""
        if to == self.status:
            return False
        previous, self.status = self.status, to
        self._touch(now)
        self.record("programme.status_changed", {**self.state(), "previous_status": previous,
                                                 "previous_status_code": ACTIVITY_STATUSES[previous],
                                                 "reason": reason})
        return True

    def _touch(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = max(now, self.updated_at) if self.updated_at else now

    # -- changes
    def update(self, changes: dict[str, Any], *, instruments_by_window: dict[str, set[str]],
               now: datetime) -> dict[str, Any]:
        """Apply a loaded ProgrammeUpdate; returns {field: previous value} of what changed."""
        previous: dict[str, Any] = {}
        for name, value in changes.items():
            if name not in MUTABLE_FIELDS:
                raise InvalidInput({name: ["cannot be changed"]})
            if name == "title":
                value = value.strip()
            if name == "participating_orgs":
                value = _orgs(value)
            if name == "dates":
                value = {**self.dates, **value}
                errors = date_order_errors(value)
                if errors:
                    raise InvalidInput(errors)
            if getattr(self, name) != value:
                previous[name] = copy.deepcopy(getattr(self, name))
                setattr(self, name, copy.deepcopy(value))
        errors = self.rule_errors(instruments_by_window)
        if "countries" in previous:
            for i, city in enumerate(self.cities):
                if city.country not in self.countries:
                    errors.pop(f"cities.{i}.country", None)
                    errors["countries"] = [f"the programme works in {city.name} ({city.country}): keep "
                                           f"{city.country}"]
        if errors:
            raise InvalidInput(errors)
        if previous:
            self._touch(now)
            self.record("programme.updated", {**self.state(), "changed": sorted(previous), "previous": previous})
        return previous

    def check_can_define(self) -> None:
        if self.status not in DEFINING_STATUSES:
            raise Conflict(f"a {self.status} programme's results framework cannot change",
                           [f"status {s}" for s in DEFINING_STATUSES])

    def add_city(self, city: City, *, now: datetime, field_name: str | None = "city") -> None:
        if self.status in ("closed", "cancelled"):
            raise Conflict(f"a {self.status} programme takes no new cities")
        if city.country not in self.countries:
            raise InvalidInput({f"{field_name}.country" if field_name else "country": [
                f"{city.country!r} is not one of the programme's countries {sorted(self.countries)}"]})
        if any(c.id == city.id for c in self.cities):
            raise Conflict(f"the programme already works in {city.name} ({city.country})")
        self.cities.append(city)
        self._touch(now)
        self.record("programme.city_added", {**self.state(), "city": city.as_dict()})

    def city(self, city_id: str) -> City | None:
        return next((c for c in self.cities if c.id == city_id), None)

    def state(self) -> dict[str, Any]:
        """The contract's ProgrammeStateSchema fields: every field by name, and what derives from them."""
        out = {f.name: copy.deepcopy(getattr(self, f.name)) for f in dataclasses.fields(self)
               if f.name not in ("id", "events")}
        out.update(programme_id=self.id, status_code=self.status_code, cities=[c.as_dict() for c in self.cities])
        return out

    def ref(self) -> dict[str, Any]:
        """What an indicator or result event says of its programme (ProgrammeRefSchema)."""
        return {"programme_id": self.id, "iati_identifier": self.iati_identifier, "parent_id": self.parent_id,
                "reporting_org_ref": self.reporting_org["ref"]}

    def organisations(self) -> set[str]:
        """IATI identifiers of the reporting and participating organisations."""
        return {self.reporting_org["ref"]} | {o["ref"] for o in self.participating_orgs if o.get("ref")}


FIXED_FIELDS = ("id", "iati_identifier", "reporting_org", "status", "cities", "version", "created_at", "updated_at",
                "events")
# Fields a client may change with an update (not status, not cities): every other field.
MUTABLE_FIELDS = tuple(f.name for f in dataclasses.fields(Programme) if f.name not in FIXED_FIELDS)


def _orgs(orgs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"ref": o.get("ref"), "name": o["name"], "role": o["role"], "type": o.get("type")} for o in orgs]


def date_order_errors(dates: dict[str, date | None]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for kind in ("planned", "actual"):
        start, end = dates.get(f"{kind}_start"), dates.get(f"{kind}_end")
        if start and end and end < start:
            errors[f"dates.{kind}_end"] = [f"must not be before {kind}_start ({start.isoformat()})"]
    return errors


def check_parent(programme: Programme, parent: Programme | None, *, parent_has_parent: bool,
                 has_children: bool) -> None:
    """One level of hierarchy: a parent has no parent, a programme with children has none."""
    if programme.parent_id is None:
        return
    if parent is None:
        raise unknown_reference("parent_id", "programme", programme.parent_id)
    if parent.id == programme.id:
        raise InvalidInput({"parent_id": ["a programme cannot be its own parent"]})
    if parent_has_parent:
        raise InvalidInput({"parent_id": [f"{parent.iati_identifier} is itself part of another programme; "
                                          "one level of hierarchy only"]})
    if has_children:
        raise InvalidInput({"parent_id": ["this programme has programmes of its own; one level of "
                                          "hierarchy only"]})
