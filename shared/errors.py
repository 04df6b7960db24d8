"""Domain errors that cross the RPC boundary intact.

Services raise these; nameko serialises them with their args, and because they
are registered with `deserialize_to_instance`, the gateway receives instances
of the same classes and maps them to HTTP by class hierarchy (isinstance), so a
subclass added here later (and decorated with `@deserialize_to_instance` too) is
mapped without touching the gateway's error map."""
from collections.abc import Sequence, Set
from typing import Any

from marshmallow import Schema, ValidationError
from nameko.exceptions import deserialize_to_instance


@deserialize_to_instance
class PlatformError(Exception):
    """Base of every expected, client-caused error.

    `args` must equal the constructor's arguments: nameko rebuilds the
    exception on the caller's side as `cls(*args)`."""

    title = "Request failed"

    @property
    def detail(self) -> str:
        return str(self.args[0]) if self.args else self.title


@deserialize_to_instance
class InvalidInput(PlatformError):
    """Bad input. `errors` maps each bad field (dotted path) to a list of reasons."""

    title = "Invalid input"

    def __init__(self, errors: dict[str, list[str]], message: str = "The request has invalid fields."):
        super().__init__(errors, message)
        self.errors, self.message = errors, message

    @property
    def detail(self) -> str:
        return self.message

    def __str__(self) -> str:
        return f"{self.message} {self.errors}"


def unknown_reference(field: str, what: str, identifier: object) -> InvalidInput:
    """A request names an object that does not exist or that the caller may not reference:
    one answer for both, so another organisation's ids cannot be probed (docs/security.md, API1)."""
    return InvalidInput({field: [f"no {what} with id {identifier!r}"]})


@deserialize_to_instance
class NotFound(PlatformError):
    title = "Not found"

    def __init__(self, resource: str, identifier: str):
        super().__init__(resource, identifier)
        self.resource, self.identifier = resource, identifier

    @property
    def detail(self) -> str:
        return f"{self.resource} {self.identifier!r} does not exist"


@deserialize_to_instance
class Conflict(PlatformError):
    """The request conflicts with the current state, e.g. a forbidden transition;
    `allowed` lists what the current state permits."""

    title = "Conflict"

    def __init__(self, message: str, allowed: Sequence[str] | None = None):
        super().__init__(message, allowed or [])
        self.allowed = allowed or []

    @property
    def detail(self) -> str:
        allowed = f" (allowed: {', '.join(map(str, self.allowed))})" if self.allowed else ""
        return f"{self.args[0]}{allowed}"


@deserialize_to_instance
class PeriodLocked(Conflict):
    """An entry into a reporting period that takes none (its lock named in the message): a
    409 problem of its own kind (`period-locked`), so a client can tell it from other conflicts."""

    title = "Reporting period locked"


@deserialize_to_instance
class Forbidden(PlatformError):
    """The caller is known but not allowed to do this."""

    title = "Forbidden"


@deserialize_to_instance
class SeparationOfDuties(Forbidden):
    """Four eyes (DHIS2's separation of duties): the key that submitted a version, or approved it
    at the first level, may not approve it (again); a 403 problem of its own kind
    (`separation-of-duties`), admins included, naming the rule."""

    title = "Separation of duties"


@deserialize_to_instance
class ServiceUnavailable(PlatformError):
    title = "Service unavailable"


@deserialize_to_instance
class DeadlineExceeded(PlatformError):
    title = "Deadline exceeded"


def flatten_messages(messages: object, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested error dict -> {"cities.0.country": ["..."]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "_schema"
            for k, v in flatten_messages(value, path).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            for k, v in flatten_messages(value, f"{prefix}.{i}" if prefix else str(i)).items():
                flat.setdefault(k, []).extend(v)
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def validate(schema: Schema, data: object, *, partial: bool | Sequence[str] | Set[str] = False) -> Any:
    """Load `data` with a marshmallow schema, raising InvalidInput with flat field paths."""
    if not isinstance(data, dict):
        raise InvalidInput({"_schema": ["the body must be a JSON object"]})
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise InvalidInput(flatten_messages(exc.messages)) from None
