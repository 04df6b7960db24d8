"""API of narratives: a programme's words for a reporting period, about one indicator or one
section of its narrative report, with attachments; and the period's report (figures and words)."""
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.api.programmes.pieces import PeriodIn, PeriodOut
from shared.api.programmes.result import ResultOut
from shared.events.fields import Text, UTCDateTime
from shared.events.schemas import StrictSchema

CATEGORIES = ("progress", "challenges", "lessons_learned", "outlook", "finance")
MAX_TEXT = 20000


class NarrativeIn(StrictSchema):
    """Write (or rewrite) the narrative of a period about `indicator` or a report section `category`."""
    period = fields.Nested(PeriodIn, required=True)
    indicator = Text(validate=validate.Length(min=1, max=100), load_default=None,
                     metadata={"description": "code of one of the programme's indicators"})
    category = Text(validate=validate.OneOf(CATEGORIES), load_default=None,
                    metadata={"description": f"a section of the narrative report: {', '.join(CATEGORIES)}"})
    text = Text(multiline=True, required=True, validate=validate.Length(min=1, max=MAX_TEXT))

    @validates_schema
    def _one_subject(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data.get("indicator") is None) == (data.get("category") is None):
            raise ValidationError("give either an indicator or a category", "category")


class AttachmentIn(StrictSchema):
    """What the gateway stored (shared.storage) and checked, for the narrative to keep."""
    id = Text(required=True, validate=validate.Length(min=1, max=36))
    key = Text(required=True, validate=validate.Length(min=1, max=512))
    filename = Text(required=True, validate=validate.Length(min=1, max=200))
    content_type = Text(required=True, validate=validate.Length(min=1, max=100))
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    sha256 = Text(required=True, validate=validate.Length(equal=64))


class AttachmentOut(StrictSchema):
    id = Text()
    filename = Text()
    content_type = Text(metadata={"description": "the media type, checked against the file's content"})
    size = fields.Integer(metadata={"description": "bytes"})
    sha256 = Text()
    uploaded_at = Text(metadata={"description": "UTC, ISO 8601"})
    uploaded_by = Text(allow_none=True)


class NarrativeOut(StrictSchema):
    id = Text()
    programme_id = Text()
    period = fields.Nested(PeriodOut)
    indicator = Text(allow_none=True)
    category = Text(allow_none=True)
    text = Text()
    attachments = fields.List(fields.Nested(AttachmentOut))
    created_at = UTCDateTime()
    updated_at = UTCDateTime()
    updated_by = Text(allow_none=True)


class NarrativeListQuery(StrictSchema):
    period_start = fields.Date(metadata={"description": "periods starting on or after this date"})
    period_end = fields.Date(metadata={"description": "periods ending on or before this date"})
    indicator = Text(validate=validate.Length(min=1, max=100))
    category = Text(validate=validate.OneOf(CATEGORIES))


class NarrativeList(StrictSchema):
    items = fields.List(fields.Nested(NarrativeOut))


class ProgrammeReportOut(StrictSchema):
    """A programme's report of a period: its results (figures, with what counts) and its narratives."""
    programme_id = Text()
    period = fields.Nested(PeriodOut)
    results = fields.List(fields.Nested(ResultOut), metadata={"description": "results of periods within it"})
    narratives = fields.List(fields.Nested(NarrativeOut), metadata={"description": "narratives of periods within it"})
