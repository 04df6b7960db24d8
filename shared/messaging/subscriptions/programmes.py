"""Events the programmes service consumes."""
CONSUMER = "programmes"
EVENT_TYPES: list[str] = []
