"""Tables of the programmes service's own database (migrations/versions has their history).

Every list filter has an index that ends with the list's order (updated_at, id), so a
filtered page is a range scan of one index: the scalar filters on `programmes` and
`results`, the multi-valued ones (theme, country, city, SDG goal and target, sector,
organisation) through `programme_facets`, which repeats the programme's updated_at."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.commands import commands_table
from shared.db import backbone_tables
from shared.persistence import ExactDecimal, UTCDateTime


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
outbox, inbox = backbone_tables(metadata)
commands = commands_table(metadata)   # request key -> outcome (shared.commands)

VALUE = ExactDecimal(24, 4)      # result values, budgets: exact on SQLite too (scaled integers)
DEGREES = ExactDecimal(24, 6)    # latitude and longitude (the API takes 6 decimal places)


class Programme(Base):
    __tablename__ = "programmes"
    __table_args__ = (
        sa.Index("uq_programmes_iati_identifier", "iati_identifier", unique=True),
        sa.Index("ix_programmes_sync", "updated_at", "id"),
        sa.Index("ix_programmes_window", "funding_window", "updated_at", "id"),
        sa.Index("ix_programmes_instrument", "instrument", "updated_at", "id"),
        sa.Index("ix_programmes_status", "status", "updated_at", "id"),
        sa.Index("ix_programmes_reporting_org", "reporting_org_ref", "updated_at", "id"),
        sa.Index("ix_programmes_parent", "parent_id", "updated_at", "id"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    iati_identifier: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str | None] = mapped_column(sa.Text)
    reporting_org_ref: Mapped[str] = mapped_column(sa.String(100))
    reporting_org_name: Mapped[str] = mapped_column(sa.String(500))
    reporting_org_type: Mapped[str | None] = mapped_column(sa.String(3))
    funding_window: Mapped[str] = mapped_column(sa.String(30))
    instrument: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20))
    parent_id: Mapped[str | None] = mapped_column(sa.ForeignKey("programmes.id"))
    themes: Mapped[list] = mapped_column(sa.JSON)
    countries: Mapped[list] = mapped_column(sa.JSON)
    sdg_goals: Mapped[list] = mapped_column(sa.JSON)
    sdg_targets: Mapped[list] = mapped_column(sa.JSON)
    sectors: Mapped[list] = mapped_column(sa.JSON)
    policy_markers: Mapped[list] = mapped_column(sa.JSON)
    participating_orgs: Mapped[list] = mapped_column(sa.JSON)
    reported_transactions: Mapped[list] = mapped_column(sa.JSON, default=list)
    budget_amount: Mapped[Decimal | None] = mapped_column(VALUE)
    budget_currency: Mapped[str | None] = mapped_column(sa.String(3))
    planned_start: Mapped[date | None] = mapped_column(sa.Date)
    planned_end: Mapped[date | None] = mapped_column(sa.Date)
    actual_start: Mapped[date | None] = mapped_column(sa.Date)
    actual_end: Mapped[date | None] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProgrammeFacet(Base):
    """One row per value of a multi-valued filter: kind is theme, country, city, sdg_goal,
    sdg_target, sector or org (reporting and participating organisations)."""
    __tablename__ = "programme_facets"
    __table_args__ = (sa.Index("ix_programme_facets_filter", "kind", "code", "updated_at", "programme_id"),)

    programme_id: Mapped[str] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"),
                                              primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class City(Base):
    __tablename__ = "cities"
    __table_args__ = (
        sa.Index("uq_cities_country_name", "country", "name_key", unique=True),
        sa.Index("ix_cities_sync", "updated_at", "id"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_key: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2))
    population: Mapped[int | None] = mapped_column(sa.BigInteger)
    secondary_city: Mapped[bool] = mapped_column(sa.Boolean)
    latitude: Mapped[Decimal | None] = mapped_column(DEGREES)
    longitude: Mapped[Decimal | None] = mapped_column(DEGREES)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProgrammeCity(Base):
    __tablename__ = "programme_cities"
    __table_args__ = (sa.Index("ix_programme_cities_city", "city_id", "programme_id"),)

    programme_id: Mapped[str] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"),
                                              primary_key=True)
    city_id: Mapped[str] = mapped_column(sa.ForeignKey("cities.id"), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Indicator(Base):
    __tablename__ = "indicators"

    programme_id: Mapped[str] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"),
                                              primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(500))
    corporate: Mapped[bool] = mapped_column(sa.Boolean)
    measure: Mapped[str] = mapped_column(sa.String(12))
    reach: Mapped[str] = mapped_column(sa.String(10))
    ascending: Mapped[bool] = mapped_column(sa.Boolean)
    sdg_indicator: Mapped[str | None] = mapped_column(sa.String(20))
    baseline: Mapped[dict | None] = mapped_column(sa.JSON)
    targets: Mapped[list] = mapped_column(sa.JSON)
    reporting: Mapped[str] = mapped_column(sa.String(12))
    rollup: Mapped[str] = mapped_column(sa.String(8))
    scale: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Result(Base):
    __tablename__ = "results"
    __table_args__ = (
        sa.Index("uq_results_slot", "programme_id", "indicator_code", "city_id", "period_start", "period_end",
                 unique=True),
        sa.Index("ix_results_sync", "updated_at", "id"),
        sa.Index("ix_results_programme", "programme_id", "updated_at", "id"),
        sa.Index("ix_results_indicator", "indicator_code", "updated_at", "id"),
        sa.Index("ix_results_city", "city_id", "updated_at", "id"),
        sa.Index("ix_results_status", "status", "updated_at", "id"),
        sa.Index("ix_results_reporting_org", "reporting_org_ref", "updated_at", "id"),
        sa.Index("ix_results_period", "period_start", "period_end"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    programme_id: Mapped[str] = mapped_column(sa.ForeignKey("programmes.id"))
    reporting_org_ref: Mapped[str] = mapped_column(sa.String(100))
    indicator_code: Mapped[str] = mapped_column(sa.String(100))
    city_id: Mapped[str] = mapped_column(sa.ForeignKey("cities.id"))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(12))
    version: Mapped[int] = mapped_column(sa.Integer)
    value: Mapped[Decimal] = mapped_column(VALUE)
    disaggregations: Mapped[dict] = mapped_column(sa.JSON)
    numerator: Mapped[Decimal | None] = mapped_column(VALUE)      # a percentage's, when reported
    denominator: Mapped[Decimal | None] = mapped_column(VALUE)
    approved_version: Mapped[int | None] = mapped_column(sa.Integer)
    approved_value: Mapped[Decimal | None] = mapped_column(VALUE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ResultVersion(Base):
    __tablename__ = "result_versions"

    result_id: Mapped[str] = mapped_column(sa.ForeignKey("results.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(12))
    value: Mapped[Decimal] = mapped_column(VALUE)
    disaggregations: Mapped[dict] = mapped_column(sa.JSON)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    numerator: Mapped[Decimal | None] = mapped_column(VALUE)
    denominator: Mapped[Decimal | None] = mapped_column(VALUE)
    log: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ImportChunk(Base):
    """Activities of an IATI import staged chunk by chunk by the gateway (bounded messages),
    applied together by the import's final call in one transaction (handlers/imports.py)."""
    __tablename__ = "import_chunks"
    __table_args__ = (sa.Index("ix_import_chunks_created", "created_at"),)

    import_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(200))   # who staged it: only they apply or discard it
    activities: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)



