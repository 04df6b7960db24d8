"""The IATI import's report (200) and query, for validation and the OpenAPI document."""
from marshmallow import fields

from shared.events.schemas import StrictSchema


class ImportQuery(StrictSchema):
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "`true`: check and report what the import would do, write nothing"})


class ActivityReport(StrictSchema):
    iati_identifier = fields.String()
    programme_id = fields.String(metadata={"description": "the programme (in a dry run: would-be id)"})
    outcome = fields.String(metadata={"enum": ["created", "updated", "unchanged"]})
    path = fields.String(metadata={"description": "the activity in the document, e.g. /iati-activities/"
                                                  "iati-activity[2]"})
    warnings = fields.List(fields.String(), metadata={"description": "for review: defaults given, elements "
                                                                     "not kept, IATI rules' warnings"})


class ImportReport(StrictSchema):
    dry_run = fields.Boolean()
    activities = fields.List(fields.Nested(ActivityReport))
