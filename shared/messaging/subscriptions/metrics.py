"""Events the metrics service consumes."""
CONSUMER = "metrics"
EVENT_TYPES = [
    # programmes: the portfolio (attributes results to windows, themes, SDG goals, parents)
    "programme.created",
    "programme.updated",
    "programme.status_changed",
    "programme.city_added",
    # programmes: approved result values (a revision replaces the earlier value)
    "result.recorded",   # deprecated, no longer produced; kept for events already queued
    "result.approved",
    "result.revised",
    # grants: money (pooled, committed, disbursed, returned) and the pipeline of applications
    "fund.created",
    "contribution.received",
    "grant.awarded",     # deprecated, no longer produced; kept for events already queued
    "grant.committed",
    "tranche.disbursed",
    "grant.closed",
    "grant.cancelled",
    "application.submitted",
    "application.screened",
    "application.awarded",
    "application.rejected",
    "application.withdrawn",
]
