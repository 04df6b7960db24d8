"""Database helpers: engines for SQLite (default) and PostgreSQL, and the outbox
and inbox tables every service carries in its own database."""
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from shared.events import Envelope
from shared.events.fields import utcnow
from shared.persistence.rows import insert_ignore

# A lock held around each transaction of a process (SQLite: see shared.uow.process_lock).
DbLock = AbstractContextManager[object]

_patched = False


def _patch_psycopg_for_eventlet() -> None:
    # psycopg2 blocks eventlet's hub unless made green; harmless without eventlet.
    global _patched
    if not _patched:
        from psycogreen.eventlet import patch_psycopg
        patch_psycopg()
        _patched = True


def create_engine(url: str, **kwargs: Any) -> sa.Engine:
    if url.startswith("postgresql"):
        _patch_psycopg_for_eventlet()
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", 10)
        return sa.create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = sa.create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: object) -> None:
            # Let SQLAlchemy, not pysqlite, open transactions, so BEGIN IMMEDIATE works.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            if ":memory:" not in url and url != "sqlite://":
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn: sa.Connection) -> None:
            # Take the write lock up front: no lock upgrade deadlocks between writers.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, **kwargs)


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def backbone_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """Define the outbox and inbox tables on a service's own metadata."""
    outbox = sa.Table(
        "outbox", metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("producer", sa.String(50), nullable=False),
        sa.Column("correlation_id", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Index("ix_outbox_pending", "published_at", "id"),
    )
    inbox = sa.Table(
        "inbox", metadata,
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("producer", sa.String(50), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    return outbox, inbox



def claim_inbox(executor: sa.Connection | Session, inbox: sa.Table, envelope: Envelope) -> bool:
    """The inbox record of one consumed event, in the caller's transaction; False when the event
    was already processed (possibly by another replica, concurrently). One INSERT .. ON CONFLICT
    DO NOTHING: a duplicate leaves the transaction usable (PostgreSQL aborts one on a unique
    violation), so events applied together in one transaction skip a duplicate alone."""
    return insert_ignore(executor, inbox, {"event_id": envelope.event_id, "event_type": envelope.type,
                                           "producer": envelope.producer, "processed_at": utcnow()})

# What drivers say when the database cannot be reached (now), as opposed to a statement it refuses.
_AWAY = ("could not connect", "connection refused", "server closed the connection", "terminating connection",
         "connection timed out", "timeout expired", "could not receive data", "could not send data",
         "no connection to the server", "connection already closed", "ssl syscall", "database is locked")


def database_away(exc: BaseException) -> bool:
    """Whether `exc` says the database is away or busy (try again shortly: a 503), not that a
    statement is wrong (a bug: a 500). SQLite's "no such table" is an OperationalError too."""
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        text = str(exc.orig if exc.orig is not None else exc).lower()
        return any(marker in text for marker in _AWAY)
    return isinstance(exc, sa.exc.DisconnectionError)


def is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"
