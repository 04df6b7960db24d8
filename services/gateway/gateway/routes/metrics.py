"""The plan and the objective's progress (public): headline figures, breakdowns, history
with projection, and the pipeline (what-if), each for a plan (`?plan=`, default the first)
and an as-of date (`?as_of=YYYY-MM-DD`). Query schemas come from shared.api.metrics; the
metrics service validates them again as the system of record."""
from werkzeug.wrappers import Response

from gateway.entrypoints import api, query_of
from gateway.progress import INCLUDED_HEADER, WAITED, resolve_plan
from gateway.routes.base import Routes
from shared.api import metrics as m

TAGS = ["plan"]


def _plan_and_as_of(request) -> tuple:
    query = query_of(request)
    as_of = query.get("as_of")
    return query.get("plan"), as_of.isoformat() if as_of is not None else None


def _waited(request) -> dict:
    """`wait_for`: the entrypoint waited already (gateway.entrypoints._wait_for_write). The view
    includes a write once metrics applied it, so an as_of read asked after that has it too."""
    waited = request.environ.get(WAITED)
    return {} if waited is None else {INCLUDED_HEADER: "included" if waited else "not-included"}


def _answer(entry, request) -> Response:
    return Response(entry.body, mimetype="application/json", headers={"ETag": entry.etag, **_waited(request)})


def _from_view(state, request) -> Response | None:
    """GET /v1/objective/progress from the gateway's progress view (gateway/progress.py, kept
    current by metrics' objective.progress_changed events): body and ETag were made once per
    change, and the entrypoint answers with no worker; None lets the route run (as_of, no entry)."""
    plan_id, as_of = _plan_and_as_of(request)
    entry = None if as_of is not None else state.progress.get(resolve_plan(plan_id))
    return None if entry is None else _answer(entry, request)


class MetricsRoutes(Routes):

    @api("GET", "/v1/plans", access="public", response=m.PlansOut, tags=TAGS,
         summary="The strategic plans progress is computed for")
    def list_plans(self, request):
        return {"items": self.metrics.list_plans()}

    @api("GET", "/v1/plan", access="public", query=m.PlanQuery, tags=TAGS, summary="A strategic plan as data")
    def get_plan(self, request):
        return self.metrics.get_plan(query_of(request).get("plan"))

    @api("GET", "/v1/objective/progress", access="public", query=m.ProgressReadQuery, response=m.ProgressOut,
         tags=TAGS, consistency="wait", view=_from_view,
         summary="Headline figures against the plan's targets, status and projection, money")
    def get_progress(self, request):
        # What the view could not answer (_from_view): a read as of a date, or a view holding
        # nothing current for the plan yet (then filled by RPC).
        plan_id, as_of = _plan_and_as_of(request)
        if as_of is not None:
            return 200, _waited(request), self.metrics.get_progress(plan_id, as_of)
        plan_id = resolve_plan(plan_id)
        entry = self.state.progress.get(plan_id)
        if entry is None:
            entry = self.state.progress.put(plan_id, self.metrics.get_progress(plan_id), from_event=False)
        return _answer(entry, request)

    @api("GET", "/v1/objective/progress/<string:dimension>", access="public", query=m.ProgressQuery,
         response=m.BreakdownOut, tags=TAGS,
         summary="Every figure by theme, window, country, city, sdg_goal, programme (rolled up) or fund (money)")
    def get_progress_breakdown(self, request, dimension):
        plan_id, as_of = _plan_and_as_of(request)
        return self.metrics.get_breakdown(dimension, plan_id, as_of)

    @api("GET", "/v1/objective/history", access="public", query=m.ProgressQuery, response=m.HistoryOut,
         tags=TAGS, summary="Each figure by result period, and each target's projection to the deadline")
    def get_objective_history(self, request):
        plan_id, as_of = _plan_and_as_of(request)
        return self.metrics.get_history(plan_id, as_of)

    @api("GET", "/v1/objective/pipeline", access="public", query=m.ProgressQuery, response=m.PipelineOut,
         tags=TAGS, summary="What-if: the figures if every application under review were awarded and delivered")
    def get_objective_pipeline(self, request):
        plan_id, as_of = _plan_and_as_of(request)
        return self.metrics.get_pipeline(plan_id, as_of)
