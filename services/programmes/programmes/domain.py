"""The programmes domain, free of frameworks and databases.

- Programme: an IATI activity of the partnership's portfolio, with its lifecycle
  (IATI ActivityStatus) as a table of allowed transitions, its cities and its
  results framework (indicators). One level of hierarchy: a programme may have a
  parent (a Joint Work Programme and its projects).
- Result: a value of one indicator for one period and one city, with versions that
  go through review (draft -> submitted -> approved, or returned with a comment).
  Correcting an approved value adds a version that replaces it once approved.
- Rules that span fields raise InvalidInput naming each bad field; forbidden moves
  raise Conflict listing what is allowed."""
import copy
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from shared.errors import Conflict, InvalidInput
from shared.events.contracts.programmes import ACTIVITY_STATUSES, MEASURES, ORGANISATION_ROLES

# --- lifecycle ----------------------------------------------------------------------------

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

# Fields of a programme a client may change with an update (not status, not cities).
MUTABLE_FIELDS = ("title", "description", "funding_window", "instrument", "themes", "countries", "sdg_goals",
                  "sdg_targets", "sectors", "policy_markers", "participating_orgs", "budget", "dates",
                  "parent_id")

DIMENSIONS = {
    "sex": ("female", "male", "unknown"),
    "age": ("age_0_14", "age_15_24", "age_25_64", "age_65_plus", "unknown"),
    "migrant_status": ("migrant", "non_migrant", "unknown"),
}


def city_key(name: str) -> str:
    """How a city name is compared: case, accents' composition and spacing do not matter."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def new_id() -> str:
    return str(uuid.uuid4())


# --- cities -------------------------------------------------------------------------------

@dataclass
class City:
    id: str
    name: str
    country: str
    population: int | None = None
    secondary_city: bool = True
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def register(cls, *, name, country, population=None, secondary_city=True, latitude=None, longitude=None,
                 now: datetime) -> "City":
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            raise InvalidInput({missing: ["give both latitude and longitude, or neither"]})
        return cls(id=new_id(), name=" ".join(name.split()), country=country, population=population,
                   secondary_city=secondary_city, latitude=latitude, longitude=longitude,
                   created_at=now, updated_at=now)

    @property
    def key(self) -> tuple[str, str]:
        return self.country, city_key(self.name)

    def ref(self) -> dict:
        return {"id": self.id, "name": self.name, "country": self.country}

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "country": self.country, "population": self.population,
                "secondary_city": self.secondary_city, "latitude": self.latitude, "longitude": self.longitude}


# --- indicators ---------------------------------------------------------------------------

@dataclass
class Indicator:
    programme_id: str
    code: str
    title: str
    corporate: bool
    measure: str = "unit"
    reach: str = "direct"
    ascending: bool = True
    sdg_indicator: str | None = None
    baseline: dict | None = None           # {"value": Decimal, "year": int}
    targets: list = field(default_factory=list)  # [{"period": {"start", "end"}, "value": Decimal}]
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def as_contract(self) -> dict:
        return {"code": self.code, "title": self.title, "corporate": self.corporate, "measure": self.measure,
                "reach": self.reach, "ascending": self.ascending, "sdg_indicator": self.sdg_indicator,
                "baseline": copy.deepcopy(self.baseline), "targets": copy.deepcopy(self.targets)}

    def summary(self) -> dict:
        return {"code": self.code, "title": self.title, "corporate": self.corporate, "measure": self.measure,
                "reach": self.reach, "ascending": self.ascending}


def define_indicator(programme_id: str, spec: dict, *, corporate_titles: dict[str, str], now: datetime,
                     prefix: str = "") -> Indicator:
    """An indicator from a loaded IndicatorIn. `corporate_titles`: the plans' indicator codes and titles."""
    corporate = spec["code"] in corporate_titles
    errors = {}
    title = spec.get("title")
    if title is None:
        if corporate:
            title = corporate_titles[spec["code"]]
        else:
            errors[f"{prefix}title"] = ["required for the programme's own indicators"]
    if corporate and spec.get("measure", "unit") != "unit":
        errors[f"{prefix}measure"] = [f"{spec['code']} is a corporate indicator counted in people: measure "
                                      "must be unit"]
    indicator = Indicator(programme_id=programme_id, code=spec["code"], title=(title or "").strip(),
                          corporate=corporate, measure=spec.get("measure", "unit"),
                          reach=spec.get("reach", "direct"), ascending=spec.get("ascending", True),
                          sdg_indicator=spec.get("sdg_indicator"), baseline=spec.get("baseline"),
                          targets=list(spec.get("targets") or []), created_at=now, updated_at=now)
    errors.update(_indicator_value_errors(indicator, prefix))
    if errors:
        raise InvalidInput(errors)
    return indicator


