"""Behind the progress figures (public, as the rest of the progress API): donor attribution, each
contributor to the pooled funds credited with the share of the plan's results its money financed,
with the path of every figure (contributors' names are public in IATI anyway); and the drill-down,
the approved results behind a figure, listed as the caller may see them (docs/metrics.md)."""
from gateway.entrypoints import actor_of, api, query_of
from gateway.pagination import page
from gateway.routes.base import Routes
from shared.api.attribution import AttributionOut, AttributionQuery
from shared.api.drilldown import FigureResultsOut, FigureResultsQuery

TAGS = ["plan"]


class AttributionRoutes(Routes):

    def _attribution(self, request, contributor=None):
        query = query_of(request)
        as_of = query.get("as_of")
        return self.metrics.get_attribution(query.get("plan"), as_of.isoformat() if as_of else None,
                                            contributor or query.get("contributor"))

    @api("GET", "/v1/objective/progress/contributor", access="public", query=AttributionQuery,
         response=AttributionOut, tags=TAGS,
         summary="The plan's summed figures by contributor to the pooled funds, exactly, with each path")
    def get_attribution(self, request):
        return self._attribution(request)

    @api("GET", "/v1/objective/progress/contributor/<string:contributor>", access="public",
         query=AttributionQuery, response=AttributionOut, tags=TAGS,
         summary="One contributor's credited figures and their paths (404 when it contributed nothing)")
    def get_contributor_attribution(self, request, contributor):
        return self._attribution(request, contributor)

    @api("GET", "/v1/objective/progress/figures/<string:figure>/results", access="public",
         query=FigureResultsQuery, response=FigureResultsOut, tags=TAGS,
         summary="The approved results behind a figure (or one breakdown cell, history point or contributor's "
                 "credit) as of a date (listed: admins all, an organisation its own)")
    def list_figure_results(self, request, figure):
        query = query_of(request)
        as_of = query.get("as_of")
        filters = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in query.items()
                   if k not in ("plan", "as_of", "limit", "cursor")}   # the breakdown cell's, point's, credit's
        body = self.metrics.list_figure_results(figure, query.get("plan"), as_of.isoformat() if as_of else None,
                                                actor=actor_of(request), limit=query["limit"],
                                                cursor=query.get("cursor"), filters=filters)
        status, headers, listed = page(request, body.pop("items"), body.pop("next_cursor"))
        return status, headers, {**body, **listed}
