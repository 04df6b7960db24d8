"""An iati-activities document from outside, read one activity at a time in bounded memory.

lxml's iterparse builds one `iati-activity` at a time; once it is validated, checked and
mapped it is cleared (an empty element stays so that paths keep their indexes). Each
activity is validated against the 2.03 XSD on its own (copied into an empty
`iati-activities`), so EVERY schema error of the document is listed, with the line of the
original document, not only the first one. The parser is shared.iati.schema's policy: no
DTD, no entities, no network; a document with a DOCTYPE is refused outright (XXE and entity
expansion need one; IATI documents never have one)."""
from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from lxml import etree

from shared.iati.checks import check_activity
from shared.iati.findings import Finding, Kind
from shared.iati.schema import schema

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
ROOT, ACTIVITY = "iati-activities", "iati-activity"


def max_bytes() -> int:
    """IATI_IMPORT_MAX_BYTES: larger documents are refused (413) before any parsing."""
    return int(os.environ.get("IATI_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def problem(f: Finding) -> dict[str, Any]:
    """A finding as the import reports it (docs/iati.md "Import")."""
    return {"kind": f.kind, "activity": f.activity, "path": f.path, "line": f.line, "reason": f.message}


def _error(kind: Kind, message: str, activity: str | None, path: str, line: int | None) -> Finding:
    return Finding(kind=kind, severity="error", activity=activity, path=path, line=line, message=message)


@dataclass
class Activity:
    element: Any           # the iati-activity element (cleared after the caller's turn)
    identifier: str | None
    path: str
    line: int | None
    errors: list[Finding]
    warnings: list[Finding]


class Counted:
    """A binary stream that reports the bytes read so far (for a progress bar)."""

    def __init__(self, stream: BinaryIO, progress: Callable[[int], None] | None):
        self.stream, self.progress, self.done = stream, progress, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.done += len(chunk)
        if self.progress is not None:
            self.progress(self.done)
        return chunk


def _identifier(element: Any) -> str | None:
    text = element.findtext("iati-identifier")
    return text.strip() or None if text is not None else None


def _schema_problems(root: Any, element: Any, identifier: str | None, path: str) -> list[Finding]:
    shell = etree.Element(ROOT, {"version": root.get("version") or "2.03"})
    shell.append(copy.deepcopy(element))
    xsd = schema()
    if xsd.validate(shell):
        return []
    prefix = f"/{ROOT}/{ACTIVITY}"
    return [_error("schema", e.message, identifier, path + e.path[len(prefix):] if e.path.startswith(prefix)
                   else e.path, e.line or None) for e in xsd.error_log]


def _root_problems(root: Any) -> list[Finding]:
    if root.tag != ROOT:
        return [_error("schema", f"the document's root must be <{ROOT}>, not <{root.tag}>", None, f"/{root.tag}",
                        root.sourceline)]
    shell = etree.Element(ROOT, dict(root.attrib))
    xsd = schema()
    xsd.validate(shell)
    return [_error("schema", e.message, None, e.path, root.sourceline) for e in xsd.error_log
            if "Missing child element" not in e.message]   # its activities come one by one


def _findings(element: Any) -> tuple[list[Finding], list[Finding]]:
    found = check_activity(element)
    return [f for f in found if f.severity == "error"], [f for f in found if f.severity == "warning"]


def read_activities(stream: BinaryIO, document_errors: list[Finding],
                    progress: Callable[[int], None] | None = None) -> Iterator[Activity]:
    """Each activity of the document, validated and checked. Errors of the document itself
    (not well-formed, a DOCTYPE, a bad root) are appended to `document_errors`; reading stops
    at the first one that makes the rest unreadable."""
    events = etree.iterparse(Counted(stream, progress), events=("start", "end"), resolve_entities=False,
                             load_dtd=False, dtd_validation=False, no_network=True, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    root, count = None, 0
    try:
        for event, element in events:
            if root is None:
                root = element
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    document_errors.append(_error("platform", "a DOCTYPE (DTD, entities) is not accepted in an "
                                                  "IATI document", None, "/", 1))
                    return
                document_errors.extend(_root_problems(element))
                continue
            if event != "end" or element.tag != ACTIVITY or element.getparent() is not root:
                continue
            count += 1
            identifier, path = _identifier(element), f"/{ROOT}/{ACTIVITY}[{count}]"
            errors = _schema_problems(root, element, identifier, path)
            checked, warnings = _findings(element)
            yield Activity(element, identifier, path, element.sourceline, errors + checked, warnings)
            element.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        document_errors.append(_error("schema", f"not well-formed XML: {exc.msg}", None, "/", exc.lineno or None))
        return
    if root is not None and root.tag == ROOT and count == 0:
        document_errors.append(_error("schema", f"<{ROOT}> holds no <{ACTIVITY}>", None, f"/{ROOT}",
                                      root.sourceline))
