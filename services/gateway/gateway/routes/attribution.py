"""Donor attribution (public, as the rest of the progress API; contributors' names are public in
IATI anyway): each contributor to the pooled funds credited with the share of the plan's
results its money financed, with the path of every figure (docs/metrics.md)."""
from gateway.entrypoints import api, query_of
from gateway.routes.base import Routes
from shared.api.attribution import AttributionOut, AttributionQuery

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
