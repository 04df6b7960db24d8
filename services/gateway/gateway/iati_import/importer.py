"""The import of one document, for the HTTP route and the CLI alike: read and check every
activity (gateway.iati_import.reading), map it (mapping), refuse other organisations'
activities, then hand all of them to the programmes service, which applies them in one
transaction. Every error of the document is reported, not only the first one."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, BinaryIO

from gateway.iati_import.mapping import to_platform
from gateway.iati_import.reading import Problem, read_activities
from gateway.problems import DocumentRefused
from shared.actors import Actor
from shared.errors import InvalidInput

_KEY = re.compile(r"^activities\.(\d+)\.?(.*)$")


def import_document(stream: BinaryIO, *, actor: Actor, dry_run: bool, apply: Callable[..., dict[str, Any]],
                    progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """`apply(activities, dry_run=, actor=)` is the programmes service's `import_activities`."""
    problems: list[Problem] = []
    mapped: list[dict[str, Any]] = []
    where: list[tuple[str | None, str, int | None]] = []
    for activity in read_activities(stream, problems, progress):
        problems.extend(activity.errors)
        reporting = activity.element.find("reporting-org")
        ref = reporting.get("ref") if reporting is not None else None
        if not activity.errors and not actor.owns(ref or ""):
            # the same words whoever's it is: a refusal tells nothing of other organisations
            problems.append(Problem("platform", "reporting-org/@ref must be your organisation's identifier",
                                    activity.identifier, f"{activity.path}/reporting-org/@ref",
                                    reporting.sourceline if reporting is not None else activity.line))
        if not problems:   # once refused, only errors are still collected
            entry = to_platform(activity.element)
            entry["warnings"] = [w.reason for w in activity.warnings] + entry["warnings"]
            mapped.append(entry)
            where.append((activity.identifier, activity.path, activity.line))
    if problems:
        raise DocumentRefused([p.as_dict() for p in problems])
    try:
        outcome = apply(mapped, dry_run=dry_run, actor=actor.to_wire())
    except InvalidInput as exc:
        raise DocumentRefused(_platform_problems(exc.errors, where)) from None
    for entry in outcome["activities"]:
        entry["path"] = where[entry.pop("index")][1]
    return outcome


def _platform_problems(errors: dict[str, list[str]], where: list[tuple[str | None, str, int | None]]
                       ) -> list[dict[str, Any]]:
    out = []
    for key, messages in sorted(errors.items()):
        match = _KEY.match(key)
        identifier, path, line = where[int(match.group(1))] if match and int(match.group(1)) < len(where) \
            else (None, "/iati-activities", None)
        field = match.group(2) if match else key
        for message in messages:
            out.append(Problem("platform", f"{field}: {message}" if field else message, identifier, path,
                               line).as_dict())
    return out
