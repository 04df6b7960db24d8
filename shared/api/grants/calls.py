"""Calls for proposals: requests, queries and responses."""

from marshmallow import fields, validate

from shared.api.grants.pieces import Amount, MoneyOut, PageQuery, page_of, text_field, theme_code, window_code
from shared.events.fields import Text, UTCDateTime
from shared.events.schemas import StrictSchema


class QuestionInput(StrictSchema):
    code = Text(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,49}$", error=(
        "lower-case letters, digits and _, starting with a letter")))
    text = text_field(2000, required=True)
    required = fields.Boolean(load_default=True)


class CriterionInput(StrictSchema):
    code = Text(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,49}$", error=(
        "lower-case letters, digits and _, starting with a letter")))
    title = text_field(300, required=True)
    max_score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100))


class CallInput(StrictSchema):
    fund_id = Text(required=True, validate=validate.Length(min=1, max=36))
    title = text_field(500, required=True)
    themes = fields.List(Text(validate=theme_code), required=True,
                         validate=validate.Length(min=1, error="name at least one theme"))
    opens_at = UTCDateTime(load_default=None, metadata={"description": "default now"})
    closes_at = UTCDateTime(required=True)
    envelope = Amount(required=True, metadata={"description": "the most the call may award"})
    questions = fields.List(fields.Nested(QuestionInput), load_default=list)
    criteria = fields.List(fields.Nested(CriterionInput), required=True,
                           validate=validate.Length(min=1, error="name at least one criterion"))
    required_reviews = fields.Integer(load_default=2, strict=True, validate=validate.Range(min=1, max=10))
    review_visibility = Text(load_default="shared", validate=validate.OneOf(["private", "shared"]), metadata={
        "description": "private: a reviewer sees its own review only; shared: a reviewer of an application sees "
                       "the others' once it has submitted its own. The applicant never sees who reviewed"})


class CallQuery(PageQuery):
    fund_id = Text()
    status = Text(validate=validate.OneOf(["open", "closed"]))
    theme = Text(validate=theme_code)
    window = Text(validate=window_code)


class QuestionOut(StrictSchema):
    code = Text()
    text = Text()
    required = fields.Boolean()


class CriterionOut(StrictSchema):
    code = Text()
    title = Text()
    max_score = fields.Integer()


class CallOut(StrictSchema):
    id = Text()
    fund_id = Text()
    window = Text()
    title = Text()
    themes = fields.List(Text())
    opens_at = UTCDateTime()
    closes_at = UTCDateTime()
    envelope = fields.Nested(MoneyOut)
    committed = fields.Nested(MoneyOut)
    remaining = fields.Nested(MoneyOut)
    questions = fields.List(fields.Nested(QuestionOut))
    criteria = fields.List(fields.Nested(CriterionOut))
    required_reviews = fields.Integer()
    review_visibility = Text()
    status = Text()
    allowed_actions = fields.List(Text())
    created_at = UTCDateTime()
    closed_at = UTCDateTime(allow_none=True)


CallPage = page_of(CallOut, "CallPage")
