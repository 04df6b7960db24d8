"""Tables of the grants service's own database. Columns carry the names of the domain's
attributes, so repositories map rows and objects by name (shared.persistence.to_row/from_row).

Money is exact on every database (ExactDecimal: NUMERIC on PostgreSQL, a scaled integer on
SQLite, so ledger sums are exact there too); times are aware UTC (UTCDateTime)."""
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.commands import commands_table
from shared.db import backbone_tables
from shared.persistence import ExactDecimal, UTCDateTime

MONEY = ExactDecimal(20, 2)
# 10 places below 10**8: a scaled rate (x 10**10) must fit SQLite's 64-bit integer (see domain.rates).
RATE = ExactDecimal(18, 10)
SHARE = ExactDecimal(6, 4)


def Money(**kwargs: Any) -> Any:  # noqa: N802
    kwargs.setdefault("nullable", False)
    return mapped_column(MONEY, **kwargs)


def Time(**kwargs: Any) -> Any:  # noqa: N802
    kwargs.setdefault("nullable", False)
    return mapped_column(UTCDateTime, **kwargs)


def Day(**kwargs: Any) -> Any:  # noqa: N802
    kwargs.setdefault("nullable", False)
    return mapped_column(sa.Date, **kwargs)


def Rate(**kwargs: Any) -> Any:  # noqa: N802
    kwargs.setdefault("nullable", False)
    return mapped_column(RATE, **kwargs)


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
outbox, inbox = backbone_tables(metadata)
commands = commands_table(metadata)   # request key -> outcome (shared.commands)


class Fund(Base):
    __tablename__ = "funds"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    window: Mapped[str] = mapped_column(sa.String(30), index=True)
    currency: Mapped[str] = mapped_column(sa.String(3), index=True)
    min_grant = Money()
    max_grant = Money()
    eligible_applicant_types: Mapped[list] = mapped_column(sa.JSON)
    eligible_countries: Mapped[list] = mapped_column(sa.JSON)
    max_cofinancing_share = mapped_column(SHARE, nullable=False)
    created_at = Time(index=True)


class LedgerEntry(Base):
    """The fund's transactions, IATI-typed, in the fund's currency (signed)."""
    __tablename__ = "ledger"
    __table_args__ = (sa.Index("ix_ledger_fund_type", "fund_id", "transaction_type"),
                      sa.Index("ix_ledger_fund_recorded", "fund_id", "recorded_at", "id"))

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    fund_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("funds.id"))
    transaction_type: Mapped[str] = mapped_column(sa.String(2))
    amount = Money()
    currency: Mapped[str] = mapped_column(sa.String(3))
    original_amount = Money()
    original_currency: Mapped[str] = mapped_column(sa.String(3))
    exchange_rate = Rate()
    value_date = Day()
    recorded_at = Time()
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    contribution_id: Mapped[str | None] = mapped_column(sa.String(36), index=True, nullable=True)
    grant_id: Mapped[str | None] = mapped_column(sa.String(36), index=True, nullable=True)
    tranche_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)


class ExchangeRate(Base):
    __tablename__ = "exchange_rates"

    from_currency: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    to_currency: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    effective_date = Day(primary_key=True)
    rate = Rate()
    loaded_at = Time()


