"""API of the portfolio: programmes.

A programme field is listed twice here, once in `_programme_fields` (what a client writes)
and once in ProgrammeOut (what it reads); every other layer maps it by name."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared import plan
from shared.api.programmes.city import (
    CityOut,
    ProgrammeCityIn,
)
from shared.api.programmes.indicator import (
    IndicatorIn,
    IndicatorOut,
)
from shared.api.programmes.pieces import (
    PageQuery,
    iati_identifier_format,
    in_codelist,
    in_plan,
    instrument_codes,
    policy_marker_code,
    significance_code,
    unique,
)
from shared.events.contracts.programmes import (
    ACTIVITY_STATUSES,
    ORGANISATION_ROLES,
)
from shared.events.contracts.programmes.pieces import ReportedTransactionSchema
from shared.events.fields import DecimalString, Text, UTCDateTime
from shared.events.schemas import MoneySchema, StrictSchema, country_code
from shared.reference import ORGANISATION_TYPES, SDG_GOALS, SDG_TARGETS, SECTORS


class OrganisationIn(StrictSchema):
    ref = Text(required=True, validate=[validate.Length(min=1, max=100), iati_identifier_format],
               metadata={"description": "IATI organisation identifier, e.g. `XM-DAC-41114`"})
    name = Text(required=True, validate=validate.Length(min=1, max=500))
    type = Text(load_default=None, allow_none=True,
                validate=in_codelist(ORGANISATION_TYPES, "IATI OrganisationType code"))


class ParticipatingOrgIn(StrictSchema):
    ref = Text(load_default=None, allow_none=True,
               validate=[validate.Length(min=1, max=100), iati_identifier_format])
    name = Text(required=True, validate=validate.Length(min=1, max=500))
    role = Text(required=True, validate=validate.OneOf(tuple(ORGANISATION_ROLES)),
                metadata={"description": "IATI OrganisationRole: funding, accountable, extending, "
                                                  "implementing"})
    type = Text(load_default=None, allow_none=True,
                validate=in_codelist(ORGANISATION_TYPES, "IATI OrganisationType code"))


class SectorIn(StrictSchema):
    code = Text(required=True, validate=in_codelist(SECTORS, "OECD DAC sector code"))
    percentage = DecimalString(load_default=None, allow_none=True, places=2,
                               validate=validate.Range(min=0, max=100, min_inclusive=False))


class PolicyMarkerIn(StrictSchema):
    code = Text(required=True, validate=policy_marker_code, metadata={
        "description": "IATI PolicyMarker: `1` gender equality, `6` climate mitigation, `7` climate adaptation"})
    significance = fields.Integer(required=True, strict=True, validate=significance_code)


class DatesIn(StrictSchema):
    planned_start = fields.Date(load_default=None, allow_none=True)
    planned_end = fields.Date(load_default=None, allow_none=True)
    actual_start = fields.Date(load_default=None, allow_none=True)
    actual_end = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def _ends_after_starts(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors = {}
        for kind in ("planned", "actual"):
            start, end = data.get(f"{kind}_start"), data.get(f"{kind}_end")
            if start and end and end < start:
                errors[f"{kind}_end"] = [f"must not be before {kind}_start ({start.isoformat()})"]
        if errors:
            raise ValidationError(errors)


def _programme_fields(required: bool) -> dict[str, fields.Field]:
    """The fields a client may write, shared by create (required ones required) and update."""
    req: dict[str, Any] = {"required": True} if required else {}
    opt: dict[str, Any] = {"load_default": None} if required else {}
    lst: dict[str, Any] = {"load_default": list} if required else {}
    obj: dict[str, Any] = {"load_default": dict} if required else {}
    return {
        "title": Text(validate=validate.Length(min=1, max=500), **req),
        "description": Text(multiline=True, allow_none=True, validate=validate.Length(max=20000), **opt),
        "funding_window": Text(validate=in_plan(plan.window_codes, "funding window"), **req),
        "instrument": Text(validate=in_plan(instrument_codes, "instrument"), **req, metadata={
            "description": "country_programme, technical_assistance, innovation_fund_project (country/city "
                           "window); regional_programme, joint_work_programme (global window)"}),
        "themes": fields.List(Text(validate=in_plan(plan.theme_codes, "theme")),
                              validate=[validate.Length(min=1, error="must name at least one theme"), unique],
                              **req),
        "countries": fields.List(Text(validate=country_code),
                                 validate=[validate.Length(min=1, error="must name at least one country"),
                                           unique], **req),
        "sdg_goals": fields.List(Text(validate=in_codelist(SDG_GOALS, "UN SDG goal")),
                                 validate=unique, **lst),
        "sdg_targets": fields.List(Text(validate=in_codelist(SDG_TARGETS, "UN SDG target")),
                                   validate=unique, **lst),
        "sectors": fields.List(fields.Nested(SectorIn), **lst),
        "policy_markers": fields.List(fields.Nested(PolicyMarkerIn), **lst),
        "participating_orgs": fields.List(fields.Nested(ParticipatingOrgIn), **lst),
        "budget": fields.Nested(MoneySchema, allow_none=True, **opt),
        "dates": fields.Nested(DatesIn, **obj),
        "parent_id": Text(allow_none=True, validate=validate.Length(min=1, max=36), **opt, metadata={
            "description": "the parent programme (a Joint Work Programme of this project); one level only"}),
    }


ProgrammeCreate = StrictSchema.from_dict({
    "iati_identifier": Text(required=True, validate=[validate.Length(min=3, max=200), iati_identifier_format],
                            metadata={"description": "the reporting organisation's identifier, `-`, "
                                                              "its own id for the activity; unique"}),
    "reporting_org": fields.Nested(OrganisationIn, required=True),
    **_programme_fields(required=True),
    "cities": fields.List(fields.Nested(ProgrammeCityIn), load_default=list),
    "indicators": fields.List(fields.Nested(IndicatorIn), load_default=list),
}, name="ProgrammeCreate")
ProgrammeCreate.__doc__ = "A new programme (status `pipeline`)."


ProgrammeCreate.__doc__ = "A new programme (status `pipeline`)."


class _ProgrammeUpdateBase(StrictSchema):
    @validates_schema(pass_original=True)
    def _something(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        if isinstance(original, dict) and not original:
            raise ValidationError("give at least one field to change")


ProgrammeUpdate = _ProgrammeUpdateBase.from_dict(_programme_fields(required=False), name="ProgrammeUpdate")
ProgrammeUpdate.__doc__ = ("Fields to change; others stay. Not here: the IATI identifier and reporting "
                           "organisation (fixed), status (POST .../status), cities (POST .../cities).")


ProgrammeUpdate.__doc__ = ("Fields to change; others stay. Not here: the IATI identifier and reporting "
                           "organisation (fixed), status (POST .../status), cities (POST .../cities).")


class StatusChange(StrictSchema):
    status = Text(required=True, validate=validate.OneOf(tuple(ACTIVITY_STATUSES)))
    reason = Text(multiline=True, load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ProgrammeListQuery(PageQuery):
    funding_window = Text(validate=in_plan(plan.window_codes, "funding window"))
    instrument = Text(validate=in_plan(instrument_codes, "instrument"))
    theme = Text(validate=in_plan(plan.theme_codes, "theme"))
    country = Text(validate=country_code)
    city = Text(validate=validate.Length(min=1, max=36), metadata={"description": "city id"})
    sdg_goal = Text(validate=in_codelist(SDG_GOALS, "UN SDG goal"))
    status = Text(validate=validate.OneOf(tuple(ACTIVITY_STATUSES)))
    organisation = Text(validate=validate.Length(min=1, max=100), metadata={
        "description": "IATI identifier of the reporting or a participating organisation"})
    parent_id = Text(validate=validate.Length(min=1, max=36))
    q = Text(validate=validate.Length(min=2, max=100),
             metadata={"description": "text in the title (case-insensitive)"})


class OrganisationOut(StrictSchema):
    ref = Text()
    name = Text()
    type = Text(allow_none=True)


class ParticipatingOrgOut(OrganisationOut):
    role = Text()
    role_code = Text(metadata={"description": "IATI OrganisationRole code"})


class SectorOut(StrictSchema):
    code = Text()
    percentage = DecimalString(allow_none=True)


class PolicyMarkerOut(StrictSchema):
    code = Text()
    significance = fields.Integer()


class DatesOut(StrictSchema):
    planned_start = fields.Date(allow_none=True)
    planned_end = fields.Date(allow_none=True)
    actual_start = fields.Date(allow_none=True)
    actual_end = fields.Date(allow_none=True)


class MoneyOut(StrictSchema):
    amount = DecimalString()
    currency = Text()


class ProgrammeRefOut(StrictSchema):
    id = Text()
    iati_identifier = Text()
    title = Text()


class ProgrammeOut(StrictSchema):
    id = Text()
    iati_identifier = Text()
    title = Text()
    description = Text(allow_none=True)
    reporting_org = fields.Nested(OrganisationOut)
    funding_window = Text()
    instrument = Text()
    status = Text()
    status_code = Text(metadata={"description": "IATI ActivityStatus code"})
    allowed_statuses = fields.List(Text(), metadata={"description": "where the status may go next"})
    parent_id = Text(allow_none=True)
    themes = fields.List(Text())
    countries = fields.List(Text())
    cities = fields.List(fields.Nested(CityOut))
    sdg_goals = fields.List(Text())
    sdg_targets = fields.List(Text())
    sectors = fields.List(fields.Nested(SectorOut))
    policy_markers = fields.List(fields.Nested(PolicyMarkerOut))
    participating_orgs = fields.List(fields.Nested(ParticipatingOrgOut))
    budget = fields.Nested(MoneyOut, allow_none=True)
    dates = fields.Nested(DatesOut)
    reported_transactions = fields.List(fields.Nested(ReportedTransactionSchema), metadata={
        "description": "transactions reported in an imported IATI file, written back on export"})
    version = fields.Integer()
    created_at = UTCDateTime()
    updated_at = UTCDateTime()
    # GET /v1/programmes/{id} only:
    indicators = fields.List(fields.Nested(IndicatorOut))
    children = fields.List(fields.Nested(ProgrammeRefOut))


class ProgrammePage(StrictSchema):
    items = fields.List(fields.Nested(ProgrammeOut))
    next_cursor = Text(allow_none=True)
    next = Text(allow_none=True, metadata={"description": "URL of the next page (gateway)"})


