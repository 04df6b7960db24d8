"""API keys: generation, hashing, storage, and authentication (a key is a key Actor).

A key is `upk_<43 url-safe chars>` (256 random bits). Only its SHA-256 is stored, with
the first characters (`prefix`) so people can tell keys apart; the key itself is shown
once, when it is created. Revocation sets `revoked_at`; every request looks its key up
in the database, so a revoked key is refused at once by every gateway replica."""
import hashlib
import re
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from gateway import audit, models
from gateway.access import key_scopes
from gateway.problems import Unauthenticated
from gateway.webhooks import subscriptions
from shared.actors import ROLES, SCOPES_BY_ROLE, SYSTEM, Actor  # one definition of roles and scopes
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.fields import utcnow
from shared.persistence import keyset_page

KEY_PREFIX = "upk_"
_BEARER = re.compile(r"^Bearer ([A-Za-z0-9._~+/=-]{16,256})$")
MIN_BOOTSTRAP_KEY_LENGTH = 24


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def new_key_id() -> str:
    return "key_" + secrets.token_hex(8)


def display_prefix(key: str) -> str:
    return key[:10]


def bearer_key(authorization: str | None) -> str | None:
    """The key in `Authorization: Bearer <key>`; None when there is no header;
    Unauthenticated when there is one but it is not a bearer key."""
    if not authorization:
        return None
    match = _BEARER.match(authorization.strip())
    if not match:
        raise Unauthenticated("send the API key as 'Authorization: Bearer <key>'", "invalid_request")
    return match.group(1)


def actor_of_row(row) -> Actor:
    return Actor(kind="key", key_id=row.id, organisation=row.organisation, role=row.role, scopes=tuple(row.scopes))


def live_actor(conn, key_id: str) -> Actor | None:
    """The actor of key `key_id` if it exists and is not revoked (a webhook's owner at send time)."""
    t = models.api_keys
    row = conn.execute(sa.select(t).where(t.c.id == key_id, t.c.revoked_at.is_(None))).first()
    return actor_of_row(row) if row is not None else None


# Built once: every request with a key runs it (building it cost more than running it).
_BY_HASH = sa.select(models.api_keys).where(models.api_keys.c.key_hash == sa.bindparam("key_hash"))


def authenticate(store, key: str) -> Actor:
    """The actor owning `key`; Unauthenticated if it is unknown or revoked."""
    with store.begin() as conn:
        row = conn.execute(_BY_HASH, {"key_hash": hash_key(key)}).first()
    if row is None:
        raise Unauthenticated("the API key is not valid", "invalid_token")
    if row.revoked_at is not None:
        raise Unauthenticated("the API key has been revoked", "invalid_token")
    return actor_of_row(row)


def key_view(row) -> dict:
    return {"id": row.id, "prefix": row.prefix, "name": row.name, "organisation": row.organisation,
            "role": row.role, "scopes": list(row.scopes), "created_at": row.created_at,
            "created_by": row.created_by, "revoked_at": row.revoked_at}


def create_key(store, actor: Actor, *, organisation: str, role: str, name: str = "",
               scopes: list[str] | None = None) -> tuple[dict, str]:
    """Store a new key created by `actor`; returns (its view, the key itself: shown once, never stored)."""
    if role not in ROLES:
        raise InvalidInput({"role": [f"must be one of {', '.join(ROLES)}"]})
    key, key_id = new_key(), new_key_id()
    row = dict(id=key_id, prefix=display_prefix(key), key_hash=hash_key(key), name=name or "",
               organisation=organisation, role=role, scopes=key_scopes(role, scopes), created_at=utcnow(),
               created_by=actor.key_id, revoked_at=None, revoked_by=None)
    with store.begin() as conn:
        conn.execute(models.api_keys.insert().values(**row))
    return key_view(_Row(row)), key


BOOTSTRAP_PREFIX = "key_boot_"