def _indicator_value_errors(indicator: Indicator, prefix: str = "") -> dict:
    errors = {}
    values = []
    if indicator.baseline:
        values.append((f"{prefix}baseline.value", indicator.baseline["value"]))
    values += [(f"{prefix}targets.{i}.value", t["value"]) for i, t in enumerate(indicator.targets)]
    for path, value in values:
        errors.update(value_errors(path, value, indicator))
    periods = [(t["period"]["start"], t["period"]["end"]) for t in indicator.targets]
    for i, period in enumerate(periods):
        for j, other in enumerate(periods[:i]):
            if period[0] <= other[1] and other[0] <= period[1]:
                errors[f"{prefix}targets.{i}.period"] = [f"overlaps the period of targets.{j}"]
                break
    return errors


def value_errors(path: str, value: Decimal, indicator: Indicator) -> dict:
    if indicator.measure == "percentage" and value > 100:
        return {path: ["a percentage cannot be more than 100"]}
    if indicator.corporate and value != value.to_integral_value():
        return {path: [f"must be a whole number: {indicator.code} counts people"]}
    return {}


# --- programmes ---------------------------------------------------------------------------

@dataclass
class Programme:
    id: str
    iati_identifier: str
    title: str
    reporting_org: dict
    funding_window: str
    instrument: str
    themes: list
    countries: list
    status: str = "pipeline"
    description: str | None = None
    parent_id: str | None = None
    cities: list = field(default_factory=list)          # [City]
    sdg_goals: list = field(default_factory=list)
    sdg_targets: list = field(default_factory=list)
    sectors: list = field(default_factory=list)         # [{"code", "percentage"}]
    policy_markers: list = field(default_factory=list)  # [{"code", "significance"}]
    participating_orgs: list = field(default_factory=list)  # [{"ref", "name", "role", "type"}]
    budget: dict | None = None                          # {"amount": Decimal, "currency"}
    dates: dict = field(default_factory=lambda: dict.fromkeys(
        ("planned_start", "planned_end", "actual_start", "actual_end")))
    version: int = 1
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def create(cls, fields: dict, *, instruments_by_window: dict[str, set], now: datetime) -> "Programme":
        """From a loaded ProgrammeCreate (without cities and indicators, added after)."""
        values = {name: copy.deepcopy(fields.get(name)) for name in MUTABLE_FIELDS}
        values["title"] = values["title"].strip()
        for name in ("sdg_goals", "sdg_targets", "sectors", "policy_markers", "participating_orgs"):
            values[name] = values[name] or []
        values["dates"] = {**dict.fromkeys(("planned_start", "planned_end", "actual_start", "actual_end")),
                           **(values["dates"] or {})}
        programme = cls(id=new_id(), iati_identifier=fields["iati_identifier"],
                        reporting_org=dict(fields["reporting_org"]), created_at=now, updated_at=now, **values)
        errors = programme.rule_errors(instruments_by_window)
        prefix = f"{programme.reporting_org['ref']}-"
        if not programme.iati_identifier.startswith(prefix) or len(programme.iati_identifier) == len(prefix):
            errors["iati_identifier"] = [f"must be the reporting organisation's identifier, '-', and the "
                                         f"programme's own id, e.g. {prefix}001"]
        if errors:
            raise InvalidInput(errors)
        return programme

    def rule_errors(self, instruments_by_window: dict[str, set]) -> dict:
        """Rules across fields of the programme (its own data only)."""
        errors = {}
        allowed = instruments_by_window.get(self.funding_window, set())
        if self.instrument not in allowed:
            errors["instrument"] = [f"{self.instrument!r} is not an instrument of the {self.funding_window} window "
                                    f"(expected one of {sorted(allowed)})"]
        for i, city in enumerate(self.cities):
            if city.country not in self.countries:
                errors[f"cities.{i}.country"] = [
                    f"{city.country!r} is not one of the programme's countries {sorted(self.countries)}"]
        percentages = [s.get("percentage") for s in self.sectors]
        if any(p is not None for p in percentages):
            if any(p is None for p in percentages):
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
            same = [o for o in self.participating_orgs[:i]
                    if o["role"] == org["role"] and (o.get("ref") or o["name"]) == (org.get("ref") or org["name"])]
            if same:
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

    def change_status(self, to: str, *, now: datetime) -> str:
        """Move to `to`; returns the previous status. Conflict (409) lists the allowed ones."""
        if to not in TRANSITIONS[self.status]:
            raise Conflict(f"a programme in {self.status} cannot move to {to}", list(TRANSITIONS[self.status]))
        previous, self.status = self.status, to
        if to == "implementation" and self.dates.get("actual_start") is None:
            self.dates["actual_start"] = now.date()
        if to in ("closed", "cancelled") and self.dates.get("actual_end") is None:
            self.dates["actual_end"] = max(now.date(), self.dates.get("actual_start") or now.date())
        self._touch(now)
        return previous

    def _touch(self, now: datetime):
        self.version += 1
        self.updated_at = max(now, self.updated_at) if self.updated_at else now

    # -- changes
    def update(self, changes: dict, *, instruments_by_window: dict[str, set], now: datetime) -> dict:
        """Apply a loaded ProgrammeUpdate; returns {field: previous value} of what changed."""
        previous = {}
        for name, value in changes.items():
            if name not in MUTABLE_FIELDS:
                raise InvalidInput({name: ["cannot be changed"]})
            if name == "title":
                value = value.strip()
            if name == "dates":
                value = {**self.dates, **value}
                errors = _date_order_errors(value)
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
        return previous

    def check_can_define(self):
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

    def city(self, city_id: str) -> City | None:
        return next((c for c in self.cities if c.id == city_id), None)

    def state(self) -> dict:
        """The contract's ProgrammeStateSchema fields."""
        return {
            "programme_id": self.id, "iati_identifier": self.iati_identifier, "title": self.title,
            "description": self.description, "reporting_org": dict(self.reporting_org),
            "funding_window": self.funding_window, "instrument": self.instrument, "status": self.status,
            "status_code": self.status_code, "parent_id": self.parent_id, "themes": list(self.themes),
            "countries": list(self.countries), "cities": [c.as_dict() for c in self.cities],
            "sdg_goals": list(self.sdg_goals), "sdg_targets": list(self.sdg_targets),
            "sectors": copy.deepcopy(self.sectors), "policy_markers": copy.deepcopy(self.policy_markers),
            "participating_orgs": [{"ref": o.get("ref"), "name": o["name"], "role": o["role"],
                                    "type": o.get("type")} for o in self.participating_orgs],
            "budget": copy.deepcopy(self.budget), "dates": dict(self.dates), "version": self.version,
            "created_at": self.created_at, "updated_at": self.updated_at,
        }

    def organisations(self) -> set[str]:
        """IATI identifiers of the reporting and participating organisations."""
        return {self.reporting_org["ref"]} | {o["ref"] for o in self.participating_orgs if o.get("ref")}


