"""Lists: cursor pagination with a `next` link, filters, sorting and `modified_since`.

Every list answers `{"items": [...], "next": "<absolute URL of the next page>" | null}`
and, when there is a next page, a `Link: <...>; rel="next"` header. The cursor is
opaque (base64url JSON of the last item's sort key); a client follows `next` as is."""
import base64
import binascii
import json
from datetime import datetime
from urllib.parse import urlencode

import sqlalchemy as sa
from marshmallow import fields, validate

from shared.errors import InvalidInput
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
    modified_since = UTCDateTime(
                                 metadata={"description": "only items created or changed at or after this time"})


def encode_cursor(value) -> str:
    raw = json.dumps(value, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None):
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput({"cursor": ["not a cursor from this API; follow the `next` link"]}) from None


def next_url(request, cursor_value) -> str | None:
    if cursor_value is None:
        return None
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    args.append(("cursor", encode_cursor(cursor_value)))
    return f"{request.base_url}?{urlencode(args)}"


def page(request, items: list, cursor_value) -> tuple:
    """A route's return value for one page: (200, headers, body)."""
    url = next_url(request, cursor_value)
    headers = {"Link": f'<{url}>; rel="next"'} if url else {}
    return 200, headers, {"items": items, "next": url}


def int_cursor(cursor) -> int | None:
    if cursor is None:
        return None
    if isinstance(cursor, bool) or not isinstance(cursor, int):
        raise InvalidInput({"cursor": ["not a cursor from this API; follow the `next` link"]})
    return cursor


def keyset(store, query, sort_column, id_column, *, limit, cursor, descending=False):
    """One page of `query` ordered by (sort_column, id); the cursor is the last row's pair."""
    if cursor is not None:
        try:
            value, last_id = cursor
            value = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise InvalidInput({"cursor": ["not a cursor from this API; follow the `next` link"]}) from None
        cond = sa.tuple_(sort_column, id_column) < sa.tuple_(sa.literal(value), sa.literal(last_id)) if descending \
            else sa.tuple_(sort_column, id_column) > sa.tuple_(sa.literal(value), sa.literal(last_id))
        query = query.where(cond)
    order = (sort_column.desc(), id_column.desc()) if descending else (sort_column, id_column)
    with store.begin() as conn:
        rows = conn.execute(query.order_by(*order).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more:
        last = rows[-1]
        next_cursor = [getattr(last, sort_column.name).isoformat(), getattr(last, id_column.name)]
    return rows, next_cursor
