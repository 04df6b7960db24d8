"""Valid values for the request fields whose codelist or format the OpenAPI document does not
state (ISO currencies and countries, IATI organisation types, the plan's windows and themes,
decimals written as strings), as schemathesis dictionaries bound to each operation's body
fields. Without them almost every generated create is refused (422), so the stateful phase
never gets an id to follow. Read from the routes' marshmallow schemas, as the server validates.

Positive cases take a dictionary value most of the time; negative cases never do (schemathesis
keeps only values that break the field's schema for them, and these all match it)."""
import json
from collections.abc import Callable, Iterator

from marshmallow import Schema, fields

from shared.events.fields import Currency, DecimalString
from shared.events.schemas import country_code
from shared.reference import COUNTRIES, CURRENCIES, ORGANISATION_TYPES

DECIMALS = ("1", "0.5", "2.25", "10", "100.00", "1250.50", "75000.00")
PROBABILITY = 0.9
# Validators whose codes are module constants (the plan's come from the function they close over).
KNOWN = {"country_code": ("countries", COUNTRIES), "organisation_type": ("organisation_types", ORGANISATION_TYPES)}


def _codes(field: fields.Field) -> tuple[str, list[str]] | None:
    """(dictionary name, values) of the field's codelist or format, None when it has neither."""
    if isinstance(field, Currency):
        return "currencies", sorted(CURRENCIES)
    if isinstance(field, DecimalString):
        return "decimals", list(DECIMALS)
    for validator in field.validators:
        if validator is country_code or getattr(validator, "__name__", "") in KNOWN:
            name, codes = KNOWN[getattr(validator, "__name__", "country_code")]
            return name, sorted(codes)
        # one_of(codes_fn, what) / in_plan(codes_fn, what): the codes the check reads
        source: Callable | None = next((cell.cell_contents for cell in getattr(validator, "__closure__", None) or ()
                                        if callable(cell.cell_contents)), None)
        if source is not None and getattr(source, "__name__", "").endswith("_codes"):
            return source.__name__, sorted(str(code) for code in source())
    return None


def _fields(schema: Schema, prefix: str, depth: int = 0) -> Iterator[tuple[str, fields.Field]]:
    for name, field in schema.fields.items():
        path = f"{prefix}.{field.data_key or name}"
        while isinstance(field, fields.List):
            path, field = path + "[*]", field.inner
        if isinstance(field, fields.Nested) and not isinstance(field, DecimalString) and depth < 4:
            yield from _fields(field.schema, path, depth + 1)
        else:
            yield path, field


def bindings(routes: list[tuple[str, str, type[Schema]]]) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """From (operationId, method, body schema): the dictionaries, and each operation's body path ->
    dictionary name."""
    dictionaries: dict[str, list[str]] = {}
    by_operation: dict[str, dict[str, str]] = {}
    for operation_id, _, body in routes:
        for path, field in _fields(body(), "body"):
            found = _codes(field)
            if found:
                dictionaries[found[0]] = found[1]
                by_operation.setdefault(operation_id, {})[path] = found[0]
    return dictionaries, by_operation


def gateway_routes() -> list[tuple[str, str, type[Schema]]]:
    from gateway.openapi import routes_of
    from gateway.service import GatewayService
    found = []
    for name, route in routes_of(GatewayService):
        for method in route.method.split(","):
            if route.body_schema is not None and method in ("POST", "PUT", "PATCH"):
                found.append((name if "," not in route.method else f"{name}_{method.lower()}", method,
                              route.body_schema))
    return found


def toml() -> str:
    """The schemathesis configuration (TOML) binding them."""
    dictionaries, by_operation = bindings(gateway_routes())
    lines = []
    for name, values in sorted(dictionaries.items()):
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    for operation_id, paths in sorted(by_operation.items()):
        lines += ["[[operations]]", f"include-operation-id = {json.dumps(operation_id)}",
                  "[operations.parameters]"]
        lines += [f'{json.dumps(path)} = {{ dictionary = {json.dumps(name)}, probability = {PROBABILITY} }}'
                  for path, name in sorted(paths.items())]
        lines.append("")
    return "\n".join(lines)
