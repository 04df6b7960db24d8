"""Funds, their ledger and exchange rates: requests, queries and responses."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api.grants.pieces import (
    IATI_TRANSACTION_TYPES,
    Amount,
    MoneyOut,
    PageQuery,
    organisation_type,
    page_of,
    text_field,
    window_code,
)
from shared.bounds import MAX_RATE, RATE_PLACES
from shared.events.fields import Currency, DecimalString, Text, UTCDateTime
from shared.events.schemas import StrictSchema, country_code


class FundInput(StrictSchema):
    name = text_field(300, required=True)
    window = Text(required=True, validate=window_code)
    currency = Currency(required=True)
    min_grant = Amount(required=True)
    max_grant = Amount(required=True)
    eligible_applicant_types = fields.List(Text(validate=organisation_type), required=True,
                                           validate=validate.Length(min=1, error="name at least one type"),
                                           metadata={"description": "IATI OrganisationType codes"})
    eligible_countries = fields.List(Text(validate=country_code), required=True,
                                     validate=validate.Length(min=1, error="name at least one country"))
    max_cofinancing_share = DecimalString(required=True, places=4, validate=validate.Range(
        min=0, min_inclusive=False, max=1, error="must be more than 0 and at most 1"), metadata={
        "description": "largest share of a project's cost a grant may cover, e.g. \"0.80\""})

    @validates_schema
    def _currencies(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        for name in ("min_grant", "max_grant"):
            if name in data and "currency" in data and data[name]["currency"] != data["currency"]:
                errors[name] = {"currency": [f"must be the fund's currency {data['currency']}"]}
        if errors:
            raise ValidationError(errors)


class RateInput(StrictSchema):
    from_currency = Currency(required=True)
    to_currency = Currency(required=True)
    effective_date = fields.Date(required=True)
    rate = DecimalString(required=True, places=RATE_PLACES, validate=validate.Range(
        min=0, min_inclusive=False, max=MAX_RATE, error=f"must be more than 0 and at most {MAX_RATE}"),
        metadata={"description": "1 from_currency = rate to_currency"})

    @validates_schema
    def _different(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("from_currency") and data.get("from_currency") == data.get("to_currency"):
            raise ValidationError({"to_currency": ["must differ from from_currency"]})


class RatesInput(StrictSchema):
    rates = fields.List(fields.Nested(RateInput), required=True,
                        validate=validate.Length(min=1, max=1000, error="give 1 to 1000 rates"))


class FundQuery(PageQuery):
    window = Text(validate=window_code)
    currency = Currency()


class LedgerQuery(PageQuery):
    transaction_type = Text(validate=validate.OneOf(IATI_TRANSACTION_TYPES))
    contribution_id = Text()
    grant_id = Text()


class RateQuery(PageQuery):
    from_currency = Currency()
    to_currency = Currency()


class BalanceOut(StrictSchema):
    currency = Text()
    pledged = DecimalString(metadata={"description": "incoming commitments (IATI 11)"})
    received = DecimalString(metadata={"description": "incoming funds (IATI 1)"})
    committed = DecimalString(metadata={"description": "outgoing commitments (IATI 2), net of returns"})
    disbursed = DecimalString(metadata={"description": "disbursements (IATI 3)"})
    available = DecimalString(metadata={"description": "received - committed"})
    undisbursed = DecimalString(metadata={"description": "committed - disbursed"})
    explanation = Text()


class FundOut(StrictSchema):
    id = Text()
    name = Text()
    window = Text()
    currency = Text()
    min_grant = fields.Nested(MoneyOut)
    max_grant = fields.Nested(MoneyOut)
    eligible_applicant_types = fields.List(Text())
    eligible_countries = fields.List(Text())
    max_cofinancing_share = DecimalString()
    balance = fields.Nested(BalanceOut)
    created_at = UTCDateTime()


class LedgerEntryOut(StrictSchema):
    id = Text()
    fund_id = Text()
    transaction_type = Text(metadata={"description": "IATI TransactionType code"})
    transaction_type_name = Text()
    amount = fields.Nested(MoneyOut, metadata={"description": "signed, in the fund's currency"})
    original_amount = fields.Nested(MoneyOut)
    exchange_rate = DecimalString()
    value_date = fields.Date()
    description = Text()
    contribution_id = Text(allow_none=True)
    grant_id = Text(allow_none=True)
    tranche_id = Text(allow_none=True)
    recorded_at = UTCDateTime()


DisbursementOut = LedgerEntryOut


class RateOut(StrictSchema):
    from_currency = Text()
    to_currency = Text()
    effective_date = fields.Date()
    rate = DecimalString()


class RatesOut(StrictSchema):
    loaded = fields.Integer()
    rates = fields.List(fields.Nested(RateOut))


FundPage = page_of(FundOut, "FundPage")


LedgerPage = page_of(LedgerEntryOut, "LedgerPage")


RatePage = page_of(RateOut, "RatePage")
