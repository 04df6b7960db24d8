"""How responses are represented: weak ETags and conditional GETs (304), and lists as CSV
(`Accept: text/csv` or `?format=csv`), nested objects flattened, formulas defused."""
import csv
import hashlib
import io
import json
from typing import Any

from werkzeug.wrappers import Response


def etag_of(body: bytes) -> str:
    return 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    weak = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == weak for tag in if_none_match.split(","))


def conditional(request, response: Response) -> Response:
    """A successful GET gets an ETag; a matching If-None-Match gets 304 with no body."""
    if request.method != "GET" or response.status_code != 200 or response.direct_passthrough:
        return response
    etag = response.headers.get("ETag")
    if etag is None:
        etag = etag_of(response.get_data())
        response.headers["ETag"] = etag
    if etag_matches(request.headers.get("If-None-Match"), etag):
        not_modified = Response(status=304, headers={"ETag": etag})
        for header in ("Cache-Control", "Link"):
            if header in response.headers:
                not_modified.headers[header] = response.headers[header]
        return not_modified
    return response


def wants_csv(request) -> bool:
    fmt = request.args.get("format")
    if fmt is not None:
        return fmt == "csv"
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return best == "text/csv"


def _flatten(value: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        out[prefix] = json.dumps(value, separators=(",", ":"), default=str)
    else:
        out[prefix] = "" if value is None else value
    return out


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula(text: str) -> bool:
    # behind any number of quotes: a value that starts with ' and then = is defused too, so
    # restore can take exactly one ' off whatever the value was
    return text.lstrip("'")[:1] in FORMULA_STARTS


def defuse(value: Any) -> Any:
    """No formula injection when a spreadsheet opens the file (OWASP CSV injection): a cell
    that would start a formula is written behind a '."""
    if isinstance(value, str) and _formula(value):
        return "'" + value
    return value


def restore(cell: str) -> str:
    """defuse's inverse, for a sheet imported back (gateway.spreadsheets)."""
    return cell[1:] if cell[:1] == "'" and _formula(cell[1:]) else cell


def to_csv(items: list) -> str:
    rows = [_flatten(item) for item in items]
    columns = list(dict.fromkeys(col for row in rows for col in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([defuse(row.get(col, "")) for col in columns])
    return buffer.getvalue()


def as_csv(response: Response) -> Response:
    """A JSON list response (`{"items": [...]}`) as text/csv."""
    data = json.loads(response.get_data())
    response.set_data(to_csv(data.get("items", [])))
    response.mimetype = "text/csv"
    return response