class Contribution(Base):
    __tablename__ = "contributions"
    __table_args__ = (sa.Index("ix_contributions_page", "pledged_at", "id"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    fund_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("funds.id"), index=True)
    contributor: Mapped[str] = mapped_column(sa.String(300), index=True)
    contributor_type: Mapped[str | None] = mapped_column(sa.String(3), nullable=True)
    original_amount = Money()
    original_currency: Mapped[str] = mapped_column(sa.String(3))
    amount = Money()
    currency: Mapped[str] = mapped_column(sa.String(3))
    exchange_rate = Rate()
    value_date = Day()
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    pledged_at = Time()
    updated_at = Time()


class Receipt(Base):
    __tablename__ = "contribution_receipts"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    contribution_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("contributions.id"), index=True)
    original_amount = Money()
    amount = Money()
    exchange_rate = Rate()
    value_date = Day()
    received_at = Time()


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (sa.Index("ix_calls_page", "created_at", "id"),
                      sa.Index("ix_calls_status_closes", "status", "closes_at"))

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    fund_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("funds.id"), index=True)
    window: Mapped[str] = mapped_column(sa.String(30), index=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    themes: Mapped[list] = mapped_column(sa.JSON)
    opens_at = Time()
    closes_at = Time()
    envelope = Money()
    currency: Mapped[str] = mapped_column(sa.String(3))
    questions: Mapped[list] = mapped_column(sa.JSON)
    criteria: Mapped[list] = mapped_column(sa.JSON)
    required_reviews: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(20))
    committed = Money()
    created_at = Time()
    closed_at = Time(nullable=True)
    review_visibility: Mapped[str] = mapped_column(sa.String(10), server_default="shared")   # since 0007


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (sa.Index("ix_applications_page", "submitted_at", "id"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    call_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("calls.id"), index=True)
    fund_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    window: Mapped[str] = mapped_column(sa.String(30))
    applicant_organisation: Mapped[str] = mapped_column(sa.String(300), index=True)
    applicant_type: Mapped[str] = mapped_column(sa.String(3))
    title: Mapped[str] = mapped_column(sa.String(500))
    city: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2), index=True)
    theme: Mapped[str] = mapped_column(sa.String(100), index=True)
    amount_requested = Money()
    currency: Mapped[str] = mapped_column(sa.String(3))
    project_cost = Money()
    proposal: Mapped[str] = mapped_column(sa.Text)
    answers: Mapped[dict] = mapped_column(sa.JSON)
    programme_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    programme_iati_identifier: Mapped[str | None] = mapped_column(sa.String(150), nullable=True)
    targets: Mapped[list] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    failures: Mapped[list] = mapped_column(sa.JSON)
    decision_reasons: Mapped[list] = mapped_column(sa.JSON)
    grant_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    submitted_at = Time()
    updated_at = Time()
    determined_at = Time(nullable=True)
    partner_organisations: Mapped[list] = mapped_column(sa.JSON, server_default="[]")   # since 0007


class Review(Base):
    __tablename__ = "reviews"
    # one review per reviewer identity (the API key's id) per application (migration 0005)
    __table_args__ = (sa.UniqueConstraint("application_id", "reviewer", name="uq_reviews_application_reviewer"),
                      sa.Index("ix_reviews_page", "reviewed_at", "id"))

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("applications.id"), index=True)
    reviewer: Mapped[str] = mapped_column(sa.String(200), index=True)
    reviewer_name: Mapped[str] = mapped_column(sa.String(200), server_default="")
    reviewer_organisation: Mapped[str] = mapped_column(sa.String(300))
    scores: Mapped[dict] = mapped_column(sa.JSON)
    total_score: Mapped[int] = mapped_column(sa.Integer)
    recommendation: Mapped[str] = mapped_column(sa.String(10))
    comment: Mapped[str] = mapped_column(sa.Text)
    reviewed_at = Time()


