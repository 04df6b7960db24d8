"""The import of one document, for the HTTP route and the CLI alike: read and check every
activity (gateway.iati_import.reading), map it (mapping), refuse other organisations'
activities, then hand them to the programmes service in chunks of IATI_IMPORT_CHUNK
activities (bounded messages, staged by the service), the last call applying all of them in
one transaction. Every error of the document is reported, not only the first one."""
from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from typing import Any, BinaryIO

from gateway.iati_import.mapping import to_platform
from gateway.iati_import.reading import problem, read_activities
from gateway.problems import DocumentRefused
from shared.actors import Actor
from shared.errors import InvalidInput
from shared.iati.findings import Finding, finding

_KEY = re.compile(r"^activities\.(\d+)\.?(.*)$")
Where = tuple[str | None, str, int | None]   # an activity's identifier, path and line


MAX_LISTED = 10_000   # errors listed in a refusal (all are counted): a hostile document's answer stays bounded


class _Problems(list[Finding]):
    """Every problem counted, the first MAX_LISTED kept."""
    total = 0

    def extend(self, found: Any) -> None:
        found = list(found)
        self.total += len(found)
        super().extend(found[:max(0, MAX_LISTED - len(self))])

    def append(self, found: Finding) -> None:
        self.extend([found])


def chunk_size() -> int:
    return int(os.environ.get("IATI_IMPORT_CHUNK", 500))


class _Batches:
    """Mapped activities sent to the service `size` at a time; the rest goes with the final call."""

    def __init__(self, service: Any, actor: Actor, size: int):
        self.service, self.actor, self.size = service, actor, size
        self.import_id, self.seq, self.pending = str(uuid.uuid4()), 0, list[dict[str, Any]]()

    def add(self, entry: dict[str, Any]) -> None:
        self.pending.append(entry)
        if len(self.pending) >= self.size:
            self.service.stage_activities(self.import_id, self.seq, self.pending, actor=self.actor.to_wire())
            self.seq, self.pending = self.seq + 1, []

    def finish(self, dry_run: bool) -> dict[str, Any]:
        return dict(self.service.import_activities(self.pending, dry_run=dry_run, actor=self.actor.to_wire(),
                                                   import_id=self.import_id if self.seq else None))

    def discard(self) -> None:
        """After a dry run or a refusal nothing of the document stays staged."""
        if self.seq:
            self.service.discard_import(self.import_id, actor=self.actor.to_wire())


def import_document(stream: BinaryIO, *, actor: Actor, dry_run: bool, service: Any,
                    progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """`service`: the programmes service's RPC proxy (stage_activities, import_activities,
    discard_import)."""
    problems = _Problems()
    where: list[Where] = []
    batches = _Batches(service, actor, chunk_size())
    try:
        for activity in read_activities(stream, problems, progress):
            problems.extend(activity.errors)
            reporting = activity.element.find("reporting-org")
            ref = reporting.get("ref") if reporting is not None else None
            if not activity.errors and not actor.owns(ref or ""):
                # the same words whoever's it is: a refusal tells nothing of other organisations
                problems.append(finding(reporting, kind="platform", attr="ref",
                                        message="must be your organisation's identifier"))
            where.append((activity.identifier, activity.path, activity.line))
            if not problems:   # once refused, only errors are still collected
                entry = to_platform(activity.element)
                entry["warnings"] = [w.message for w in activity.warnings] + entry["warnings"]
                batches.add(entry)
        if problems:
            raise DocumentRefused([problem(p) for p in problems], problems.total)
        try:
            outcome = batches.finish(dry_run)
        except InvalidInput as exc:
            raise DocumentRefused(_platform_problems(exc.errors, where)) from None
    except BaseException:
        batches.discard()
        raise
    if dry_run:
        batches.discard()
    for entry in outcome["activities"]:
        entry["path"] = where[entry.pop("index")][1]
    return outcome


def _platform_problems(errors: dict[str, list[str]], where: list[Where]) -> list[dict[str, Any]]:
    out = []
    for key, messages in sorted(errors.items()):
        match = _KEY.match(key)
        identifier, path, line = where[int(match.group(1))] if match and int(match.group(1)) < len(where) \
            else (None, "/iati-activities", None)
        field = match.group(2) if match else key
        for message in messages:
            out.append({"kind": "platform", "activity": identifier, "path": path, "line": line,
                        "reason": f"{field}: {message}" if field else message})
    return out
