"""Contracts of the events the programmes service produces.

Every programme event (`programme.*`) carries the whole programme as it is after the
change (the same fields as `programme.created`), plus what changed; every result
event (`result.*`) carries the result's programme, parent, indicator, city, period,
value and disaggregations, so a consumer never has to call the programmes service
back. `version` orders the events of one programme (or of one result): a consumer
that receives an older version than the one it holds can ignore it.

What counts towards the objective: only approved result values. `result.approved`
is the first approved value of a result; `result.revised` is an approved correction
that REPLACES the earlier approved value of the same `result_id` (both values are in
the event). `result.submitted` and `result.returned` are review steps: nothing to count.
Only results of the plan's indicators (`indicator.corporate` true) count towards the
plan's objective; a programme's own indicators are for its own framework.

Hierarchy: a programme may have a parent (a Joint Work Programme and its projects; one
level). Each result belongs to exactly one programme, so summing approved values over
`result_id` counts it once; to roll up to the parent, group by `parent_id` if set, else
`programme_id`.

Codes: countries ISO 3166-1 alpha-2; cities are platform records (`id`; the same city is one
record across programmes); statuses carry their IATI ActivityStatus code; dates are ISO
dates; values are Decimal strings. `EXAMPLES` holds one valid payload per event type.
"""
from marshmallow import ValidationError, fields, validate, validates_schema

from shared.events.contracts.registry import contract
from shared.events.fields import DecimalString, UTCDateTime
from shared.events.schemas import CitySchema, MoneySchema, StrictSchema, country_code

WINDOWS = ("country_city", "global")
INSTRUMENTS = ("country_programme", "joint_work_programme", "regional_programme", "innovation_fund_project",
               "technical_assistance")
# IATI ActivityStatus codelist: the platform's status words and their IATI codes.
ACTIVITY_STATUSES = {"pipeline": "1", "implementation": "2", "finalisation": "3", "closed": "4",
                     "cancelled": "5", "suspended": "6"}
# IATI OrganisationRole codelist.
ORGANISATION_ROLES = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
# IATI IndicatorMeasure codelist (the two a result value can be summed or averaged on).
MEASURES = {"unit": "1", "percentage": "2"}
REACH = ("direct", "indirect")
RESULT_STATUSES = ("draft", "submitted", "returned", "approved")

_non_negative = validate.Range(min=0, error="must be 0 or more")


# --- reusable pieces ----------------------------------------------------------------

class OrganisationSchema(StrictSchema):
    ref = fields.String(required=True, validate=validate.Length(min=1, max=100),
                        metadata={"description": "IATI organisation identifier, e.g. `XM-DAC-41114`"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=500))
    type = fields.String(required=True, allow_none=True,
                         metadata={"description": "IATI OrganisationType code, e.g. `40` (multilateral)"})


class ParticipatingOrgSchema(StrictSchema):
    ref = fields.String(required=True, allow_none=True, metadata={"description": "IATI organisation identifier"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=500))
    role = fields.String(required=True, validate=validate.OneOf(tuple(ORGANISATION_ROLES)),
                         metadata={"description": "IATI OrganisationRole: funding 1, accountable 2, "
                                                  "extending 3, implementing 4"})
    type = fields.String(required=True, allow_none=True, metadata={"description": "IATI OrganisationType code"})


class ProgrammeCitySchema(StrictSchema):
    id = fields.String(required=True, metadata={"description": "platform id of the city record"})
    name = fields.String(required=True)
    country = fields.String(required=True, validate=country_code)
    population = fields.Integer(required=True, allow_none=True, strict=True, validate=_non_negative)
    secondary_city = fields.Boolean(required=True)
    latitude = DecimalString(required=True, allow_none=True)
    longitude = DecimalString(required=True, allow_none=True)


class CityRefSchema(StrictSchema):
    id = fields.String(required=True, metadata={"description": "platform id of the city record"})
    name = fields.String(required=True)
    country = fields.String(required=True, validate=country_code)


class SectorSchema(StrictSchema):
    code = fields.String(required=True, metadata={"description": "OECD DAC 5-digit purpose code (IATI Sector)"})
    percentage = DecimalString(required=True, allow_none=True)