def _date_order_errors(dates: dict) -> dict:
    errors = {}
    for kind in ("planned", "actual"):
        start, end = dates.get(f"{kind}_start"), dates.get(f"{kind}_end")
        if start and end and end < start:
            errors[f"dates.{kind}_end"] = [f"must not be before {kind}_start ({start.isoformat()})"]
    return errors


def check_parent(programme: Programme, parent: "Programme | None", *, parent_has_parent: bool,
                 has_children: bool) -> None:
    """One level of hierarchy: a parent has no parent, a programme with children has none."""
    if programme.parent_id is None:
        return
    if parent is None:
        raise InvalidInput({"parent_id": [f"no programme with id {programme.parent_id!r}"]})
    if parent.id == programme.id:
        raise InvalidInput({"parent_id": ["a programme cannot be its own parent"]})
    if parent_has_parent:
        raise InvalidInput({"parent_id": [f"{parent.iati_identifier} is itself part of another programme; "
                                          "one level of hierarchy only"]})
    if has_children:
        raise InvalidInput({"parent_id": ["this programme has programmes of its own; one level of "
                                          "hierarchy only"]})


# --- results ------------------------------------------------------------------------------

RESULT_ACTIONS = {
    "draft": ("edit", "submit"),
    "returned": ("edit", "submit"),
    "submitted": ("approve", "return"),
    "approved": ("revise",),
}


