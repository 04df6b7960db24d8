"""Tables of the grants service's own database."""
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import backbone_tables


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
outbox, inbox = backbone_tables(metadata)


class Grant(Base):
    __tablename__ = "grants"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    programme_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(300))
    amount: Mapped[sa.Numeric] = mapped_column(sa.Numeric(20, 2))
    currency: Mapped[str] = mapped_column(sa.String(3))
    awarded_at: Mapped[sa.DateTime] = mapped_column(sa.DateTime(timezone=True))
