"""Codes and pieces shared by the contracts of the programmes service's events."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.events.fields import DecimalString, IndicatorValue
from shared.events.schemas import StrictSchema, country_code
from shared.rollup import REPORTING
from shared.rollup import RULES as ROLLUPS

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
# What an indicator's values are (shared.rollup.KINDS) and their IATI IndicatorMeasure codes.
KIND_CODES = {"unit": "1", "percentage": "2", "qualitative": "5"}
REACH = ("direct", "indirect")
RESULT_STATUSES = ("draft", "submitted", "returned", "endorsed", "approved")

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


class TransactionOrgSchema(StrictSchema):
    ref = fields.String(required=True, allow_none=True)
    name = fields.String(required=True, allow_none=True)


class ReportedTransactionSchema(StrictSchema):
    """A transaction as an imported IATI file reported it (kept to be written back on export)."""
    type = fields.String(required=True, metadata={"description": "IATI TransactionType code"})
    date = fields.String(required=True, metadata={"description": "transaction-date/@iso-date, YYYY-MM-DD"})
    amount = fields.String(required=True, metadata={"description": "value, a Decimal string"})
    currency = fields.String(required=True)
    value_date = fields.String(required=True, allow_none=True)
    ref = fields.String(required=True, allow_none=True)
    description = fields.String(required=True, allow_none=True)
    provider = fields.Nested(TransactionOrgSchema, required=True, allow_none=True)
    receiver = fields.Nested(TransactionOrgSchema, required=True, allow_none=True)


class DatesSchema(StrictSchema):
    planned_start = fields.Date(required=True, allow_none=True)
    planned_end = fields.Date(required=True, allow_none=True)
    actual_start = fields.Date(required=True, allow_none=True)
    actual_end = fields.Date(required=True, allow_none=True)


class PeriodSchema(StrictSchema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _end_after_start(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "start" in data and "end" in data and data["end"] < data["start"]:
            raise ValidationError("must not be before the start", "end")


class SexSchema(StrictSchema):
    female = IndicatorValue()
    male = IndicatorValue()
    unknown = IndicatorValue()


class AgeGroupSchema(StrictSchema):
    age_0_14 = IndicatorValue()
    age_15_24 = IndicatorValue()
    age_25_64 = IndicatorValue()
    age_65_plus = IndicatorValue()
    unknown = IndicatorValue()


class MigrantStatusSchema(StrictSchema):
    migrant = IndicatorValue()
    non_migrant = IndicatorValue()
    unknown = IndicatorValue()


class ReachSchema(StrictSchema):
    """People reached directly and indirectly (IATI dimension `reach`); only on indicators
    counted in people. The part of the value not split counts as the indicator's `reach`."""
    direct = IndicatorValue()
    indirect = IndicatorValue()


class DisaggregationsSchema(StrictSchema):
    """Parts of a value by dimension; only the parts given are present. For a `unit`
    measure the parts of one dimension never exceed the value, and add up to it when
    every part of the dimension is given."""
    sex = fields.Nested(SexSchema)
    age = fields.Nested(AgeGroupSchema)
    migrant_status = fields.Nested(MigrantStatusSchema)
    reach = fields.Nested(ReachSchema)



class SemanticsFields(StrictSchema):
    """What an indicator's values mean and how they roll up (shared.rollup); absent in events
    from before they existed, which meant `kind` = measure, per_period, sum."""
    kind = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(tuple(KIND_CODES)),
                         metadata={"description": "unit, percentage or qualitative (a score; its `measure` says "
                                                  "unit); absent: the same as `measure`"})
    reporting = fields.String(load_default="per_period", validate=validate.OneOf(REPORTING), metadata={
        "description": "per_period: a value is what happened in its period; cumulative: everything so far "
                       "(never added across periods)"})
    rollup = fields.String(load_default="sum", validate=validate.OneOf(ROLLUPS),
                           metadata={"description": "how values of several cities and programmes combine"})


class ProgrammeRefSchema(StrictSchema):
    """What every indicator and result event says of its programme."""
    programme_id = fields.String(required=True)
    iati_identifier = fields.String(required=True)
    parent_id = fields.String(required=True, allow_none=True, metadata={
        "description": "the programme's parent: roll results up to it, never count them twice"})
    reporting_org_ref = fields.String(required=True, metadata={"description": "the programme's reporting "
                                                                              "organisation (IATI identifier)"})
