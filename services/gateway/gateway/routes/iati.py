"""IATI 2.03 documents (docs/iati.md): the activities the caller may read, streamed, and the
partnership's organisation file. XML, not JSON: the routes answer a streamed Response."""
from datetime import datetime, timezone
from typing import Any

from werkzeug.wrappers import Response

from gateway.entrypoints import actor_of, api
from gateway.iati import document, organisation, source
from shared.api.iati import ActivitiesQuery
from shared.errors import NotFound

XML = "application/xml"
TAGS = ["iati"]


def _xml(chunks: Any, filename: str) -> Response:
    # direct_passthrough: streamed as written, never buffered for an ETag (representation.conditional)
    return Response(chunks, mimetype=XML, content_type=f"{XML}; charset=utf-8", direct_passthrough=True,
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


class IatiRoutes:
    programmes: Any
    grants: Any
    state: Any

    @api("GET", "/v1/iati/activities.xml", access="reader", query=ActivitiesQuery, media=XML, streamed=True, tags=TAGS,
         responses={404: "No programme matches"},
         summary="IATI 2.03 iati-activities: the programmes the caller may read (a partner: its own), "
                 "streamed")
    def iati_activities(self, request):
        actor = actor_of(request)
        now = datetime.now(timezone.utc)
        elements = source.activities(self.programmes, self.grants, request.args.to_dict(), actor=actor,
                                     provider=self.state.organisation, today=now.date(), base_url=request.host_url)
        # The first activity is read in the request: a refusal is still a problem, not a broken
        # file, and the XSD wants at least one activity, so an empty selection is a 404.
        first = next(elements, None)
        if first is None:
            raise NotFound("activities", request.query_string.decode() or "any")
        return _xml(document.stream("iati-activities", _chain(first, elements), now), "activities.xml")

    @api("GET", "/v1/iati/organisation.xml", access="admin", media=XML, streamed=True, tags=TAGS,
         summary="IATI 2.03 iati-organisations: the partnership's budgets and expenditure from its grants")
    def iati_organisation(self, request):
        actor = actor_of(request)
        now = datetime.now(timezone.utc)
        grants = source.pages(self.grants.list_grants, {}, actor=actor)
        disbursements = source.pages(self.grants.list_disbursements, {}, actor=actor)
        element = organisation.build(self.state.organisation, organisation.totals(grants, disbursements, now.date()),
                                     now)
        return _xml(document.stream("iati-organisations", [element], now), "organisation.xml")


def _chain(first: Any, rest: Any) -> Any:
    yield first
    yield from rest
