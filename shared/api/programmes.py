"""Public API of the programmes service: request, query and response schemas.

The programmes service validates with them (it is the system of record); the gateway
documents them (OpenAPI) and may validate early. Requests are strict: unknown fields
are refused, and fields the server sets (`id`, `status`, `version`, `created_at`...)
cannot be written. Codes are checked against the IATI 2.03 codelists in
shared/reference_data/iati and against the plans (themes, windows, instruments,
corporate indicators). Rules that need more than one field or stored data (a city in
one of the programme's countries, parts adding up to the total, a duplicate IATI
identifier...) are checked by the service and reported the same way, by field.
"""
import re

from marshmallow import ValidationError, fields, validate, validates_schema

from shared import plan
from shared.events.contracts.programmes import (
    ACTIVITY_STATUSES,
    MEASURES,
    ORGANISATION_ROLES,
    REACH,
    RESULT_STATUSES,
    AgeGroupSchema,
    MigrantStatusSchema,
    SexSchema,
)
from shared.events.fields import DecimalString, UTCDateTime
from shared.events.schemas import MoneySchema, StrictSchema, country_code
from shared.reference import ORGANISATION_TYPES, SDG_GOALS, SDG_TARGETS, SECTORS, codelist

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
MAX_PLACES = 4  # decimal places of result values, targets and baselines

_IATI_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]*$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SDG_INDICATOR = re.compile(r"^[0-9]{1,2}\.[0-9a-z]{1,2}\.[0-9]{1,2}$")


# --- checks of single values ----------------------------------------------------------

def _in_codelist(codes, what):
    def check(value):
        if value not in codes:
            raise ValidationError(f"unknown {what} {value!r}")
    return check


def _in_plan(codes_fn, what):
    def check(value):
        codes = codes_fn()
        if value not in codes:
            raise ValidationError(f"unknown {what} {value!r}; expected one of {sorted(codes)}")
    return check


def instrument_codes() -> set[str]:
    return {i for p in plan.plans().values() for w in p["windows"] for i in w.get("instruments", [])}


def _not_blank(value):
    if not value.strip():
        raise ValidationError("must not be blank")


def _iati_identifier(value):
    if not _IATI_ID.match(value):
        raise ValidationError("must be an IATI identifier: letters, digits and . _ / : - only, no spaces")


def _code(value):
    if not _CODE.match(value):
        raise ValidationError("must be lower-case letters, digits, '_', '.' or '-', starting with a letter or digit")


def _sdg_indicator(value):
    if not _SDG_INDICATOR.match(value):
        raise ValidationError("must be a UN SDG indicator reference such as '11.1.1'")
    if value.rsplit(".", 1)[0] not in SDG_TARGETS:
        raise ValidationError(f"{value!r} is not an indicator of a UN SDG target (UNSDG-Targets codelist)")


def _policy_marker(value):
    if value not in codelist("PolicyMarker"):
        raise ValidationError(f"unknown IATI PolicyMarker code {value!r}")


def _significance(value):
    if str(value) not in codelist("PolicySignificance"):
        raise ValidationError(f"unknown IATI PolicySignificance code {value!r} (0-4)")


def _unique(values, what="listed more than once"):
    seen, dupes = set(), []
    for v in values:
        key = v if isinstance(v, (str, int)) else repr(sorted(v.items()))
        if key in seen:
            dupes.append(v)
        seen.add(key)
    if dupes:
        raise ValidationError(f"{what}: {', '.join(map(str, dupes))}")


_non_negative = validate.Range(min=0, error="must be 0 or more")


def _amount(**kwargs):
    return DecimalString(places=MAX_PLACES, validate=_non_negative, **kwargs)


# --- pieces of requests -------------------------------------------------------------------

class OrganisationIn(StrictSchema):
    ref = fields.String(required=True, validate=[validate.Length(min=1, max=100), _iati_identifier],
                        metadata={"description": "IATI organisation identifier, e.g. `XM-DAC-41114`"})
    name = fields.String(required=True, validate=[validate.Length(min=1, max=500), _not_blank])
    type = fields.String(load_default=None, allow_none=True,
                         validate=_in_codelist(ORGANISATION_TYPES, "IATI OrganisationType code"))


