"""Narratives: what a programme tells in words for a reporting period, next to its figures.

A narrative is about one indicator of the programme (the story behind its figures for the
period) or one section of the programme's narrative report (`category`). One per programme,
period and subject: writing again replaces the text (an entry, so only while the period is
open: domain/periods.py). Attachments are files kept through shared.storage; the narrative
keeps what describes each (key, name, checked media type, size, SHA-256), never the bytes."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from programmes.domain.cities import new_id
from programmes.domain.programmes import Programme
from shared.errors import Conflict

MAX_ATTACHMENTS = 20


@dataclass
class Narrative:
    id: str
    programme_id: str
    reporting_org_ref: str
    period_start: date
    period_end: date
    indicator_code: str | None     # a narrative of one indicator's period...
    category: str | None           # ...or a section of the narrative report
    text: str
    created_at: datetime
    updated_at: datetime
    updated_by: str | None
    attachments: list[dict[str, Any]] = field(default_factory=list)  # {id, key, filename, content_type, size, ...}

    @staticmethod
    def subject_of(indicator: str | None, category: str | None) -> str:
        return f"indicator:{indicator}" if indicator else f"category:{category}"

    @property
    def subject(self) -> str:
        return self.subject_of(self.indicator_code, self.category)

    @classmethod
    def write(cls, programme: Programme, *, period: dict[str, date], indicator: str | None, category: str | None,
              text: str, now: datetime, by: str | None) -> Narrative:
        return cls(new_id(), programme.id, programme.reporting_org["ref"], period["start"], period["end"], indicator,
                   category, text, now, now, by)

    def rewrite(self, text: str, *, now: datetime, by: str | None) -> None:
        self.text, self.updated_at, self.updated_by = text, max(now, self.updated_at), by

    def attach(self, attachment: dict[str, Any], *, now: datetime, by: str | None) -> dict[str, Any]:
        if len(self.attachments) >= MAX_ATTACHMENTS:
            raise Conflict(f"a narrative has at most {MAX_ATTACHMENTS} attachments; this one has "
                           f"{len(self.attachments)}")
        stored = {**attachment, "uploaded_at": now.isoformat(), "uploaded_by": by}
        self.attachments.append(stored)
        self.updated_at, self.updated_by = max(now, self.updated_at), by
        return stored

    def attachment(self, attachment_id: str) -> dict[str, Any] | None:
        return next((a for a in self.attachments if a["id"] == attachment_id), None)