def bootstrap_admin_key(store, key: str, organisation: str = "platform") -> str:
    """Make sure the operator's PLATFORM_ADMIN_KEY exists (hashed) as an admin key and is the only
    live bootstrap key: a previous PLATFORM_ADMIN_KEY's key is revoked (and audited), so changing
    the setting replaces the key. Returns its id. A revoked bootstrap key stays revoked.
    Safe when several replicas start at once: the key's id is derived from its hash (one row),
    and a revocation is made (and audited) by whichever replica's update gets it first."""
    if len(key) < MIN_BOOTSTRAP_KEY_LENGTH or not _BEARER.match(f"Bearer {key}"):
        raise ValueError(f"PLATFORM_ADMIN_KEY must be at least {MIN_BOOTSTRAP_KEY_LENGTH} characters of "
                         "[A-Za-z0-9._~+/=-]; generate one with `python -m gateway.cli new-secret`")
    digest = hash_key(key)
    key_id = BOOTSTRAP_PREFIX + digest[:8]
    t = models.api_keys
    with store.begin() as conn:
        try:
            with conn.begin_nested():  # another replica may insert it first: then it is there
                conn.execute(t.insert().values(
                    id=key_id, prefix=display_prefix(key), key_hash=digest, name="bootstrap (PLATFORM_ADMIN_KEY)",
                    organisation=organisation, role="admin", scopes=list(SCOPES_BY_ROLE["admin"]),
                    created_at=utcnow(), created_by=None, revoked_at=None, revoked_by=None))
        except IntegrityError:
            key_id = conn.execute(sa.select(t.c.id).where(t.c.key_hash == digest)).scalar_one()
        previous = [r.id for r in conn.execute(sa.select(t.c.id).where(
            t.c.id.startswith(BOOTSTRAP_PREFIX, autoescape=True), t.c.id != key_id, t.c.revoked_at.is_(None)))]
        for old_id in previous:
            if _revoke(conn, old_id, by=None):
                audit.record_in(conn, audit.entry(
                    request_id="startup", actor=SYSTEM, client=None, method="DELETE", path=f"/v1/keys/{old_id}",
                    route="bootstrap_admin_key", status=200,
                    detail={"reason": "PLATFORM_ADMIN_KEY replaced", "replaced_by": key_id}))
    return key_id


def list_keys_page(store, *, limit: int, cursor: str | None = None, descending=False, organisation=None, role=None,
                   revoked=None, modified_since=None) -> tuple[list[dict], str | None]:
    t = models.api_keys
    q = sa.select(t)
    if organisation:
        q = q.where(t.c.organisation == organisation)
    if role:
        q = q.where(t.c.role == role)
    if revoked is not None:
        q = q.where(t.c.revoked_at.isnot(None) if revoked else t.c.revoked_at.is_(None))
    if modified_since is not None:
        q = q.where(sa.or_(t.c.created_at >= modified_since, t.c.revoked_at >= modified_since))
    with store.begin() as conn:
        page = keyset_page(conn, q, [t.c.created_at, t.c.id], limit=limit, cursor=cursor, descending=descending)
    return [key_view(r) for r in page.rows], page.next_cursor


def get_key(store, key_id: str) -> dict:
    with store.begin() as conn:
        row = conn.execute(sa.select(models.api_keys).where(models.api_keys.c.id == key_id)).first()
    if row is None:
        raise NotFound("key", key_id)
    return key_view(row)


def revoke_key(store, key_id: str, *, actor: Actor) -> dict:
    """Revoke `key_id` for `actor` (an admin key, or SYSTEM for operators' tools); its webhook
    subscriptions stop with it."""
    by = actor.key_id
    if by is not None and key_id == by:
        raise Conflict("a key cannot revoke itself; use another admin key")
    t = models.api_keys
    with store.begin() as conn:
        if conn.execute(sa.select(t.c.id).where(t.c.id == key_id)).first() is None:
            raise NotFound("key", key_id)
        _revoke(conn, key_id, by=by)
        row = conn.execute(sa.select(t).where(t.c.id == key_id)).one()
    return key_view(row)


def _revoke(conn, key_id: str, *, by: str | None) -> bool:
    """In the caller's transaction: revoke a live key and stop its webhook subscriptions (they
    would otherwise keep delivering as the key). False if it was already revoked."""
    t = models.api_keys
    revoked = conn.execute(t.update().where(t.c.id == key_id, t.c.revoked_at.is_(None))
                           .values(revoked_at=utcnow(), revoked_by=by)).rowcount == 1
    if revoked:
        subscriptions.disable(conn, models.webhook_subscriptions.c.created_by == key_id, subscriptions.KEY_REVOKED)
    return revoked


class _Row:
    def __init__(self, data: dict[str, Any]):
        self.__dict__.update(data)
