"""API of the IATI 2.03 export (docs/iati.md): the filters of GET /v1/iati/activities.xml,
the programmes list's own (shared.api.programmes), so both validate alike."""
from shared.api.programmes import ProgrammeListQuery
from shared.events.schemas import StrictSchema

_FILTERS = ("organisation", "country", "status", "modified_since")


ActivitiesQuery = StrictSchema.from_dict(
    {name: ProgrammeListQuery._declared_fields[name] for name in _FILTERS}, name="IatiActivitiesQuery")
ActivitiesQuery.__doc__ = "Which programmes to export: the programmes list's filters of the same names."