class ParticipatingOrgIn(StrictSchema):
    ref = fields.String(load_default=None, allow_none=True,
                        validate=[validate.Length(min=1, max=100), _iati_identifier])
    name = fields.String(required=True, validate=[validate.Length(min=1, max=500), _not_blank])
    role = fields.String(required=True, validate=validate.OneOf(tuple(ORGANISATION_ROLES)),
                         metadata={"description": "IATI OrganisationRole: funding, accountable, extending, "
                                                  "implementing"})
    type = fields.String(load_default=None, allow_none=True,
                         validate=_in_codelist(ORGANISATION_TYPES, "IATI OrganisationType code"))


class CityIn(StrictSchema):
    """A city: one record however many programmes work in it (found by country and name,
    ignoring case and spacing)."""
    name = fields.String(required=True, validate=[validate.Length(min=1, max=200), _not_blank])
    country = fields.String(required=True, validate=country_code)
    population = fields.Integer(load_default=None, allow_none=True, strict=True, validate=_non_negative)
    secondary_city = fields.Boolean(load_default=True, metadata={"description": "a secondary (intermediate) city"})
    latitude = DecimalString(load_default=None, allow_none=True, places=6,
                             validate=validate.Range(min=-90, max=90))
    longitude = DecimalString(load_default=None, allow_none=True, places=6,
                              validate=validate.Range(min=-180, max=180))


class ProgrammeCityIn(CityIn):
    """`{"id": "<city id>"}` for a city on record, or the city itself (found or registered)."""
    id = fields.String(validate=validate.Length(min=1, max=36))
    name = fields.String(validate=[validate.Length(min=1, max=200), _not_blank])
    country = fields.String(validate=country_code)

    @validates_schema(pass_original=True)
    def _id_or_city(self, data, original, **kwargs):
        original = original if isinstance(original, dict) else {}
        if "id" in original:
            others = sorted(set(original) - {"id"})
            if others:
                raise ValidationError(f"give either `id` or the city's fields, not both ({', '.join(others)})",
                                      "id")
            return
        errors = {f: ["required unless `id` is given"] for f in ("name", "country") if f not in original}
        if errors:
            raise ValidationError(errors)


class SectorIn(StrictSchema):
    code = fields.String(required=True, validate=_in_codelist(SECTORS, "OECD DAC sector code"))
    percentage = DecimalString(load_default=None, allow_none=True, places=2,
                               validate=validate.Range(min=0, max=100, min_inclusive=False))


class PolicyMarkerIn(StrictSchema):
    code = fields.String(required=True, validate=_policy_marker, metadata={
        "description": "IATI PolicyMarker: `1` gender equality, `6` climate mitigation, `7` climate adaptation"})
    significance = fields.Integer(required=True, strict=True, validate=_significance)


class DatesIn(StrictSchema):
    planned_start = fields.Date(load_default=None, allow_none=True)
    planned_end = fields.Date(load_default=None, allow_none=True)
    actual_start = fields.Date(load_default=None, allow_none=True)
    actual_end = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def _ends_after_starts(self, data, **kwargs):
        errors = {}
        for kind in ("planned", "actual"):
            start, end = data.get(f"{kind}_start"), data.get(f"{kind}_end")
            if start and end and end < start:
                errors[f"{kind}_end"] = [f"must not be before {kind}_start ({start.isoformat()})"]
        if errors:
            raise ValidationError(errors)


class PeriodIn(StrictSchema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _end_after_start(self, data, **kwargs):
        if "start" in data and "end" in data and data["end"] < data["start"]:
            raise ValidationError(f"must not be before the start ({data['start'].isoformat()})", "end")


class BaselineIn(StrictSchema):
    value = _amount(required=True)
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1900, max=2100))


