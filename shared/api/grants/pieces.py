"""Pieces every grants API schema uses: money (`{"amount", "currency"}`, at most AMOUNT_CEILING),
text, codes checked against the plans, targets, the page query and the page response."""
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates

from shared import plan
from shared.events.fields import DecimalString
from shared.events.schemas import MoneySchema, StrictSchema
from shared.reference import ORGANISATION_TYPES

AMOUNT_CEILING = Decimal("1000000000")


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


def not_blank(value: Any) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


def text_field(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=max_length), not_blank], **kwargs)


theme_code = one_of(plan.theme_codes, "theme")


window_code = one_of(plan.window_codes, "funding window")


indicator_code = one_of(plan.indicator_codes, "indicator")


class AmountSchema(MoneySchema):
    """A positive amount of money, at most AMOUNT_CEILING."""

    @validates("amount")
    def _ceiling(self, value: Decimal, **kwargs: Any) -> None:
        if value > AMOUNT_CEILING:
            raise ValidationError(f"must not exceed {AMOUNT_CEILING}")


def Amount(**kwargs: Any) -> fields.Nested:  # noqa: N802 - a field factory
    return fields.Nested(AmountSchema, **kwargs)


class TargetInput(StrictSchema):
    indicator = fields.String(required=True, validate=indicator_code)
    value = fields.Integer(required=True, strict=True,
                           validate=validate.Range(min=0, error="must be a whole number of 0 or more"))


class PageQuery(StrictSchema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"items per page (1-{MAX_LIMIT})"})
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=500),
                           metadata={"description": "opaque cursor from the previous page's `next` link"})


class MoneyOut(StrictSchema):
    amount = DecimalString()
    currency = fields.String()


class TargetOut(StrictSchema):
    indicator = fields.String()
    value = fields.Integer()


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """The response schema of a list of `item_schema`: {items, next}."""
    return type(name, (StrictSchema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "next": fields.String(allow_none=True, metadata={"description": "URL of the next page, or null"}),
    })
