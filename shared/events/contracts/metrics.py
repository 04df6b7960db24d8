"""Contracts of the events the metrics service produces.

`objective.progress_changed` carries the whole progress of one plan towards its
strategic objective, exactly as `GET /v1/objective/progress?plan=<plan_id>` returns
it (without `as_of`), so a subscriber (e.g. every gateway replica, each with its own
queue) can serve that read from a local copy without calling the metrics service.

Publishing is coalesced: a change is published at once when the plan is idle, the
changes that arrive while it is being published go out together right after it (at
most one event per plan per publish interval), and the last state always is. `revision`
increases with every published state of a plan (it is also `progress.revision`): a
subscriber keeps the event with the highest revision it has seen and ignores lower
ones (redeliveries, reordering). `EXAMPLES` holds one valid payload per event type.
"""
from datetime import datetime, timezone

from marshmallow import fields, validate

from shared.events.contracts.registry import contract
from shared.events.fields import UTCDateTime
from shared.events.schemas import StrictSchema

MAX_INCLUDES = 1000


@contract
class ObjectiveProgressChangedV1(StrictSchema):
    """The progress of a plan towards its strategic objective changed (approved results, revisions,
    money, or a status re-evaluated as time passed). `progress` is the whole new figure set, exactly
    as GET /v1/objective/progress answers it for that plan, so a consumer can serve it without calling
    back. Keep the highest `revision` per plan."""
    event_type, version, producer = "objective.progress_changed", 1, "metrics"

    plan_id = fields.String(required=True, validate=validate.Length(min=1, max=100),
                            metadata={"description": "id of the plan whose progress changed, "
                                                     "e.g. `strategic-plan-2018-2021`"})
    revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                              metadata={"description": "monotonic per plan: increases with every published "
                                                       "state; keep the highest, ignore lower ones"})
    computed_at = UTCDateTime(required=True, metadata={"description": "when metrics computed the figures"})
    progress = fields.Dict(required=True, keys=fields.String(),
                           metadata={"description": "exactly the JSON body of "
                                                    "`GET /v1/objective/progress?plan=<plan_id>`"})
    includes = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)), validate=validate.Length(max=MAX_INCLUDES),
        metadata={"description": "correlation ids of the events applied since this replica's previous "
                                 "publish that this state includes (the writes' consistency tokens, "
                                 "the gateway's `Platform-Consistency-Token`); the latest "
                                 f"{MAX_INCLUDES} when more"})


_AT = datetime(2021, 1, 31, 12, 0, tzinfo=timezone.utc)

EXAMPLES = {
    "objective.progress_changed": {
        "plan_id": "strategic-plan-2018-2021", "revision": 42, "computed_at": _AT,
        "progress": {
            "plan": {"id": "strategic-plan-2018-2021", "deadline": "2021-12-31"},
            "revision": 42, "computed_at": "2021-01-31T12:00:00Z", "updated_at": "2021-01-31T11:59:59Z",
            "as_of": None, "status": "on_track",
            "figures": [{"key": "urban_poor_reached", "target": "20000000", "value": "12500000",
                         "share": "0.625", "status": "on_track"}],
        },
    },
}
