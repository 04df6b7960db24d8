"""The persistence kit every service uses: exact column types, row access with one way to
lock, row <-> dataclass mapping, and keyset pagination with opaque cursors."""
from shared.persistence.pagination import Page, decode_cursor, encode_cursor, keyset_page
from shared.persistence.rows import from_row, get, get_many, insert_ignore, to_row, update, upsert
from shared.persistence.types import ExactDecimal, UTCDateTime, as_utc

__all__ = ["ExactDecimal", "Page", "UTCDateTime", "as_utc", "decode_cursor", "encode_cursor",
           "from_row", "get", "get_many", "insert_ignore", "keyset_page", "to_row", "update", "upsert"]
