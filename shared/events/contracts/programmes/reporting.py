"""Contracts of reporting periods and narratives: an admin's reopening of a locked period for a
programme, and every change of a narrative (its text, an attachment added or removed), so a
partner's system or mail relay hears of them by webhook (docs/programmes.md)."""
from marshmallow import fields, validate

from shared.events.contracts.programmes.pieces import PeriodSchema, ProgrammeRefSchema
from shared.events.contracts.registry import contract
from shared.events.fields import UTCDateTime
from shared.events.schemas import StrictSchema

NARRATIVE_CHANGES = ("written", "rewritten", "attachment_added", "attachment_removed")


@contract("period.reopened", 1, producer="programmes")
class PeriodReopenedV1(ProgrammeRefSchema):
    """An admin reopened a locked reporting period for one programme: it takes entries until
    `until` (inclusive)."""

    reopening_id = fields.String(required=True)
    period = fields.Nested(PeriodSchema, required=True)
    until = fields.Date(required=True, metadata={"description": "the last day the period takes entries"})
    reason = fields.String(required=True)
    granted_by = fields.String(required=True, allow_none=True, metadata={"description": "organisation or key"})
    granted_at = UTCDateTime(required=True)


class NarrativeAttachmentSchema(StrictSchema):
    """What describes a file (never its storage key or bytes: GET the narrative's attachment)."""
    id = fields.String(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    sha256 = fields.String(required=True)


@contract("narrative.updated", 1, producer="programmes")
class NarrativeUpdatedV1(ProgrammeRefSchema):
    """A narrative of a reporting period was written, rewritten, or had an attachment added or
    removed (`change`; `attachment` names the file); the payload is the narrative as it is now."""

    narrative_id = fields.String(required=True)
    period = fields.Nested(PeriodSchema, required=True)
    indicator = fields.String(required=True, allow_none=True, metadata={"description": "an indicator's narrative"})
    category = fields.String(required=True, allow_none=True, metadata={"description": "a report section's"})
    change = fields.String(required=True, validate=validate.OneOf(NARRATIVE_CHANGES))
    text = fields.String(required=True)
    attachments = fields.List(fields.Nested(NarrativeAttachmentSchema), required=True)
    attachment = fields.Nested(NarrativeAttachmentSchema, required=True, allow_none=True,
                               metadata={"description": "the file added or removed, if the change is one"})
    updated_by = fields.String(required=True, allow_none=True, metadata={"description": "organisation or key"})
    updated_at = UTCDateTime(required=True)
