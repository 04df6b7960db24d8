"""Contracts of the events the programmes service produces, one module per aggregate
(programme, indicator, result); what the events mean for a consumer is in programme.py's
docstring (docs/events.md shows it). Importing this package registers them all."""
from shared.events.contracts.programmes.examples import EXAMPLES
from shared.events.contracts.programmes.indicator import (
    BaselineSchema,
    IndicatorDefinedV1,
    IndicatorSchema,
    TargetSchema,
)
from shared.events.contracts.programmes.pieces import (
    ACTIVITY_STATUSES,
    INSTRUMENTS,
    KIND_CODES,
    MEASURES,
    ORGANISATION_ROLES,
    REACH,
    RESULT_STATUSES,
    WINDOWS,
    AgeGroupSchema,
    CityRefSchema,
    DatesSchema,
    DisaggregationsSchema,
    MigrantStatusSchema,
    OrganisationSchema,
    ParticipatingOrgSchema,
    PeriodSchema,
    PolicyMarkerSchema,
    ProgrammeCitySchema,
    ProgrammeRefSchema,
    ReachSchema,
    SectorSchema,
    SexSchema,
)
from shared.events.contracts.programmes.programme import (
    ProgrammeChangesSchema,
    ProgrammeCityAddedV1,
    ProgrammeCreatedV1,
    ProgrammeCreatedV2,
    ProgrammeStateSchema,
    ProgrammeStatusChangedV1,
    ProgrammeUpdatedV1,
)
from shared.events.contracts.programmes.report_schedule import (
    ProgrammeReportOverdueV1,
    ProgrammeReportReminderDueV1,
)
from shared.events.contracts.programmes.reporting import (
    NARRATIVE_CHANGES,
    NarrativeAttachmentSchema,
    NarrativeUpdatedV1,
    PeriodReopenedV1,
)
from shared.events.contracts.programmes.result import (
    ApprovedValueSchema,
    ResultApprovedFirstLevelV1,
    ResultApprovedV1,
    ResultIndicatorSchema,
    ResultRecordedV1,
    ResultReturnedV1,
    ResultRevisedV1,
    ResultSubmittedV1,
)
from shared.events.contracts.programmes.upcasters import programme_created_v1

__all__ = [
    "ACTIVITY_STATUSES", "AgeGroupSchema", "ApprovedValueSchema", "BaselineSchema", "CityRefSchema", "DatesSchema",
    "DisaggregationsSchema", "EXAMPLES", "INSTRUMENTS", "IndicatorDefinedV1", "IndicatorSchema", "KIND_CODES",
    "MEASURES", "MigrantStatusSchema", "NARRATIVE_CHANGES", "NarrativeAttachmentSchema", "NarrativeUpdatedV1",
    "ORGANISATION_ROLES", "OrganisationSchema", "ParticipatingOrgSchema", "PeriodReopenedV1", "PeriodSchema",
    "PolicyMarkerSchema", "ProgrammeChangesSchema", "ProgrammeCityAddedV1", "ProgrammeCitySchema",
    "ProgrammeCreatedV1", "ProgrammeCreatedV2", "ProgrammeRefSchema", "ProgrammeReportOverdueV1",
    "ProgrammeReportReminderDueV1", "ProgrammeStateSchema", "ProgrammeStatusChangedV1", "ProgrammeUpdatedV1", "REACH",
    "RESULT_STATUSES", "ReachSchema", "ResultApprovedFirstLevelV1", "ResultApprovedV1", "ResultIndicatorSchema",
    "ResultRecordedV1", "ResultReturnedV1", "ResultRevisedV1", "ResultSubmittedV1", "SectorSchema", "SexSchema",
    "TargetSchema", "WINDOWS", "programme_created_v1",
]