class PolicyMarkerSchema(StrictSchema):
    code = fields.String(required=True, metadata={
        "description": "IATI PolicyMarker code: `1` gender equality, `6` climate mitigation, `7` climate adaptation"})
    significance = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=4),
                                  metadata={"description": "IATI PolicySignificance code"})


class DatesSchema(StrictSchema):
    planned_start = fields.Date(required=True, allow_none=True)
    planned_end = fields.Date(required=True, allow_none=True)
    actual_start = fields.Date(required=True, allow_none=True)
    actual_end = fields.Date(required=True, allow_none=True)


class PeriodSchema(StrictSchema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _end_after_start(self, data, **kwargs):
        if "start" in data and "end" in data and data["end"] < data["start"]:
            raise ValidationError("must not be before the start", "end")


class SexSchema(StrictSchema):
    female = DecimalString(validate=_non_negative)
    male = DecimalString(validate=_non_negative)
    unknown = DecimalString(validate=_non_negative)


class AgeGroupSchema(StrictSchema):
    age_0_14 = DecimalString(validate=_non_negative)
    age_15_24 = DecimalString(validate=_non_negative)
    age_25_64 = DecimalString(validate=_non_negative)
    age_65_plus = DecimalString(validate=_non_negative)
    unknown = DecimalString(validate=_non_negative)


class MigrantStatusSchema(StrictSchema):
    migrant = DecimalString(validate=_non_negative)
    non_migrant = DecimalString(validate=_non_negative)
    unknown = DecimalString(validate=_non_negative)


class DisaggregationsSchema(StrictSchema):
    """Parts of a value by dimension; only the parts given are present. For a `unit`
    measure the parts of one dimension never exceed the value, and add up to it when
    every part of the dimension is given."""
    sex = fields.Nested(SexSchema)
    age = fields.Nested(AgeGroupSchema)
    migrant_status = fields.Nested(MigrantStatusSchema)


class BaselineSchema(StrictSchema):
    value = DecimalString(required=True, validate=_non_negative)
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=1900, max=2100))


class TargetSchema(StrictSchema):
    period = fields.Nested(PeriodSchema, required=True)
    value = DecimalString(required=True, validate=_non_negative)


class IndicatorSchema(StrictSchema):
    code = fields.String(required=True, metadata={"description": "a plan's corporate indicator code or the "
                                                                 "programme's own code"})
    title = fields.String(required=True)
    corporate = fields.Boolean(required=True, metadata={"description": "whether `code` is an indicator of "
                                                                       "the strategic plan (counts towards "
                                                                       "the objective)"})
    measure = fields.String(required=True, validate=validate.OneOf(tuple(MEASURES)),
                            metadata={"description": "IATI IndicatorMeasure: unit 1, percentage 2"})
    reach = fields.String(required=True, validate=validate.OneOf(REACH))
    ascending = fields.Boolean(required=True)
    sdg_indicator = fields.String(required=True, allow_none=True,
                                  metadata={"description": "UN SDG indicator reference, e.g. `11.1.1`"})
    baseline = fields.Nested(BaselineSchema, required=True, allow_none=True)
    targets = fields.List(fields.Nested(TargetSchema), required=True)


