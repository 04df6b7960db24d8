"""Request and response schemas of the grants service: all public, so they live in
shared.api.grants (one source of truth for the service and the gateway's OpenAPI)."""
from shared.api.grants import *  # noqa: F401,F403