class TargetIn(StrictSchema):
    period = fields.Nested(PeriodIn, required=True)
    value = _amount(required=True)


class DisaggregationsIn(StrictSchema):
    """Parts of the value: sex (female, male, unknown), age group (age_0_14, age_15_24,
    age_25_64, age_65_plus, unknown) and migrant status (migrant, non_migrant, unknown).
    For a `unit` measure the parts of a dimension may not exceed the value, and must add
    up to it when every part of the dimension is given."""
    sex = fields.Nested(SexSchema)
    age = fields.Nested(AgeGroupSchema)
    migrant_status = fields.Nested(MigrantStatusSchema)


# --- programmes ---------------------------------------------------------------------------

def _programme_fields(required: bool) -> dict:
    """The fields a client may write, shared by create (required ones required) and update."""
    req = {"required": True} if required else {}
    opt = {"load_default": None} if required else {}
    lst = {"load_default": list} if required else {}
    return {
        "title": fields.String(validate=[validate.Length(min=1, max=500), _not_blank], **req),
        "description": fields.String(allow_none=True, validate=validate.Length(max=20000), **opt),
        "funding_window": fields.String(validate=_in_plan(plan.window_codes, "funding window"), **req),
        "instrument": fields.String(validate=_in_plan(instrument_codes, "instrument"), **req, metadata={
            "description": "country_programme, technical_assistance, innovation_fund_project (country/city "
                           "window); regional_programme, joint_work_programme (global window)"}),
        "themes": fields.List(fields.String(validate=_in_plan(plan.theme_codes, "theme")),
                              validate=[validate.Length(min=1, error="must name at least one theme"), _unique],
                              **req),
        "countries": fields.List(fields.String(validate=country_code),
                                 validate=[validate.Length(min=1, error="must name at least one country"),
                                           _unique], **req),
        "sdg_goals": fields.List(fields.String(validate=_in_codelist(SDG_GOALS, "UN SDG goal")),
                                 validate=_unique, **lst),
        "sdg_targets": fields.List(fields.String(validate=_in_codelist(SDG_TARGETS, "UN SDG target")),
                                   validate=_unique, **lst),
        "sectors": fields.List(fields.Nested(SectorIn), **lst),
        "policy_markers": fields.List(fields.Nested(PolicyMarkerIn), **lst),
        "participating_orgs": fields.List(fields.Nested(ParticipatingOrgIn), **lst),
        "budget": fields.Nested(MoneySchema, allow_none=True, **opt),
        "dates": fields.Nested(DatesIn, **({"load_default": dict} if required else {})),
        "parent_id": fields.String(allow_none=True, validate=validate.Length(min=1, max=36), **opt, metadata={
            "description": "the parent programme (a Joint Work Programme of this project); one level only"}),
    }


class IndicatorIn(StrictSchema):
    code = fields.String(required=True, validate=[validate.Length(min=1, max=100), _code], metadata={
        "description": "a plan's corporate indicator (e.g. `people_reached`, `women_empowered`) or the "
                       "programme's own code"})
    title = fields.String(load_default=None, validate=[validate.Length(min=1, max=500), _not_blank],
                          metadata={"description": "defaults to the plan's title for a corporate indicator"})
    measure = fields.String(load_default="unit", validate=validate.OneOf(tuple(MEASURES)))
    reach = fields.String(load_default="direct", validate=validate.OneOf(REACH))
    ascending = fields.Boolean(load_default=True)
    sdg_indicator = fields.String(load_default=None, allow_none=True, validate=_sdg_indicator)
    baseline = fields.Nested(BaselineIn, load_default=None, allow_none=True)
    targets = fields.List(fields.Nested(TargetIn), load_default=list)


