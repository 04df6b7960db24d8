"""Events the metrics service consumes."""
CONSUMER = "metrics"
EVENT_TYPES = [
    "programme.created",
    "result.recorded",   # deprecated, no longer produced; kept for events already queued
    "result.approved",
    "result.revised",
    "grant.awarded",     # deprecated, no longer produced; kept for events already queued
    "grant.committed",
]
