"""A document uploaded as the request body (the IATI import, the spreadsheet import): its
media type checked and its size bounded, 413 before more than `limit` bytes are read."""
from gateway.problems import TooLarge
from shared.errors import InvalidInput


def read_upload(request, *, limit: int, setting: str, media_types: tuple[str, ...], expected: str) -> bytes:
    """`expected` says what to send, for the 422 of another media type."""
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(limit, setting)
    if request.mimetype not in media_types:
        raise InvalidInput({"_body": [f"send {expected} with Content-Type: {media_types[0]}"]},
                           "Unsupported request body.")
    body = request.stream.read(limit + 1)
    if len(body) > limit:   # no Content-Length (chunked): counted as it is read
        raise TooLarge(limit, setting)
    return body
