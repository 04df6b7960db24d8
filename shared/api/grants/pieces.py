"""Pieces every grants API schema uses: money (`{"amount", "currency"}`, at most shared.bounds.MAX_MONEY),
text, codes checked against the plans, targets, the page query and the page response."""
from collections.abc import Callable, Collection
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from shared import plan
from shared.bounds import MAX_MONEY, MAX_VALUE
from shared.events.fields import DecimalString, Text
from shared.events.schemas import MoneySchema, StrictSchema
from shared.reference import ORGANISATION_TYPES

AMOUNT_CEILING = MAX_MONEY
DEFAULT_LIMIT, MAX_LIMIT = 50, 200


IATI_TRANSACTION_TYPES = ("11", "1", "2", "3")


def one_of(codes_fn: Callable[[], Collection[Any]], what: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        codes = codes_fn()
        if value not in codes:
            raise ValidationError(f"unknown {what} {value!r}; expected one of {sorted(codes)}")
    return check


def organisation_type(value: Any) -> None:
    if value not in ORGANISATION_TYPES:
        raise ValidationError(f"unknown IATI OrganisationType code {value!r}; expected one of "
                              f"{sorted(ORGANISATION_TYPES, key=int)}")


def text_field(max_length: int, **kwargs: Any) -> fields.String:
    return Text(multiline=max_length >= 2000, validate=validate.Length(min=1, max=max_length), **kwargs)


theme_code = one_of(plan.theme_codes, "theme")


window_code = one_of(plan.window_codes, "funding window")


indicator_code = one_of(plan.indicator_codes, "indicator")


AmountSchema = MoneySchema  # a positive amount of money, at most AMOUNT_CEILING (shared.bounds)


def Amount(**kwargs: Any) -> fields.Nested:  # noqa: N802 - a field factory
    return fields.Nested(AmountSchema, **kwargs)


class TargetInput(StrictSchema):
    indicator = Text(required=True, validate=indicator_code)
    value = fields.Integer(required=True, strict=True, validate=validate.Range(
        min=0, max=MAX_VALUE, error=f"must be a whole number of 0 or more and at most {MAX_VALUE}"))


class PageQuery(StrictSchema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"items per page (1-{MAX_LIMIT})"})
    cursor = Text(load_default=None, validate=validate.Length(min=1, max=500),
                  metadata={"description": "opaque cursor from the previous page's `next` link"})


class MoneyOut(StrictSchema):
    amount = DecimalString()
    currency = Text()


class TargetOut(StrictSchema):
    indicator = Text()
    value = fields.Integer()


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """The response schema of a list of `item_schema`: {items, next}."""
    return type(name, (StrictSchema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "next": Text(allow_none=True, metadata={"description": "URL of the next page, or null"}),
    })
