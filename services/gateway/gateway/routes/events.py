"""The event feed: every integration event in order, from any point."""
from urllib.parse import urlencode

from gateway import feed
from gateway.entrypoints import actor_of, api, query_of
from gateway.routes.base import Routes
from gateway.schemas import EventPage, EventQuery


class EventRoutes(Routes):

    @api("GET", "/v1/events", access="reader", query=EventQuery, response=EventPage, tags=["events"],
         summary="Events after a sequence number, oldest first")
    def list_events(self, request):
        q = query_of(request)
        types = [t.strip() for t in q["type"].split(",") if t.strip()] if q.get("type") else None
        items = feed.read(self.state.store, actor_of(request), after=q["after"], limit=q["limit"], types=types)
        last = items[-1]["sequence"] if items else q["after"]
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "after"] + [("after", str(last))]
        url = f"{request.base_url}?{urlencode(args)}"
        headers = {"Link": f'<{url}>; rel="next"'}
        return 200, headers, {"items": items, "next": url}
