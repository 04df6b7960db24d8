"""A finding of the IATI checks (shared.iati.checks): where, what, how severe."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

SHOWN = 80  # characters of a document's value echoed in a finding: a report stays small

# the checks give codelist and rule findings; the import reports schema and platform ones alike
Kind = Literal["schema", "codelist", "rule", "platform"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    kind: Kind
    severity: Severity
    activity: str | None  # the iati-identifier text, None when empty
    path: str  # lxml's path of the element, plus "/@attr" for an attribute
    line: int | None
    message: str
    code: str | None = None  # the offending code (codelist findings)
    rule: str | None = None  # a short stable id (rule findings), e.g. "sector-percentages"


def finding(el: Any, *, kind: Kind, message: str, attr: str | None = None, severity: Severity = "error",
            code: str | None = None, rule: str | None = None) -> Finding:
    """A finding located at `el` (and its attribute `attr`), for the activity that holds it."""
    path = str(el.getroottree().getpath(el)) + (f"/@{attr}" if attr else "")
    line = el.sourceline if isinstance(el.sourceline, int) else None
    return Finding(kind=kind, severity=severity, activity=activity_id(el), path=path, line=line,
                   message=message, code=code, rule=rule)


def activity_id(el: Any) -> str | None:
    """The iati-identifier of the activity `el` belongs to (el itself or an ancestor)."""
    activity = el if el.tag == "iati-activity" else next(el.iterancestors("iati-activity"), None)
    if activity is None:
        return None
    text = activity.findtext("iati-identifier")
    return str(text).strip() or None if text is not None else None


def shown(value: str) -> str:
    """A value from the document as a finding quotes it: cut to SHOWN characters."""
    return value if len(value) <= SHOWN else value[:SHOWN - 1] + "\u2026"
