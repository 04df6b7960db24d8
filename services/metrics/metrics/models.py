"""Read model of the metrics service: the facts it needs, projected from events."""
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import backbone_tables


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
outbox, inbox = backbone_tables(metadata)


class ProgrammeFact(Base):
    __tablename__ = "programme_facts"

    programme_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    funding_window: Mapped[str] = mapped_column(sa.String(30))
    themes: Mapped[list] = mapped_column(sa.JSON)
    countries: Mapped[list] = mapped_column(sa.JSON)


class ResultFact(Base):
    __tablename__ = "result_facts"
    __table_args__ = (sa.Index("ix_result_facts_indicator", "indicator", "city_country", "city_name"),)

    result_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    programme_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    indicator: Mapped[str] = mapped_column(sa.String(100))
    city_name: Mapped[str] = mapped_column(sa.String(200))
    city_country: Mapped[str] = mapped_column(sa.String(2))
    value: Mapped[int] = mapped_column(sa.BigInteger)
    recorded_at: Mapped[sa.DateTime] = mapped_column(sa.DateTime(timezone=True))
    # The approved version counted: a revision replaces the value of a lower version, never adds.
    version: Mapped[int] = mapped_column(sa.Integer, server_default="1")
    parent_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)


class GrantFact(Base):
    __tablename__ = "grant_facts"

    grant_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    programme_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    amount: Mapped[sa.Numeric] = mapped_column(sa.Numeric(20, 2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    awarded_at: Mapped[sa.DateTime] = mapped_column(sa.DateTime(timezone=True))