class PeriodReopening(Base):
    """An admin's exception to the plan's reporting calendar (domain/periods.py)."""
    __tablename__ = "period_reopenings"
    __table_args__ = (sa.Index("ix_period_reopenings_period", "programme_id", "period_start", "period_end"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    programme_id: Mapped[str] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    until: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_by: Mapped[str | None] = mapped_column(sa.String(200))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportScheduleItem(Base):
    """A report a programme owes by a date (domain/schedules.py); the sweep reads the open ones by due date."""
    __tablename__ = "report_schedule_items"
    __table_args__ = (sa.Index("ix_report_schedule_items_programme", "programme_id", "due_date", "id"),
                      sa.Index("ix_report_schedule_items_open", "submitted_at", "escalated_at", "due_date"))

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    programme_id: Mapped[str] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"))
    reporting_org_ref: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.String(200))
    due_date: Mapped[date] = mapped_column(sa.Date)
    remind_days: Mapped[int] = mapped_column(sa.Integer)
    period_start: Mapped[date | None] = mapped_column(sa.Date)
    period_end: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str | None] = mapped_column(sa.String(200))
    narrative_ids: Mapped[list] = mapped_column(sa.JSON, server_default="[]")   # submitted with the report
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)          # locks the period (domain/periods.py)
    approved_by: Mapped[str | None] = mapped_column(sa.String(200))


class Narrative(Base):
    """A programme's narrative of one period: about an indicator or a report section (domain/narratives.py)."""
    __tablename__ = "narratives"
    __table_args__ = (sa.Index("uq_narratives_slot", "programme_id", "period_start", "period_end", "subject",
                               unique=True),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    programme_id: Mapped[str] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"))
    reporting_org_ref: Mapped[str] = mapped_column(sa.String(100))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    subject: Mapped[str] = mapped_column(sa.String(120))    # "indicator:<code>" or "category:<name>"
    indicator_code: Mapped[str | None] = mapped_column(sa.String(100))
    category: Mapped[str | None] = mapped_column(sa.String(30))
    text: Mapped[str] = mapped_column(sa.Text)
    attachments: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str | None] = mapped_column(sa.String(200))

# Partners' lists compare organisations case-folded (shared.actors.org_key): an index on the
# lower-cased reporting organisation keeps such a page a range scan in the list's order.
sa.Index("ix_programmes_reporting_org_key", sa.func.lower(Programme.reporting_org_ref), Programme.updated_at,
         Programme.id)
sa.Index("ix_results_reporting_org_key", sa.func.lower(Result.reporting_org_ref), Result.updated_at, Result.id)
