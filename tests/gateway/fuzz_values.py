"""Valid values for the request fields whose codelist or format the OpenAPI document does not
state (ISO currencies and countries, IATI organisation types, the plan's windows and themes,
decimals written as strings), as schemathesis dictionaries bound to each operation's body
fields. Without them almost every generated create is refused (422), so the stateful phase
never gets an id to follow. Read from the routes' marshmallow schemas, as the server validates.
(Webhook URLs get none: the server accepts only https hosts resolving to public addresses, and
a fuzz run must not send deliveries to the internet.)

Positive cases take a dictionary value most of the time; negative cases never do (schemathesis
keeps only values that break the field's schema for them, and these all match it)."""
import json
import re
from collections.abc import Callable, Collection, Iterator

from marshmallow import Schema, fields

from shared.events.fields import Currency, DecimalString
from shared.reference import ORGANISATION_TYPES, codelist

DECIMALS = ("1", "0.5", "2.25", "10", "100.00", "1250.50", "75000.00")
# Few currencies and countries, all valid, so fields that must agree (a fund's currency and its
# grant limits, an application's country and the fund's) often do.
CURRENCY_SAMPLE, COUNTRY_SAMPLE = ("EUR", "USD"), ("KE", "MW", "UG")
# The partner key's organisation is one of them: a partner reports its own programmes only.
PARTNER_ORGANISATION = "XM-FUZZ-PARTNER"
IATI_IDENTIFIERS = ("XM-DAC-41120", "XM-DAC-41120-FUZZ-1", "GB-GOV-1", PARTNER_ORGANISATION,
                    PARTNER_ORGANISATION + "-1")
PROBABILITY = 0.95
Values = list[str | int]
# Validators whose codes are module constants (the plan's and codelists' come from what they close over).
KNOWN = {"country_code": ("countries", COUNTRY_SAMPLE), "organisation_type": ("organisation_types", ORGANISATION_TYPES),
         "iati_identifier_format": ("iati_identifiers", IATI_IDENTIFIERS),
         "organisation_identifier_format": ("iati_identifiers", IATI_IDENTIFIERS),
         "key_organisation_format": ("iati_identifiers", IATI_IDENTIFIERS),
         "policy_marker_code": ("policy_markers", codelist("PolicyMarker")),
         "significance_code": ("policy_significances", codelist("PolicySignificance"))}


def _closed_over(validator: Callable) -> tuple[str, list[str]] | None:
    """one_of/in_plan(codes_fn, what) and in_codelist(codes, what): the codes the check reads."""
    cells = [cell.cell_contents for cell in getattr(validator, "__closure__", None) or ()]
    what = next((cell for cell in cells if isinstance(cell, str)), None)
    for cell in cells:
        codes = cell() if callable(cell) and getattr(cell, "__name__", "").endswith("_codes") else cell
        if what and isinstance(codes, Collection) and not isinstance(codes, str) and len(codes):
            return re.sub(r"\W+", "_", what.strip().lower()), sorted(str(code) for code in codes)
    return None


def _codes(field: fields.Field) -> tuple[str, Values] | None:
    """(dictionary name, values) of the field's codelist or format, None when it has neither;
    numbers for an integer field (IATI codes are digits)."""
    found = _string_codes(field)
    if found and isinstance(field, fields.Integer):
        return found[0] + "_numbers", [int(code) for code in found[1]]
    return None if found is None else (found[0], list(found[1]))


def _string_codes(field: fields.Field) -> tuple[str, list[str]] | None:
    if isinstance(field, Currency):
        return "currencies", list(CURRENCY_SAMPLE)
    if isinstance(field, DecimalString):
        return "decimals", list(DECIMALS)
    for validator in field.validators:
        name = getattr(validator, "__name__", "")
        if name in KNOWN:
            return KNOWN[name][0], sorted(KNOWN[name][1])
        found = _closed_over(validator)
        if found:
            return found
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


def bindings(routes: list[tuple[str, str, type[Schema]]]) -> tuple[dict[str, Values], dict[str, dict[str, str]]]:
    """From (operationId, method, body schema): the dictionaries, and each operation's body path ->
    dictionary name."""
    dictionaries: dict[str, Values] = {}
    by_operation: dict[str, dict[str, str]] = {}
    for operation_id, _, body in routes:
        for path, field in _fields(body(), "body"):
            found = _codes(field)
            if found:
                name = found[0]
                if dictionaries.get(name, found[1]) != found[1]:  # another codelist described alike
                    name = f"{name}_{len(dictionaries)}"
                dictionaries[name] = found[1]
                by_operation.setdefault(operation_id, {})[path] = name
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
