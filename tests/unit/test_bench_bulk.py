"""bench/_bulk.py loads the benchmarks' databases through the driver (SQLite's executemany,
PostgreSQL's COPY): the rows must read back as they do when SQLAlchemy's insert writes them."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from bench import _bulk as bulk
from shared.persistence import ExactDecimal, UTCDateTime

metadata = sa.MetaData()
rows_table = sa.Table(
    "bulk_rows", metadata,
    sa.Column("id", sa.String(10), primary_key=True),
    sa.Column("window", sa.String(30), nullable=True),            # a keyword: quoted
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("at", UTCDateTime, nullable=True),
    sa.Column("amount", ExactDecimal(20, 2), nullable=False),
    sa.Column("flag", sa.Boolean, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("kept", sa.JSON, nullable=False, default=list),     # a Python default, left out of the rows
    sa.Column("n", sa.Integer, nullable=False, server_default="7"),
)
ROWS = [
    {"id": "a", "window": "global", "day": date(2021, 3, 31), "at": datetime(2021, 1, 1, 12, tzinfo=timezone.utc),
     "amount": Decimal("12.30"), "flag": True, "tags": ["x", {"y": "tab\there"}]},
    {"id": "b", "window": "back\\slash\nnew line\r", "day": date(2020, 1, 1), "at": None,
     "amount": Decimal("-0.01"), "flag": False, "tags": []},
    {"id": "c", "window": None, "day": date(2019, 12, 31), "at": datetime(2021, 6, 1, tzinfo=timezone.utc),
     "amount": Decimal("0"), "flag": True, "tags": {"k": None}},
]


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/bulk.sqlite3"
    return request.getfixturevalue("postgres_database_factory")()


def read(engine):
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(rows_table).order_by(rows_table.c.id))]


def test_bulk_rows_read_back_as_sqlalchemys_insert_writes_them(url):
    engine = bulk.engine(url)
    try:
        metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(rows_table.insert(), ROWS)
        expected = read(engine)
        with engine.begin() as conn:
            conn.execute(rows_table.delete())
            bulk.insert(conn, rows_table, ROWS)
        assert read(engine) == expected
        assert [r["kept"] for r in expected] == [[], [], []] and {r["n"] for r in expected} == {7}
    finally:
        metadata.drop_all(engine)
        engine.dispose()