class ResultIndicatorSchema(StrictSchema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    corporate = fields.Boolean(required=True, metadata={"description": "counts towards the plan's objective"})
    measure = fields.String(required=True, validate=validate.OneOf(tuple(MEASURES)))
    reach = fields.String(required=True, validate=validate.OneOf(REACH))
    ascending = fields.Boolean(required=True)


class ApprovedValueSchema(StrictSchema):
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    value = DecimalString(required=True, validate=_non_negative)
    disaggregations = fields.Nested(DisaggregationsSchema, required=True)
    approved_at = UTCDateTime(required=True)


# --- programme events ---------------------------------------------------------------

class ProgrammeStateSchema(StrictSchema):
    """The whole programme after the change: every programme event starts with these fields."""
    programme_id = fields.String(required=True, metadata={"description": "platform id of the programme"})
    iati_identifier = fields.String(required=True, metadata={
        "description": "IATI activity identifier: the reporting organisation's identifier, `-`, its own id"})
    title = fields.String(required=True)
    description = fields.String(required=True, allow_none=True)
    reporting_org = fields.Nested(OrganisationSchema, required=True)
    funding_window = fields.String(required=True, validate=validate.OneOf(WINDOWS))
    instrument = fields.String(required=True, validate=validate.OneOf(INSTRUMENTS))
    status = fields.String(required=True, validate=validate.OneOf(tuple(ACTIVITY_STATUSES)))
    status_code = fields.String(required=True, validate=validate.OneOf(tuple(ACTIVITY_STATUSES.values())),
                                metadata={"description": "IATI ActivityStatus code of `status`"})
    parent_id = fields.String(required=True, allow_none=True, metadata={
        "description": "the parent programme (e.g. the Joint Work Programme of a project); its results "
                       "roll up to the parent, each counted once"})
    themes = fields.List(fields.String(), required=True, metadata={"description": "plan theme codes"})
    countries = fields.List(fields.String(validate=country_code), required=True,
                            metadata={"description": "ISO 3166-1 alpha-2 recipient countries"})
    cities = fields.List(fields.Nested(ProgrammeCitySchema), required=True)
    sdg_goals = fields.List(fields.String(), required=True, metadata={"description": "UNSDG-Goals codes"})
    sdg_targets = fields.List(fields.String(), required=True, metadata={"description": "UNSDG-Targets codes"})
    sectors = fields.List(fields.Nested(SectorSchema), required=True)
    policy_markers = fields.List(fields.Nested(PolicyMarkerSchema), required=True)
    participating_orgs = fields.List(fields.Nested(ParticipatingOrgSchema), required=True)
    budget = fields.Nested(MoneySchema, required=True, allow_none=True)
    dates = fields.Nested(DatesSchema, required=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata={
        "description": "1 at creation, +1 at every change of the programme"})
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)


class ProgrammeChangesSchema(StrictSchema):
    """The values before the change, of the changed fields only."""
    title = fields.String()
    description = fields.String(allow_none=True)
    funding_window = fields.String(validate=validate.OneOf(WINDOWS))
    instrument = fields.String(validate=validate.OneOf(INSTRUMENTS))
    parent_id = fields.String(allow_none=True)
    themes = fields.List(fields.String())
    countries = fields.List(fields.String(validate=country_code))
    sdg_goals = fields.List(fields.String())
    sdg_targets = fields.List(fields.String())
    sectors = fields.List(fields.Nested(SectorSchema))
    policy_markers = fields.List(fields.Nested(PolicyMarkerSchema))
    participating_orgs = fields.List(fields.Nested(ParticipatingOrgSchema))
    budget = fields.Nested(MoneySchema, allow_none=True)
    dates = fields.Nested(DatesSchema)


@contract
class ProgrammeCreatedV1(StrictSchema):
    """Superseded by v2 (no longer emitted); kept so that events already queued still load."""
    event_type, version, producer = "programme.created", 1, "programmes"

    programme_id = fields.String(required=True, metadata={"description": "platform id of the programme"})
    title = fields.String(required=True)
    funding_window = fields.String(required=True, validate=validate.OneOf(WINDOWS))
    themes = fields.List(fields.String(), required=True, metadata={"description": "plan theme codes"})
    countries = fields.List(fields.String(validate=country_code), required=True,
                            metadata={"description": "ISO 3166-1 alpha-2 recipient countries"})
    cities = fields.List(fields.Nested(CitySchema), required=True)
    created_at = UTCDateTime(required=True)


@contract
class ProgrammeCreatedV2(ProgrammeStateSchema):
    """A programme entered the portfolio (status `pipeline`, version 1). Carries the whole programme."""
    event_type, version, producer = "programme.created", 2, "programmes"


@contract
class ProgrammeUpdatedV1(ProgrammeStateSchema):
    """Fields of a programme were changed (not its status, not its cities: see `programme.status_changed`
    and `programme.city_added`). Carries the whole programme after the change, the names of the changed
    fields and their values before."""
    event_type, version, producer = "programme.updated", 1, "programmes"

    changed = fields.List(fields.String(), required=True, validate=validate.Length(min=1),
                          metadata={"description": "names of the fields that changed"})
    previous = fields.Nested(ProgrammeChangesSchema, required=True,
                             metadata={"description": "the changed fields' values before the change"})


