"""What the route and consumer mixins use of the service they are combined into (service.py)."""
from typing import Any

from gateway.dependencies import State


class Routes:
    state: State
    programmes: Any
    grants: Any
    metrics: Any