class IndicatorUpdate(StrictSchema):
    title = fields.String(validate=[validate.Length(min=1, max=500), _not_blank])
    reach = fields.String(validate=validate.OneOf(REACH))
    ascending = fields.Boolean()
    sdg_indicator = fields.String(allow_none=True, validate=_sdg_indicator)
    baseline = fields.Nested(BaselineIn, allow_none=True)
    targets = fields.List(fields.Nested(TargetIn))

    @validates_schema(pass_original=True)
    def _something(self, data, original, **kwargs):
        if isinstance(original, dict) and not original:
            raise ValidationError("give at least one field to change")


ProgrammeCreate = StrictSchema.from_dict({
    "iati_identifier": fields.String(required=True, validate=[validate.Length(min=3, max=200), _iati_identifier],
                                     metadata={"description": "the reporting organisation's identifier, `-`, "
                                                              "its own id for the activity; unique"}),
    "reporting_org": fields.Nested(OrganisationIn, required=True),
    **_programme_fields(required=True),
    "cities": fields.List(fields.Nested(ProgrammeCityIn), load_default=list),
    "indicators": fields.List(fields.Nested(IndicatorIn), load_default=list),
}, name="ProgrammeCreate")
ProgrammeCreate.__doc__ = "A new programme (status `pipeline`)."


class _ProgrammeUpdateBase(StrictSchema):
    @validates_schema(pass_original=True)
    def _something(self, data, original, **kwargs):
        if isinstance(original, dict) and not original:
            raise ValidationError("give at least one field to change")


ProgrammeUpdate = _ProgrammeUpdateBase.from_dict(_programme_fields(required=False), name="ProgrammeUpdate")
ProgrammeUpdate.__doc__ = ("Fields to change; others stay. Not here: the IATI identifier and reporting "
                           "organisation (fixed), status (POST .../status), cities (POST .../cities).")


class StatusChange(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(tuple(ACTIVITY_STATUSES)))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class CityCreate(CityIn):
    pass


# --- results ------------------------------------------------------------------------------

class ResultCreate(StrictSchema):
    """A draft value of one indicator, for one period and one city of the programme."""
    indicator = fields.String(required=True, validate=validate.Length(min=1, max=100),
                              metadata={"description": "code of one of the programme's indicators"})
    city_id = fields.String(required=True, validate=validate.Length(min=1, max=36),
                            metadata={"description": "id of one of the programme's cities"})
    period = fields.Nested(PeriodIn, required=True)
    value = _amount(required=True, metadata={"description": "Decimal string or whole number; never a float"})
    disaggregations = fields.Nested(DisaggregationsIn, load_default=dict)


class ResultUpdate(StrictSchema):
    """Changes to a draft (or returned) value."""
    value = _amount()
    disaggregations = fields.Nested(DisaggregationsIn)

    @validates_schema(pass_original=True)
    def _something(self, data, original, **kwargs):
        if isinstance(original, dict) and not original:
            raise ValidationError("give at least one field to change")


class ReviewAction(StrictSchema):
    """Submit or approve, with an optional comment."""
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ResultReturn(StrictSchema):
    comment = fields.String(required=True, validate=[validate.Length(min=1, max=2000), _not_blank],
                            metadata={"description": "what to revise"})


class ResultRevise(StrictSchema):
    """A correction of the approved value: a new version, submitted for review, that replaces
    the approved one once approved."""
    value = _amount(required=True)
    disaggregations = fields.Nested(DisaggregationsIn, load_default=dict)
    comment = fields.String(required=True, validate=[validate.Length(min=1, max=2000), _not_blank],
                            metadata={"description": "why the approved value is corrected"})


# --- queries ------------------------------------------------------------------------------

class PageQuery(StrictSchema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"items per page, 1-{MAX_LIMIT} (default {DEFAULT_LIMIT})"})
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=500),
                           metadata={"description": "opaque: `next_cursor` of the previous page"})
    modified_since = UTCDateTime(load_default=None, metadata={
        "description": "only what was created or changed at or after this time (incremental sync)"})


