"""Webhook signatures: `X-Platform-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
keyed with the subscription's secret. Partners verify with `verify_signature` (docs/api.md)."""
import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Platform-Signature"
EVENT_ID_HEADER = "X-Platform-Event-Id"
EVENT_TYPE_HEADER = "X-Platform-Event-Type"
DEFAULT_TOLERANCE = 300


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The X-Platform-Signature header value for `body`."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify_signature(secret: str, header: str, body: bytes, tolerance: int = DEFAULT_TOLERANCE,
                     now: float | None = None) -> bool:
    """True if `header` (X-Platform-Signature) signs exactly `body` with `secret` and its
    timestamp is within `tolerance` seconds of now (so a captured delivery cannot be
    replayed later). Compares in constant time."""
    try:
        parts = [item.split("=", 1) for item in header.split(",")]
        timestamp = int(dict(parts)["t"])
        candidates = [value for key, value in parts if key == "v1"]
    except (ValueError, KeyError, AttributeError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = _mac(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
