"""What names a request for Idempotency-Key: the header and its rule, the hash a retry must
repeat, whose keys they are, the request key the services see, and how long a claim holds."""
import hashlib
import json
import re

from shared.actors import Actor
from shared.errors import InvalidInput

HEADER = "Idempotency-Key"
_VALID = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, no spaces or control characters
REQUEST_KEY = "platform.request_key"   # request.environ: the key the request's RPCs carry
CLAIM_MARGIN_SECONDS = 5.0
RPCS_PER_REQUEST = 2   # a route makes at most two RPCs in a row (e.g. an application's programme check)


def valid_key(key: str) -> str:
    if not _VALID.match(key):
        raise InvalidInput({HEADER: ["must be 1 to 255 visible ASCII characters, e.g. a UUID"]},
                           "The Idempotency-Key header is not valid.")
    return key


def request_hash(method: str, path: str, body: bytes) -> str:
    """What a retry must repeat exactly: the method, the path and the body (JSON bodies
    are compared by value, so key order and whitespace do not matter)."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body or b""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), b"\n", path.encode(), b"\n", canonical):
        digest.update(part)
    return digest.hexdigest()


def actor_key(actor: Actor, client: str | None) -> str:
    """Whose keys these are: the API key's, or the client address's for an anonymous caller."""
    return actor.key_id if actor.kind == "key" and actor.key_id else f"anonymous:{client or '-'}"


def claim_seconds(config) -> float:
    """How long a claim holds off retries (409) before a retry may take it over: every RPC
    of the request has had its deadline by then, so the gateway holding it has crashed."""
    explicit = config.get("IDEMPOTENCY_CLAIM_SECONDS")
    if explicit is not None:
        return float(explicit)
    return RPCS_PER_REQUEST * float(config.get("RPC_DEADLINE_SECONDS", 5)) + CLAIM_MARGIN_SECONDS


def claim_wait(config) -> float:
    """How long a retry waits for a claim in flight before a 409: one RPC deadline, so a
    retry of a try that is ending (or whose release is being written again) gets its outcome."""
    return float(config.get("RPC_DEADLINE_SECONDS", 5))


def request_key(actor: str, key: str) -> str:
    """The request key of (caller, Idempotency-Key): the same on every retry, another
    caller's equal key never meets it, and the client's key is not stored in the services."""
    return "idem:" + hashlib.sha256(f"{actor}\n{key}".encode()).hexdigest()