class ProgrammeListQuery(PageQuery):
    funding_window = fields.String(validate=_in_plan(plan.window_codes, "funding window"))
    instrument = fields.String(validate=_in_plan(instrument_codes, "instrument"))
    theme = fields.String(validate=_in_plan(plan.theme_codes, "theme"))
    country = fields.String(validate=country_code)
    city = fields.String(validate=validate.Length(min=1, max=36), metadata={"description": "city id"})
    sdg_goal = fields.String(validate=_in_codelist(SDG_GOALS, "UN SDG goal"))
    status = fields.String(validate=validate.OneOf(tuple(ACTIVITY_STATUSES)))
    organisation = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "IATI identifier of the reporting or a participating organisation"})
    parent_id = fields.String(validate=validate.Length(min=1, max=36))
    q = fields.String(validate=validate.Length(min=2, max=100),
                      metadata={"description": "text in the title (case-insensitive)"})


class ResultListQuery(PageQuery):
    programme_id = fields.String(validate=validate.Length(min=1, max=36))
    indicator = fields.String(validate=validate.Length(min=1, max=100))
    city = fields.String(validate=validate.Length(min=1, max=36), metadata={"description": "city id"})
    period_start = fields.Date(metadata={"description": "periods starting on or after this date"})
    period_end = fields.Date(metadata={"description": "periods ending on or before this date"})
    status = fields.String(validate=validate.OneOf(RESULT_STATUSES))

    @validates_schema
    def _period(self, data, **kwargs):
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            raise ValidationError("must not be before period_start", "period_end")


class CityListQuery(PageQuery):
    country = fields.String(validate=country_code)
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "text in the name"})


# --- responses ----------------------------------------------------------------------------

class OrganisationOut(StrictSchema):
    ref = fields.String()
    name = fields.String()
    type = fields.String(allow_none=True)


class ParticipatingOrgOut(OrganisationOut):
    role = fields.String()
    role_code = fields.String(metadata={"description": "IATI OrganisationRole code"})


class CityOut(StrictSchema):
    id = fields.String()
    name = fields.String()
    country = fields.String()
    population = fields.Integer(allow_none=True)
    secondary_city = fields.Boolean()
    latitude = DecimalString(allow_none=True)
    longitude = DecimalString(allow_none=True)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class SectorOut(StrictSchema):
    code = fields.String()
    percentage = DecimalString(allow_none=True)


class PolicyMarkerOut(StrictSchema):
    code = fields.String()
    significance = fields.Integer()


class DatesOut(StrictSchema):
    planned_start = fields.Date(allow_none=True)
    planned_end = fields.Date(allow_none=True)
    actual_start = fields.Date(allow_none=True)
    actual_end = fields.Date(allow_none=True)


class MoneyOut(StrictSchema):
    amount = DecimalString()
    currency = fields.String()


class PeriodOut(StrictSchema):
    start = fields.Date()
    end = fields.Date()


class BaselineOut(StrictSchema):
    value = DecimalString()
    year = fields.Integer()


class TargetOut(StrictSchema):
    period = fields.Nested(PeriodOut)
    value = DecimalString()


class IndicatorOut(StrictSchema):
    programme_id = fields.String()
    code = fields.String()
    title = fields.String()
    corporate = fields.Boolean()
    measure = fields.String()
    measure_code = fields.String(metadata={"description": "IATI IndicatorMeasure code"})
    reach = fields.String()
    ascending = fields.Boolean()
    sdg_indicator = fields.String(allow_none=True)
    baseline = fields.Nested(BaselineOut, allow_none=True)
    targets = fields.List(fields.Nested(TargetOut))
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class ProgrammeRefOut(StrictSchema):
    id = fields.String()
    iati_identifier = fields.String()
    title = fields.String()


