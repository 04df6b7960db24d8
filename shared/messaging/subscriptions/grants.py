"""Events the grants service consumes."""
CONSUMER = "grants"
EVENT_TYPES: list[str] = []
