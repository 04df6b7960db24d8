"""Calls for proposals and the applications made to them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from grants import domain
from grants.repositories.base import APPLICATIONS, CALLS, Page, Repository
from shared.persistence import encode_cursor, from_row, get, to_row, upsert


class SqlCalls(Repository):
    def save(self, call: domain.Call) -> None:
        upsert(self.session, CALLS, to_row(CALLS, call))
        self.track(call)

    def get(self, call_id: str, *, for_update: bool = False) -> domain.Call | None:
        row = get(self.session, CALLS, call_id, for_update=for_update)
        return None if row is None else self.track(from_row(domain.Call, row))

    def past_deadline(self, now: datetime) -> list[domain.Call]:
        c = CALLS.c
        rows = self.session.execute(sa.select(CALLS).where(c.status == "open", c.closes_at <= now)
                                    .order_by(c.closes_at, c.id))
        return [from_row(domain.Call, r) for r in rows]

    def applications_count(self, call_id: str) -> int:
        count = sa.select(sa.func.count()).select_from(APPLICATIONS).where(APPLICATIONS.c.call_id == call_id)
        return int(self.session.execute(count).scalar_one())

    def list(self, *, limit: int, cursor: str | None, theme: str | None = None, **filters: Any) -> Page:
        order = ["created_at", "id"]
        if theme is None:
            page = self._page(CALLS, order, limit, cursor, filters)
            return [from_row(domain.Call, r) for r in page.rows], page.next_cursor
        # themes is a JSON list: filter in Python, page by page, without skipping items
        items: list[domain.Call] = []
        next_cursor, last = cursor, None
        while len(items) < limit:
            page = self._page(CALLS, order, limit, next_cursor, filters)
            next_cursor = page.next_cursor
            for row in page.rows:
                if theme in row.themes and len(items) < limit:
                    items.append(from_row(domain.Call, row))
                    last = row
            if next_cursor is None:
                break
        if len(items) == limit and next_cursor is not None and last is not None:
            next_cursor = encode_cursor([last.created_at, last.id])
        return items, next_cursor


class SqlApplications(Repository):
    def save(self, application: domain.Application) -> None:
        upsert(self.session, APPLICATIONS, to_row(APPLICATIONS, application))
        self.track(application)

    def get(self, application_id: str, *, for_update: bool = False) -> domain.Application | None:
        row = get(self.session, APPLICATIONS, application_id, for_update=for_update)
        return None if row is None else self.track(from_row(domain.Application, row))

    def list(self, *, limit: int, cursor: str | None, **filters: Any) -> Page:
        page = self._page(APPLICATIONS, ["submitted_at", "id"], limit, cursor, filters)
        return [from_row(domain.Application, r) for r in page.rows], page.next_cursor