class ReviewConflict(Base):
    """A conflict of interest a reviewer declared on an application (0007): it recuses the reviewer."""
    __tablename__ = "review_conflicts"
    __table_args__ = (sa.UniqueConstraint("application_id", "reviewer", name="uq_review_conflicts_reviewer"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("applications.id"), index=True)
    reviewer: Mapped[str] = mapped_column(sa.String(200), index=True)
    reviewer_organisation: Mapped[str] = mapped_column(sa.String(300))
    reason: Mapped[str] = mapped_column(sa.String(2000))
    declared_at = Time()


class ReviewAssignment(Base):
    """A reviewer a call's administrator put on an application's panel (0007)."""
    __tablename__ = "review_assignments"
    __table_args__ = (sa.UniqueConstraint("application_id", "reviewer", name="uq_review_assignments_reviewer"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    application_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("applications.id"), index=True)
    reviewer: Mapped[str] = mapped_column(sa.String(200), index=True)
    reviewer_organisation: Mapped[str] = mapped_column(sa.String(300))
    assigned_by: Mapped[str] = mapped_column(sa.String(200))
    assigned_at = Time()


class Grant(Base):
    __tablename__ = "grants"
    __table_args__ = (sa.Index("ix_grants_page", "awarded_at", "id"),
                      sa.UniqueConstraint("application_id", name="uq_grants_application_id"))

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    programme_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(300), index=True)
    amount = Money()
    currency: Mapped[str] = mapped_column(sa.String(3))
    awarded_at = Time()
    # since 0002: the lifecycle (NULL for grants recorded before funds existed)
    application_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    call_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    fund_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    window: Mapped[str | None] = mapped_column(sa.String(30), nullable=True, index=True)
    theme: Mapped[str | None] = mapped_column(sa.String(100), nullable=True, index=True)
    country: Mapped[str | None] = mapped_column(sa.String(2), nullable=True, index=True)
    city: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    recipient_type: Mapped[str | None] = mapped_column(sa.String(3), nullable=True)
    programme_iati_identifier: Mapped[str | None] = mapped_column(sa.String(150), nullable=True)
    disbursed = Money(server_default="0")
    returned = Money(server_default="0")
    status: Mapped[str] = mapped_column(sa.String(20), server_default="active", index=True)
    targets: Mapped[list | None] = mapped_column(sa.JSON, nullable=True)
    updated_at = Time(nullable=True)
    closed_at = Time(nullable=True)
    cancelled_at = Time(nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(2000), nullable=True)
    # since 0007: the agreement (grants awarded before it: not_recorded)
    agreement_status: Mapped[str] = mapped_column(sa.String(20), server_default="unsigned")
    grantee_signed_by: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    grantee_signed_at = Time(nullable=True)
    fund_signed_by: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    fund_signed_at = Time(nullable=True)


class PaymentRequest(Base):
    """A grantee's payment request for (part of) a tranche, through two approvals to payment (0007)."""
    __tablename__ = "payment_requests"
    __table_args__ = (sa.Index("ix_payment_requests_page", "submitted_at", "id"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    grant_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("grants.id"), index=True)
    tranche_id: Mapped[str] = mapped_column(sa.String(36))
    tranche_number: Mapped[int] = mapped_column(sa.Integer)
    amount = Money()
    currency: Mapped[str] = mapped_column(sa.String(3))
    original_amount = Money()
    original_currency: Mapped[str] = mapped_column(sa.String(3))
    exchange_rate = Rate()
    value_date = Day()
    reference: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    submitted_by: Mapped[str] = mapped_column(sa.String(200))
    submitted_at = Time()
    programme_approved_by: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    programme_approved_at = Time(nullable=True)
    finance_approved_by: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    finance_approved_at = Time(nullable=True)
    paid_at = Time(nullable=True)
    paid_value_date = Day(nullable=True)
    disbursement_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    failure_reason: Mapped[str | None] = mapped_column(sa.String(2000), nullable=True)
    failed_at = Time(nullable=True)
    attempts: Mapped[int] = mapped_column(sa.Integer)
    rejected_stage: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)      # 0008
    rejected_by: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    rejected_at = Time(nullable=True)
    rejection_reason: Mapped[str | None] = mapped_column(sa.String(2000), nullable=True)


class Tranche(Base):
    __tablename__ = "tranches"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    grant_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("grants.id"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    amount = Money()
    planned_date = Day(nullable=True)
    condition: Mapped[str] = mapped_column(sa.String(30))
    condition_report_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    disbursed = Money()
    status: Mapped[str] = mapped_column(sa.String(20))
    disbursed_at = Time(nullable=True)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (sa.Index("ix_reports_status_due", "status", "due_date"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    grant_id: Mapped[str] = mapped_column(sa.String(36), sa.ForeignKey("grants.id"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(300))
    due_date = Day()
    final: Mapped[bool] = mapped_column(sa.Boolean)
    status: Mapped[str] = mapped_column(sa.String(20))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    results: Mapped[list] = mapped_column(sa.JSON)
    feedback: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at = Time(nullable=True)
    approved_at = Time(nullable=True)
    due_notified_at = Time(nullable=True)
    overdue_at = Time(nullable=True)