def disaggregation_errors(value: Decimal, disaggregations: dict, indicator: Indicator,
                          prefix: str = "disaggregations") -> dict:
    """Parts of a dimension never exceed the value and add up to it when all are given;
    for a percentage, each part is a percentage of its group."""
    errors = {}
    for dimension, parts in (disaggregations or {}).items():
        if not parts:
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


@dataclass
class ResultVersion:
    number: int
    value: Decimal
    disaggregations: dict
    status: str
    created_at: datetime
    comment: str | None = None      # why an approved value was corrected
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    log: list = field(default_factory=list)  # [{"action", "at", "by", "comment"}]

    def record(self, action: str, at: datetime, by: str | None, comment: str | None = None):
        self.log.append({"action": action, "at": at, "by": by, "comment": comment})


@dataclass
class Result:
    id: str
    programme_id: str
    reporting_org_ref: str
    indicator: str
    city_id: str
    period_start: date
    period_end: date
    versions: list          # [ResultVersion], oldest first
    created_at: datetime
    updated_at: datetime

    @classmethod
    def draft(cls, programme: Programme, indicator: Indicator, *, city_id: str, period: dict, value: Decimal,
              disaggregations: dict, now: datetime, by: str | None) -> "Result":
        if programme.status not in REPORTING_STATUSES:
            raise Conflict(f"results are reported while a programme is in implementation or finalisation; "
                           f"this one is {programme.status}", [f"status {s}" for s in REPORTING_STATUSES])
        errors = {}
        if programme.city(city_id) is None:
            errors["city_id"] = [f"{city_id!r} is not one of the programme's cities "
                                 f"({', '.join(c.id + ' ' + c.name for c in programme.cities) or 'none yet'})"]
        errors.update(value_errors("value", value, indicator))
        errors.update(disaggregation_errors(value, disaggregations, indicator))
        if errors:
            raise InvalidInput(errors)
        version = ResultVersion(number=1, value=value, disaggregations=_clean(disaggregations), status="draft",
                                created_at=now)
        version.record("drafted", now, by)
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
        return next((v for v in reversed(self.versions) if v.status == "approved"), None)

    @property
    def allowed_actions(self) -> list[str]:
        return list(RESULT_ACTIONS.get(self.status, ()))

    def _require(self, action: str):
        if action not in RESULT_ACTIONS.get(self.status, ()):
            raise Conflict(f"a {self.status} result cannot be {_PAST[action]}", self.allowed_actions)

    def _touch(self, now: datetime):
        self.updated_at = max(now, self.updated_at)

    # -- review workflow
    def edit(self, indicator: Indicator, *, value: Decimal | None, disaggregations: dict | None, now: datetime,
             by: str | None):
        self._require("edit")
        value = self.current.value if value is None else value
        disaggregations = self.current.disaggregations if disaggregations is None else _clean(disaggregations)
        errors = {**value_errors("value", value, indicator),
                  **disaggregation_errors(value, disaggregations, indicator)}
        if errors:
            raise InvalidInput(errors)
        self.current.value, self.current.disaggregations = value, disaggregations
        self.current.record("edited", now, by)
        self._touch(now)

    def submit(self, programme: Programme, *, now: datetime, by: str | None, comment: str | None = None):
        self._require("submit")
        if programme.status not in REPORTING_STATUSES + ("closed",) or (
                programme.status == "closed" and self.approved is None):
            raise Conflict(f"results are submitted while a programme is in implementation or finalisation; "
                           f"this one is {programme.status}", [f"status {s}" for s in REPORTING_STATUSES])
        self.current.status, self.current.submitted_at = "submitted", now
        self.current.record("submitted", now, by, comment)
        self._touch(now)

    def approve(self, *, now: datetime, by: str | None, comment: str | None = None) -> ResultVersion | None:
        """Approve the submitted version; returns the approved version it replaces, if any."""
        self._require("approve")
        replaced = self.approved
        if replaced is not None:
            replaced.status = "superseded"
            replaced.record("superseded", now, by, f"replaced by version {self.current.number}")
        self.current.status, self.current.approved_at = "approved", now
        self.current.record("approved", now, by, comment)
        self._touch(now)
        return replaced

    def return_for_revision(self, *, comment: str, now: datetime, by: str | None):
        self._require("return")
        self.current.status = "returned"
        self.current.record("returned", now, by, comment)
        self._touch(now)

    def revise(self, programme: Programme, indicator: Indicator, *, value: Decimal, disaggregations: dict,
               comment: str, now: datetime, by: str | None) -> ResultVersion:
        """Correct the approved value: a new version, submitted for review. The approved
        version keeps counting until the new one is approved."""
        self._require("revise")
        if programme.status not in REVISION_STATUSES:
            raise Conflict(f"approved values of a {programme.status} programme cannot be corrected",
                           [f"status {s}" for s in REVISION_STATUSES])
        errors = {**value_errors("value", value, indicator),
                  **disaggregation_errors(value, disaggregations, indicator)}
        approved = self.approved
        if not errors and value == approved.value and _clean(disaggregations) == approved.disaggregations:
            errors["value"] = ["the same as the approved value: nothing to correct"]
        if errors:
            raise InvalidInput(errors)
        version = ResultVersion(number=self.current.number + 1, value=value,
                                disaggregations=_clean(disaggregations), status="submitted", created_at=now,
                                comment=comment, submitted_at=now)
        version.record("revision_submitted", now, by, comment)
        self.versions.append(version)
        self._touch(now)
        return version


