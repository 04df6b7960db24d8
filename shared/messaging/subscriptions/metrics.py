"""Events the metrics service consumes."""
CONSUMER = "metrics"
EVENT_TYPES = [
    "programme.created",
    "result.recorded",
    "grant.awarded",
]