@contract
class ProgrammeStatusChangedV1(ProgrammeStateSchema):
    """A programme moved along its lifecycle (IATI ActivityStatus): pipeline → implementation →
    finalisation → closed, or to/from suspended, or to cancelled. `status` is the new status."""
    event_type, version, producer = "programme.status_changed", 1, "programmes"

    previous_status = fields.String(required=True, validate=validate.OneOf(tuple(ACTIVITY_STATUSES)))
    previous_status_code = fields.String(required=True, validate=validate.OneOf(tuple(ACTIVITY_STATUSES.values())))
    reason = fields.String(required=True, allow_none=True)


@contract
class ProgrammeCityAddedV1(ProgrammeStateSchema):
    """A programme started working in a city (the city is also in `cities`)."""
    event_type, version, producer = "programme.city_added", 1, "programmes"

    city = fields.Nested(ProgrammeCitySchema, required=True)


# --- indicators and results -----------------------------------------------------------

class _ProgrammeRef(StrictSchema):
    programme_id = fields.String(required=True)
    iati_identifier = fields.String(required=True)
    parent_id = fields.String(required=True, allow_none=True, metadata={
        "description": "the programme's parent: roll results up to it, never count them twice"})
    reporting_org_ref = fields.String(required=True, metadata={"description": "the programme's reporting "
                                                                              "organisation (IATI identifier)"})


@contract
class IndicatorDefinedV1(_ProgrammeRef):
    """A programme defined an indicator of its results framework, or changed one (then `previous` is
    its definition before)."""
    event_type, version, producer = "indicator.defined", 1, "programmes"

    indicator = fields.Nested(IndicatorSchema, required=True)
    previous = fields.Nested(IndicatorSchema, required=True, allow_none=True)
    defined_at = UTCDateTime(required=True)


class _ResultEvent(_ProgrammeRef):
    result_id = fields.String(required=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata={
        "description": "version of the result's value: 1 first, +1 for every correction"})
    indicator = fields.Nested(ResultIndicatorSchema, required=True)
    city = fields.Nested(CityRefSchema, required=True)
    period = fields.Nested(PeriodSchema, required=True)
    value = DecimalString(required=True, validate=_non_negative, metadata={"description": "the value of this "
                                                                                          "version"})
    disaggregations = fields.Nested(DisaggregationsSchema, required=True)


@contract
class ResultSubmittedV1(_ResultEvent):
    """A result value was submitted for review. Nothing counts yet. For a correction of an approved
    value, `replaces_version` is the approved version it would replace (which still counts meanwhile)."""
    event_type, version, producer = "result.submitted", 1, "programmes"

    replaces_version = fields.Integer(required=True, allow_none=True, strict=True)
    submitted_at = UTCDateTime(required=True)


@contract
class ResultReturnedV1(_ResultEvent):
    """A submitted value was returned for revision with a comment. Nothing counts; an earlier approved
    version (if any) still does."""
    event_type, version, producer = "result.returned", 1, "programmes"

    comment = fields.String(required=True)
    returned_at = UTCDateTime(required=True)


@contract
class ResultApprovedV1(_ResultEvent):
    """A result's first value was approved: from now on it counts towards the objective (corporate
    indicators) and rolls up to the parent programme."""
    event_type, version, producer = "result.approved", 1, "programmes"

    approved_at = UTCDateTime(required=True)


@contract
class ResultRevisedV1(_ResultEvent):
    """A correction of an approved value was approved: `value` (version `version`) REPLACES `previous`
    for this `result_id`. Subtract the previous value, add the new one; never add both."""
    event_type, version, producer = "result.revised", 1, "programmes"

    previous = fields.Nested(ApprovedValueSchema, required=True)
    comment = fields.String(required=True, allow_none=True, metadata={"description": "why it was corrected"})
    revised_at = UTCDateTime(required=True)


@contract
class ResultRecordedV1(StrictSchema):
    """Deprecated: no longer emitted (results now go through review: `result.approved`,
    `result.revised`). Kept so that events already queued still load; consumers count one as an
    approved version 1."""
    event_type, version, producer = "result.recorded", 1, "programmes"

    result_id = fields.String(required=True)
    programme_id = fields.String(required=True)
    indicator = fields.String(required=True, metadata={"description": "corporate indicator code"})
    city = fields.Nested(CitySchema, required=True)
    value = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    recorded_at = UTCDateTime(required=True)



