"""`database_away`: which database errors mean "try again shortly" (503) and which are bugs
(500), from real drivers' errors."""
import sqlalchemy as sa

from shared.db import database_away
from tests.helpers import database_error, free_port


def test_postgresql_not_listening_is_away():
    exc = database_error(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing?connect_timeout=2")
    assert isinstance(exc, sa.exc.OperationalError) and database_away(exc)


def test_a_statement_the_database_refuses_is_not_away(tmp_path):
    exc = database_error(f"sqlite:///{tmp_path / 'x.sqlite3'}", "SELECT * FROM no_such_table")
    assert isinstance(exc, sa.exc.OperationalError) and not database_away(exc)
    assert not database_away(ValueError("server closed the connection"))
