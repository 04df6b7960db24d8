"""Narratives: what a programme tells in words for a reporting period, next to its figures.

A narrative is about one indicator of the programme (the story behind its figures for the
period) or one section of the programme's narrative report (`category`). One per programme,
period and subject: writing again replaces the text (an entry, so only while the period is
open: domain/periods.py). Attachments are files kept through shared.storage; the narrative
keeps what describes each (key, name, checked media type, size, SHA-256), never the bytes.
Every change records `narrative.updated` (the narrative as it is now, and what changed)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from programmes.domain.cities import new_id
from programmes.domain.programmes import Programme
from shared.aggregate import EventsMixin
from shared.errors import Conflict

MAX_ATTACHMENTS = 20


@dataclass
class Narrative(EventsMixin):
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
        narrative = cls(new_id(), programme.id, programme.reporting_org["ref"], period["start"], period["end"],
                        indicator, category, text, now, now, by)
        narrative._changed(programme, "written")
        return narrative

    def rewrite(self, programme: Programme, text: str, *, now: datetime, by: str | None) -> None:
        self.text, self.updated_at, self.updated_by = text, max(now, self.updated_at), by
        self._changed(programme, "rewritten")

    def attach(self, programme: Programme, attachment: dict[str, Any], *, now: datetime, by: str | None
               ) -> dict[str, Any]:
        if len(self.attachments) >= MAX_ATTACHMENTS:
            raise Conflict(f"a narrative has at most {MAX_ATTACHMENTS} attachments; this one has "
                           f"{len(self.attachments)}")
        stored = {**attachment, "uploaded_at": now.isoformat(), "uploaded_by": by}
        self.attachments.append(stored)
        self.updated_at, self.updated_by = max(now, self.updated_at), by
        self._changed(programme, "attachment_added", stored)
        return stored

    def detach(self, programme: Programme, attachment_id: str, *, now: datetime, by: str | None
               ) -> dict[str, Any] | None:
        """Remove an attachment's description; the removed one (its key: the caller deletes the file),
        None if the narrative has no such attachment."""
        found = self.attachment(attachment_id)
        if found is not None:
            self.attachments.remove(found)
            self.updated_at, self.updated_by = max(now, self.updated_at), by
            self._changed(programme, "attachment_removed", found)
        return found

    def attachment(self, attachment_id: str) -> dict[str, Any] | None:
        return next((a for a in self.attachments if a["id"] == attachment_id), None)

    def _changed(self, programme: Programme, change: str, attachment: dict[str, Any] | None = None) -> None:
        self.record("narrative.updated", {
            **programme.ref(), "narrative_id": self.id, "period": {"start": self.period_start, "end": self.period_end},
            "indicator": self.indicator_code, "category": self.category, "change": change, "text": self.text,
            "attachments": [_described(a) for a in self.attachments],
            "attachment": _described(attachment) if attachment else None,
            "updated_by": self.updated_by, "updated_at": self.updated_at})


def _described(attachment: dict[str, Any]) -> dict[str, Any]:
    """What an event says of a file: never its storage key."""
    return {k: attachment[k] for k in ("id", "filename", "content_type", "size", "sha256")}
