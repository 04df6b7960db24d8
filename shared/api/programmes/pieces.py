"""Checks of single values and the pieces every programmes API schema uses."""
import re
from collections.abc import Callable, Collection
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared import plan
from shared.events.contracts.programmes import (
    AgeGroupSchema,
    MigrantStatusSchema,
    ReachSchema,
    SexSchema,
)
from shared.events.fields import Text, UTCDateTime
from shared.events.schemas import StrictSchema
from shared.reference import SDG_TARGETS, codelist

DEFAULT_LIMIT, MAX_LIMIT = 50, 500

_IATI_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]*$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SDG_INDICATOR = re.compile(r"^[0-9]{1,2}\.[0-9a-z]{1,2}\.[0-9]{1,2}$")


# --- checks of single values ----------------------------------------------------------

def in_codelist(codes: Collection[Any], what: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value not in codes:
            raise ValidationError(f"unknown {what} {value!r}")
    return check


def in_plan(codes_fn: Callable[[], Collection[Any]], what: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        codes = codes_fn()
        if value not in codes:
            raise ValidationError(f"unknown {what} {value!r}; expected one of {sorted(codes)}")
    return check


def instrument_codes() -> set[str]:
    return {i for p in plan.plans().values() for w in p["windows"] for i in w.get("instruments", [])}


def iati_identifier_format(value: Any) -> None:
    if not _IATI_ID.match(value):
        raise ValidationError("must be an IATI identifier: letters, digits and . _ / : - only, no spaces")


def code_format(value: Any) -> None:
    if not _CODE.match(value):
        raise ValidationError("must be lower-case letters, digits, '_', '.' or '-', starting with a letter or digit")


def sdg_indicator_format(value: Any) -> None:
    if not _SDG_INDICATOR.match(value):
        raise ValidationError("must be a UN SDG indicator reference such as '11.1.1'")
    if value.rsplit(".", 1)[0] not in SDG_TARGETS:
        raise ValidationError(f"{value!r} is not an indicator of a UN SDG target (UNSDG-Targets codelist)")


def policy_marker_code(value: Any) -> None:
    if value not in codelist("PolicyMarker"):
        raise ValidationError(f"unknown IATI PolicyMarker code {value!r}")


def significance_code(value: Any) -> None:
    if str(value) not in codelist("PolicySignificance"):
        raise ValidationError(f"unknown IATI PolicySignificance code {value!r} (0-4)")


def unique(values: list[Any], what: str = "listed more than once") -> None:
    seen: set[Any] = set()
    dupes: list[Any] = []
    for v in values:
        key = v if isinstance(v, (str, int)) else repr(sorted(v.items()))
        if key in seen:
            dupes.append(v)
        seen.add(key)
    if dupes:
        raise ValidationError(f"{what}: {', '.join(map(str, dupes))}")




class PeriodIn(StrictSchema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def _end_after_start(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "start" in data and "end" in data and data["end"] < data["start"]:
            raise ValidationError(f"must not be before the start ({data['start'].isoformat()})", "end")


class DisaggregationsIn(StrictSchema):
    """Parts of the value: sex (female, male, unknown), age group (age_0_14, age_15_24,
    age_25_64, age_65_plus, unknown), migrant status (migrant, non_migrant, unknown) and
    reach (direct, indirect).
    For a `unit` measure the parts of a dimension may not exceed the value, and must add
    up to it when every part of the dimension is given."""
    sex = fields.Nested(SexSchema)
    age = fields.Nested(AgeGroupSchema)
    migrant_status = fields.Nested(MigrantStatusSchema)
    reach = fields.Nested(ReachSchema, metadata={
        "description": "people reached directly and indirectly (indicators counted in people only); "
                       "the part of the value not split counts as the indicator's reach"})


class PageQuery(StrictSchema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"items per page, 1-{MAX_LIMIT} (default {DEFAULT_LIMIT})"})
    cursor = Text(load_default=None, validate=validate.Length(min=1, max=500),
                  metadata={"description": "opaque: `next_cursor` of the previous page"})
    modified_since = UTCDateTime(load_default=None, metadata={
        "description": "only what was created or changed at or after this time (incremental sync)"})


class PeriodOut(StrictSchema):
    start = fields.Date()
    end = fields.Date()


