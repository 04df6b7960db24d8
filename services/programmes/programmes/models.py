"""Tables of the programmes service's own database."""
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import backbone_tables


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
outbox, inbox = backbone_tables(metadata)


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    funding_window: Mapped[str] = mapped_column(sa.String(30), index=True)
    themes: Mapped[list] = mapped_column(sa.JSON)
    countries: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[sa.DateTime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[sa.DateTime] = mapped_column(sa.DateTime(timezone=True), index=True)
    cities: Mapped[list["ProgrammeCity"]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeCity.position")


class ProgrammeCity(Base):
    __tablename__ = "programme_cities"
    __table_args__ = (sa.UniqueConstraint("programme_id", "name", "country"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    programme_id: Mapped[str] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2))
    programme: Mapped[Programme] = relationship(back_populates="cities")


class Result(Base):
    __tablename__ = "results"
    __table_args__ = (sa.Index("ix_results_programme", "programme_id", "indicator"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    programme_id: Mapped[str] = mapped_column(sa.ForeignKey("programmes.id"))
    indicator: Mapped[str] = mapped_column(sa.String(100))
    city_name: Mapped[str] = mapped_column(sa.String(200))
    city_country: Mapped[str] = mapped_column(sa.String(2))
    value: Mapped[int] = mapped_column(sa.BigInteger)
    recorded_at: Mapped[sa.DateTime] = mapped_column(sa.DateTime(timezone=True))
