"""The spreadsheet import's report (200), for validation and the OpenAPI document."""
from marshmallow import fields

from shared.events.schemas import StrictSchema


class RowReport(StrictSchema):
    row = fields.Integer(metadata={"description": "the row as a spreadsheet numbers it (header = 1)"})
    iati_identifier = fields.String()
    programme_id = fields.String(metadata={"description": "the programme (in a dry run: would-be id)"})
    outcome = fields.String(metadata={"enum": ["created", "updated", "unchanged"]})
    warnings = fields.List(fields.String())


class SheetReport(StrictSchema):
    dry_run = fields.Boolean()
    rows = fields.List(fields.Nested(RowReport))