class ProgrammeOut(StrictSchema):
    id = fields.String()
    iati_identifier = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    reporting_org = fields.Nested(OrganisationOut)
    funding_window = fields.String()
    instrument = fields.String()
    status = fields.String()
    status_code = fields.String(metadata={"description": "IATI ActivityStatus code"})
    allowed_statuses = fields.List(fields.String(), metadata={"description": "where the status may go next"})
    parent_id = fields.String(allow_none=True)
    themes = fields.List(fields.String())
    countries = fields.List(fields.String())
    cities = fields.List(fields.Nested(CityOut))
    sdg_goals = fields.List(fields.String())
    sdg_targets = fields.List(fields.String())
    sectors = fields.List(fields.Nested(SectorOut))
    policy_markers = fields.List(fields.Nested(PolicyMarkerOut))
    participating_orgs = fields.List(fields.Nested(ParticipatingOrgOut))
    budget = fields.Nested(MoneyOut, allow_none=True)
    dates = fields.Nested(DatesOut)
    version = fields.Integer()
    created_at = UTCDateTime()
    updated_at = UTCDateTime()
    # GET /v1/programmes/{id} only:
    indicators = fields.List(fields.Nested(IndicatorOut))
    children = fields.List(fields.Nested(ProgrammeRefOut))


class ProgrammePage(StrictSchema):
    items = fields.List(fields.Nested(ProgrammeOut))
    next_cursor = fields.String(allow_none=True)
    next = fields.String(allow_none=True, metadata={"description": "URL of the next page (gateway)"})


class CityPage(StrictSchema):
    items = fields.List(fields.Nested(CityOut))
    next_cursor = fields.String(allow_none=True)
    next = fields.String(allow_none=True)


class ReviewLogOut(StrictSchema):
    action = fields.String(metadata={"description": "drafted, edited, submitted, returned, approved, "
                                                    "revision_submitted, superseded"})
    at = UTCDateTime()
    by = fields.String(allow_none=True, metadata={"description": "organisation of the caller, if known"})
    comment = fields.String(allow_none=True)


class ResultVersionOut(StrictSchema):
    version = fields.Integer()
    status = fields.String(metadata={"description": "draft, submitted, returned, approved, superseded"})
    value = DecimalString()
    disaggregations = fields.Nested(DisaggregationsIn)
    comment = fields.String(allow_none=True, metadata={"description": "why the approved value was corrected"})
    created_at = UTCDateTime()
    submitted_at = UTCDateTime(allow_none=True)
    approved_at = UTCDateTime(allow_none=True)
    log = fields.List(fields.Nested(ReviewLogOut))


class ResultOut(StrictSchema):
    id = fields.String()
    programme_id = fields.String()
    indicator = fields.String()
    city_id = fields.String()
    city = fields.Nested(CityOut(only=("id", "name", "country")))
    period = fields.Nested(PeriodOut)
    status = fields.String(metadata={"description": "status of the latest version"})
    version = fields.Integer(metadata={"description": "the latest version"})
    value = DecimalString(metadata={"description": "the latest version's value"})
    disaggregations = fields.Nested(DisaggregationsIn)
    approved_version = fields.Integer(allow_none=True)
    approved_value = DecimalString(allow_none=True, metadata={"description": "what counts; null until approved"})
    allowed_actions = fields.List(fields.String())
    created_at = UTCDateTime()
    updated_at = UTCDateTime()
    # GET /v1/results/{id} only: every version, oldest first
    versions = fields.List(fields.Nested(ResultVersionOut))


class ResultPage(StrictSchema):
    items = fields.List(fields.Nested(ResultOut))
    next_cursor = fields.String(allow_none=True)
    next = fields.String(allow_none=True)


class IndicatorTotalOut(StrictSchema):
    indicator = fields.String()
    corporate = fields.Boolean()
    measure = fields.String()
    own = DecimalString(metadata={"description": "approved values of this programme's own results"})
    children = DecimalString(metadata={"description": "approved values of its children's results"})
    total = DecimalString(metadata={"description": "own + children, each result counted once"})
    results = fields.Integer(metadata={"description": "approved results counted"})


class TotalsOut(StrictSchema):
    programme_id = fields.String()
    children = fields.List(fields.String())
    indicators = fields.List(fields.Nested(IndicatorTotalOut))


class IndicatorList(StrictSchema):
    items = fields.List(fields.Nested(IndicatorOut))
