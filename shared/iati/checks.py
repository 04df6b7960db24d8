"""Checks of one IATI 2.03 activity beyond the XSD: its codes against the IATI codelists
(`kind="codelist"`) and the IATI Validator rules that concern this platform's data
(`kind="rule"`). Pure: the same element whether parsed from a document or built by the export.
The import reports the findings (errors refuse, warnings are listed); the export's tests
require none. docs/iati.md "Rules and codelists" lists every check."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from shared.iati.codelist_checks import codelist_findings
from shared.iati.findings import Finding, finding
from shared.iati.rules import rule_findings

# `finding(el, kind=, message=, attr=)` locates any other finding (schema, platform) the same way
__all__ = ["Finding", "check_activity", "finding"]


def check_activity(activity: Any, *, today: date | None = None) -> list[Finding]:
    """Every finding for one `iati-activity` element: codelists first, then rules, each in
    document order. `today` (UTC by default) bounds the dates that must not be in the future."""
    return codelist_findings(activity) + rule_findings(activity, today or datetime.now(timezone.utc).date())
