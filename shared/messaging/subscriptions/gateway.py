"""Events the gateway service consumes."""
CONSUMER = "gateway"
EVENT_TYPES: list[str] = []
