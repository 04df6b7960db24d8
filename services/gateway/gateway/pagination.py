"""Lists over HTTP: the `next` link, the `Link` header, and the query parameters every list takes.

Every list answers `{"items": [...], "next": "<absolute URL of the next page>" | null}`
and, when there is a next page, a `Link: <...>; rel="next"` header. Pages come from
shared.persistence.keyset_page (the one implementation, here and in every service); their
cursor is opaque and the gateway passes it through as is: a client follows `next`."""
from typing import Any
from urllib.parse import urlencode

from marshmallow import fields, validate

from shared.events.fields import UTCDateTime
from shared.events.schemas import StrictSchema

DEFAULT_LIMIT, MAX_LIMIT = 50, 200


class PageQuery(StrictSchema):
    """Query parameters every list accepts; subclass to add filters."""
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"items per page (1-{MAX_LIMIT})"})
    cursor = fields.String(validate=validate.Length(min=1, max=500),
                           metadata={"description": "opaque cursor from the previous page's `next` link"})


class SortedPageQuery(PageQuery):
    sort = fields.String(load_default="created_at", validate=validate.OneOf(["created_at", "-created_at"]),
                         metadata={"description": "`created_at` (oldest first) or `-created_at` (newest first)"})
    modified_since = UTCDateTime(metadata={"description": "only items created or changed at or after this time"})


def next_url(request, next_cursor: str | None) -> str | None:
    """The URL of the next page: this request's, with `cursor` set to the opaque `next_cursor`."""
    if next_cursor is None:
        return None
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    args.append(("cursor", next_cursor))
    return f"{request.base_url}?{urlencode(args)}"


def page(request, items: list, next_cursor: str | None) -> tuple[int, dict[str, str], dict[str, Any]]:
    """A route's return value for one page: (200, headers, body)."""
    url = next_url(request, next_cursor)
    headers = {"Link": f'<{url}>; rel="next"'} if url else {}
    return 200, headers, {"items": items, "next": url}
