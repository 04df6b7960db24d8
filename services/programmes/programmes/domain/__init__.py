"""The programmes domain, free of frameworks and databases, one module per aggregate:
programmes (lifecycle, cities, hierarchy), cities, indicators and targets (the values they
allow), results (review workflow), totals (the roll-up by shared.rollup's rules). Aggregates
record the events they cause (shared.aggregate); rules that span fields raise InvalidInput
naming each bad field; forbidden moves raise Conflict listing what is allowed."""
from programmes.domain.cities import City, city_key, new_id
from programmes.domain.indicators import (
    DIMENSIONS,
    MEASURE_CODES,
    Indicator,
    define_indicator,
    indicator_value_errors,
    value_errors,
)
from programmes.domain.narratives import MAX_ATTACHMENTS, Narrative
from programmes.domain.periods import Reopening, ReportingRules, lock_date, period_state, require_open
from programmes.domain.programmes import (
    DEFINING_STATUSES,
    FIXED_FIELDS,
    MUTABLE_FIELDS,
    REPORTING_STATUSES,
    REVISION_STATUSES,
    ROLE_CODES,
    TRANSITIONS,
    Programme,
    check_parent,
    date_order_errors,
)
from programmes.domain.results import (
    NO_RATIO,
    RESULT_ACTIONS,
    Result,
    ResultVersion,
    disaggregation_errors,
)
from programmes.domain.schedules import DEFAULT_REMIND_DAYS, MAX_REMIND_DAYS, ScheduleItem
from programmes.domain.totals import Approved, roll_up
from shared.events.contracts.programmes import ACTIVITY_STATUSES

__all__ = [
    "ACTIVITY_STATUSES", "Approved", "City", "DEFAULT_REMIND_DAYS", "DEFINING_STATUSES", "DIMENSIONS",
    "FIXED_FIELDS", "Indicator", "MAX_ATTACHMENTS", "MAX_REMIND_DAYS", "MEASURE_CODES", "MUTABLE_FIELDS",
    "NO_RATIO", "Narrative", "Programme", "REPORTING_STATUSES", "RESULT_ACTIONS", "REVISION_STATUSES", "ROLE_CODES",
    "Reopening", "ReportingRules", "Result", "ResultVersion", "ScheduleItem", "TRANSITIONS", "check_parent",
    "city_key", "date_order_errors", "define_indicator", "disaggregation_errors", "indicator_value_errors",
    "lock_date", "new_id", "period_state", "require_open", "roll_up", "value_errors",
]
