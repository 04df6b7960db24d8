"""The spreadsheet imports' reports (200) and the results sheet's filters, for validation and
the OpenAPI document."""
from marshmallow import fields

from shared.api.programmes import ResultListQuery
from shared.events.schemas import StrictSchema

OUTCOME = fields.String(metadata={"enum": ["created", "updated", "unchanged"]})
ROW = fields.Integer(metadata={"description": "the row as a spreadsheet numbers it (header = 1)"})


class ProgrammeRowReport(StrictSchema):
    row = ROW
    iati_identifier = fields.String()
    programme_id = fields.String(metadata={"description": "the programme (in a dry run: would-be id)"})
    outcome = OUTCOME
    warnings = fields.List(fields.String())


class ProgrammeSheetReport(StrictSchema):
    dry_run = fields.Boolean()
    rows = fields.List(fields.Nested(ProgrammeRowReport))


class ResultRowReport(StrictSchema):
    row = ROW
    id = fields.String(metadata={"description": "the result (in a dry run: would-be id)"})
    outcome = OUTCOME


class ResultSheetReport(StrictSchema):
    dry_run = fields.Boolean()
    rows = fields.List(fields.Nested(ResultRowReport))


ResultSheetQuery = StrictSchema.from_dict(
    {name: field for name, field in ResultListQuery._declared_fields.items() if name not in ("limit", "cursor")},
    name="ResultSheetQuery")
ResultSheetQuery.__doc__ = "Which results to export: the results list's filters of the same names."
