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
import copy

from marshmallow import fields, validate

from shared.events.contracts.programmes.pieces import (
    ACTIVITY_STATUSES,
    INSTRUMENTS,
    WINDOWS,
    DatesSchema,
    OrganisationSchema,
    ParticipatingOrgSchema,
    PolicyMarkerSchema,
    ProgrammeCitySchema,
    ReportedTransactionSchema,
    SectorSchema,
)
from shared.events.contracts.registry import contract
from shared.events.fields import UTCDateTime
from shared.events.schemas import CitySchema, MoneySchema, StrictSchema, country_code

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
    reported_transactions = fields.List(fields.Nested(ReportedTransactionSchema), metadata={
        "description": "transactions reported in an imported IATI file (optional: older events lack it)"})
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata={
        "description": "1 at creation, +1 at every change of the programme"})
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)


# Fields of the state a client never writes: every other one may change with `programme.updated`.
FIXED_FIELDS = ("programme_id", "iati_identifier", "reporting_org", "status", "status_code", "cities", "version",
                "created_at", "updated_at")


def _optional(field: fields.Field) -> fields.Field:
    field = copy.deepcopy(field)
    field.required, field.metadata = False, {}
    return field


ProgrammeChangesSchema = StrictSchema.from_dict(
    {name: _optional(field) for name, field in ProgrammeStateSchema().declared_fields.items()
     if name not in FIXED_FIELDS}, name="ProgrammeChangesSchema")
ProgrammeChangesSchema.__doc__ = "The values before the change, of the changed fields only."


@contract("programme.created", 1, producer="programmes")
class ProgrammeCreatedV1(StrictSchema):
    """Superseded by v2 (no longer emitted); kept so that events already queued still load."""

    programme_id = fields.String(required=True, metadata={"description": "platform id of the programme"})
    title = fields.String(required=True)
    funding_window = fields.String(required=True, validate=validate.OneOf(WINDOWS))
    themes = fields.List(fields.String(), required=True, metadata={"description": "plan theme codes"})
    countries = fields.List(fields.String(validate=country_code), required=True,
                            metadata={"description": "ISO 3166-1 alpha-2 recipient countries"})
    cities = fields.List(fields.Nested(CitySchema), required=True)
    created_at = UTCDateTime(required=True)


@contract("programme.created", 2, producer="programmes")
class ProgrammeCreatedV2(ProgrammeStateSchema):
    """A programme entered the portfolio (status `pipeline`, version 1). Carries the whole programme."""


@contract("programme.updated", 1, producer="programmes")
class ProgrammeUpdatedV1(ProgrammeStateSchema):
    """Fields of a programme were changed (not its status, not its cities: see `programme.status_changed`
    and `programme.city_added`). Carries the whole programme after the change, the names of the changed
    fields and their values before."""

    changed = fields.List(fields.String(), required=True, validate=validate.Length(min=1),
                          metadata={"description": "names of the fields that changed"})
    previous = fields.Nested(ProgrammeChangesSchema, required=True,
                             metadata={"description": "the changed fields' values before the change"})


@contract("programme.status_changed", 1, producer="programmes")
class ProgrammeStatusChangedV1(ProgrammeStateSchema):
    """A programme moved along its lifecycle (IATI ActivityStatus): pipeline → implementation →
    finalisation → closed, or to/from suspended, or to cancelled. `status` is the new status."""

    previous_status = fields.String(required=True, validate=validate.OneOf(tuple(ACTIVITY_STATUSES)))
    previous_status_code = fields.String(required=True, validate=validate.OneOf(tuple(ACTIVITY_STATUSES.values())))
    reason = fields.String(required=True, allow_none=True)


@contract("programme.city_added", 1, producer="programmes")
class ProgrammeCityAddedV1(ProgrammeStateSchema):
    """A programme started working in a city (the city is also in `cities`)."""

    city = fields.Nested(ProgrammeCitySchema, required=True)
