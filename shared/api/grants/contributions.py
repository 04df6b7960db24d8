"""Contributions (pledges) and the money received on them: requests, queries and responses."""

from marshmallow import fields, validate

from shared.api.grants.pieces import Amount, MoneyOut, PageQuery, organisation_type, page_of, text_field
from shared.events.fields import DecimalString, Text, UTCDateTime
from shared.events.schemas import StrictSchema


class ContributionInput(StrictSchema):
    fund_id = Text(required=True, validate=validate.Length(min=1, max=36))
    contributor = text_field(300, required=True, metadata={"description": "the contributing partner"})
    contributor_type = Text(load_default=None, validate=organisation_type,
                            metadata={"description": "IATI OrganisationType code"})
    amount = Amount(required=True, metadata={"description": "as pledged, in any currency with a rate"})
    value_date = fields.Date(load_default=None, metadata={"description": "for the exchange rate; default today"})


class ReceiptInput(StrictSchema):
    amount = Amount(load_default=None, metadata={"description": "in the pledge's currency; default: the rest"})
    value_date = fields.Date(load_default=None, metadata={"description": "for the exchange rate; default today"})


class ContributionQuery(PageQuery):
    fund_id = Text()
    status = Text(validate=validate.OneOf(["pledged", "partly_received", "received"]))
    contributor = Text()


class ReceiptOut(StrictSchema):
    id = Text()
    original_amount = fields.Nested(MoneyOut)
    amount = fields.Nested(MoneyOut)
    exchange_rate = DecimalString()
    value_date = fields.Date()
    received_at = UTCDateTime()


class ContributionOut(StrictSchema):
    id = Text()
    fund_id = Text()
    contributor = Text()
    contributor_type = Text(allow_none=True)
    original_amount = fields.Nested(MoneyOut)
    amount = fields.Nested(MoneyOut, metadata={"description": "the pledge in the fund's currency"})
    exchange_rate = DecimalString()
    value_date = fields.Date()
    status = Text()
    received = fields.Nested(MoneyOut, metadata={"description": "received so far, in the fund's currency"})
    outstanding = fields.Nested(MoneyOut, metadata={"description": "still to come, in the pledge's currency"})
    receipts = fields.List(fields.Nested(ReceiptOut))
    pledged_at = UTCDateTime()
    updated_at = UTCDateTime()


ContributionPage = page_of(ContributionOut, "ContributionPage")