_PAST = {"edit": "edited", "submit": "submitted", "approve": "approved", "return": "returned",
         "revise": "revised"}


def _clean(disaggregations: dict | None) -> dict:
    return {k: dict(v) for k, v in (disaggregations or {}).items() if v}


def roll_up(programme_id: str, children: list[str], approved: list[tuple[str, str, Decimal]],
            indicators: dict[str, Indicator]) -> list[dict]:
    """Totals per indicator of a programme and its children. `approved`: (programme_id,
    indicator code, approved value) of every approved result of the family, each result
    once. Percentages are not summed (their total is the mean of the results)."""
    by_code: dict[str, dict] = {}
    for owner, code, value in approved:
        entry = by_code.setdefault(code, {"own": Decimal(0), "children": Decimal(0), "results": 0})
        entry["own" if owner == programme_id else "children"] += value
        entry["results"] += 1
    out = []
    for code in sorted(by_code):
        entry = by_code[code]
        indicator = indicators.get(code)
        measure = indicator.measure if indicator else "unit"
        total = entry["own"] + entry["children"]
        if measure == "percentage" and entry["results"]:
            total = (total / entry["results"]).quantize(Decimal("0.01"))
        out.append({"indicator": code, "corporate": indicator.corporate if indicator else False,
                    "measure": measure, "own": entry["own"], "children": entry["children"], "total": total,
                    "results": entry["results"]})
    return out


ROLE_CODES = ORGANISATION_ROLES
MEASURE_CODES = MEASURES
