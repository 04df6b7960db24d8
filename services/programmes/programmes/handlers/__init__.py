"""Use cases of the programmes service, one module per aggregate: plain functions of a unit
of work, the request's data and an Actor (shared.actors; who may do what: access.py). They
validate input with the shared API schemas, ask the domain to decide, store through the
repositories and answer views (views.py); the aggregates record their own events, which
the unit of work writes to the outbox at commit."""
from programmes.handlers.cities import add_programme_city, create_city, get_city, list_cities
from programmes.handlers.import_staging import discard_import, stage_activities
from programmes.handlers.imports import import_activities
from programmes.handlers.indicators import define_indicator, list_indicators, update_indicator
from programmes.handlers.narratives import (
    attach_file,
    attachment_of,
    get_narrative,
    list_narratives,
    programme_report,
    remove_attachment,
    write_narrative,
)
from programmes.handlers.periods import period_state, reopen_period
from programmes.handlers.programmes import (
    change_status,
    create_programme,
    get_programme,
    list_programmes,
    programme_totals,
    update_programme,
)
from programmes.handlers.result_imports import import_results
from programmes.handlers.results import (
    approve_result,
    create_result,
    get_result,
    list_results,
    return_result,
    revise_result,
    submit_result,
    update_result,
)
from programmes.handlers.schedules import (
    approve_scheduled_report,
    get_report_schedule,
    schedule_reports,
    submit_scheduled_report,
    sweep_schedules,
)

__all__ = [
    "add_programme_city", "approve_result", "approve_scheduled_report", "attach_file", "attachment_of",
    "change_status", "create_city",
    "create_programme", "create_result", "define_indicator", "discard_import", "get_city", "get_narrative",
    "get_programme", "get_report_schedule", "get_result", "import_activities", "import_results", "list_cities",
    "list_indicators", "list_narratives", "list_programmes", "list_results", "period_state", "programme_report",
    "programme_totals", "remove_attachment", "reopen_period", "return_result", "revise_result", "schedule_reports",
    "stage_activities", "submit_result", "submit_scheduled_report", "sweep_schedules", "update_indicator",
    "update_programme", "update_result", "write_narrative",
]