# --- examples (one valid payload per event type, used by the contract tests) ---------

def _examples() -> dict:
    from datetime import date, datetime, timezone
    from decimal import Decimal
    at = datetime(2020, 5, 1, 9, 30, tzinfo=timezone.utc)
    jinja = {"id": "c-1", "name": "Jinja", "country": "UG", "population": 300000, "secondary_city": True,
             "latitude": Decimal("0.4244"), "longitude": Decimal("33.2042")}
    state = {
        "programme_id": "p-1", "iati_identifier": "XM-EXAMPLE-1-UG-001", "title": "Secondary cities of Uganda",
        "description": None,
        "reporting_org": {"ref": "XM-EXAMPLE-1", "name": "Example partner", "type": "40"},
        "funding_window": "country_city", "instrument": "country_programme", "status": "pipeline",
        "status_code": "1", "parent_id": None, "themes": ["gender_equality"], "countries": ["UG"],
        "cities": [jinja], "sdg_goals": ["11"], "sdg_targets": ["11.1"],
        "sectors": [{"code": "43030", "percentage": Decimal("100")}],
        "policy_markers": [{"code": "1", "significance": 2}],
        "participating_orgs": [{"ref": None, "name": "Jinja City Council", "role": "implementing", "type": "11"}],
        "budget": {"amount": Decimal("2500000.00"), "currency": "USD"},
        "dates": {"planned_start": date(2019, 1, 1), "planned_end": date(2021, 12, 31), "actual_start": None,
                  "actual_end": None},
        "version": 1, "created_at": at, "updated_at": at,
    }
    ref = {"programme_id": "p-1", "iati_identifier": "XM-EXAMPLE-1-UG-001", "parent_id": "p-0",
           "reporting_org_ref": "XM-EXAMPLE-1"}
    indicator = {"code": "people_reached", "title": "Urban poor whose lives improved", "corporate": True,
                 "measure": "unit", "reach": "direct", "ascending": True}
    result = {**ref, "result_id": "r-1", "version": 1, "indicator": indicator,
              "city": {"id": "c-1", "name": "Jinja", "country": "UG"},
              "period": {"start": date(2020, 1, 1), "end": date(2020, 6, 30)}, "value": Decimal("1200"),
              "disaggregations": {"sex": {"female": Decimal("700"), "male": Decimal("500")}}}
    return {
        "programme.created": state,
        "programme.updated": {**state, "title": "Secondary cities of Uganda and Kenya", "version": 2,
                              "changed": ["title"], "previous": {"title": "Secondary cities of Uganda"}},
        "programme.status_changed": {**state, "status": "implementation", "status_code": "2", "version": 2,
                                     "previous_status": "pipeline", "previous_status_code": "1",
                                     "reason": None},
        "programme.city_added": {**state, "version": 2, "city": jinja},
        "indicator.defined": {**ref, "indicator": {
            **indicator, "sdg_indicator": "11.1.1", "baseline": {"value": Decimal("0"), "year": 2019},
            "targets": [{"period": {"start": date(2020, 1, 1), "end": date(2020, 12, 31)},
                         "value": Decimal("5000")}]}, "previous": None, "defined_at": at},
        "result.submitted": {**result, "replaces_version": None, "submitted_at": at},
        "result.returned": {**result, "comment": "Sex parts missing for Jinja", "returned_at": at},
        "result.approved": {**result, "approved_at": at},
        "result.revised": {**result, "version": 2, "value": Decimal("1100"),
                           "disaggregations": {"sex": {"female": Decimal("650"), "male": Decimal("450")}},
                           "previous": {"version": 1, "value": Decimal("1200"),
                                        "disaggregations": {"sex": {"female": Decimal("700"),
                                                                    "male": Decimal("500")}},
                                        "approved_at": at},
                           "comment": "double-counted a ward", "revised_at": at},
        "result.recorded": {"result_id": "r-1", "programme_id": "p-1", "indicator": "people_reached",
                            "city": {"name": "Jinja", "country": "UG"}, "value": 1200, "recorded_at": at},
    }


EXAMPLES = _examples()
