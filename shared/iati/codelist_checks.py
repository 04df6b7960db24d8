"""Codes of an activity against their IATI 2.03 codelists (shared.reference): every coded
attribute this platform reads or writes (docs/iati.md). A code in a vocabulary other than the
one its codelist belongs to (e.g. a sector of vocabulary 2) is not checked: IATI keeps such
codelists outside the standard, and the platform does not read them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.iati.findings import Finding, finding, shown
from shared.reference import codelist


def _vocabulary(*accepted: str, default: str | None = "1") -> Callable[[Any], bool]:
    """Applies when the element's @vocabulary is one of `accepted` (absent means `default`)."""
    return lambda el: el.get("vocabulary", default) in accepted


@dataclass(frozen=True)
class CodedAttribute:
    elements: str  # ElementPath from the iati-activity
    attribute: str
    codelist: str  # file name in shared/reference_data/iati, without .xml
    applies: Callable[[Any], bool] = lambda el: True


CODED_ATTRIBUTES: tuple[CodedAttribute, ...] = (
    CodedAttribute(".", "default-currency", "Currency"),
    CodedAttribute("reporting-org", "type", "OrganisationType"),
    CodedAttribute("participating-org", "role", "OrganisationRole"),
    CodedAttribute("participating-org", "type", "OrganisationType"),
    CodedAttribute("activity-status", "code", "ActivityStatus"),
    CodedAttribute("activity-date", "type", "ActivityDateType"),
    # activity level: the platform does not read a transaction's geography or sectors
    CodedAttribute("recipient-country", "code", "Country"),
    CodedAttribute("recipient-region", "code", "Region", _vocabulary("1")),
    CodedAttribute("sector", "vocabulary", "SectorVocabulary"),
    CodedAttribute("sector", "code", "Sector", _vocabulary("1")),
    CodedAttribute("tag", "vocabulary", "TagVocabulary"),
    CodedAttribute("tag", "code", "UNSDG-Goals", _vocabulary("2", default=None)),
    CodedAttribute("tag", "code", "UNSDG-Targets", _vocabulary("3", default=None)),
    CodedAttribute("policy-marker", "code", "PolicyMarker", _vocabulary("1")),
    CodedAttribute("policy-marker", "significance", "PolicySignificance"),
    CodedAttribute("budget", "type", "BudgetType"),
    CodedAttribute("budget", "status", "BudgetStatus"),
    # value, loan-status, forecast: every amount names its currency from one list
    CodedAttribute(".//*[@currency]", "currency", "Currency"),
    CodedAttribute("transaction/transaction-type", "code", "TransactionType"),
    CodedAttribute("transaction/provider-org", "type", "OrganisationType"),
    CodedAttribute("transaction/receiver-org", "type", "OrganisationType"),
    CodedAttribute("related-activity", "type", "RelatedActivityType"),
    CodedAttribute("result", "type", "ResultType"),
    CodedAttribute("result/indicator", "measure", "IndicatorMeasure"),
    CodedAttribute("result/indicator/reference", "vocabulary", "IndicatorVocabulary"),
)


def codelist_findings(activity: Any) -> list[Finding]:
    """A codelist error per coded attribute whose value is not an active code of its list
    (withdrawn codes are out of shared.reference, so they are refused too). An absent
    attribute is the XSD's business, not a codelist's."""
    found = []
    for spec in CODED_ATTRIBUTES:
        codes = codelist(spec.codelist)
        for el in activity.iterfind(spec.elements):
            code = el.get(spec.attribute)
            if code is None or code in codes or not spec.applies(el):
                continue
            found.append(finding(
                el, kind="codelist", attr=spec.attribute, code=shown(code),
                message=f'{el.tag}/@{spec.attribute}: "{shown(code)}" is not a code of the IATI codelist '
                        f'{spec.codelist}'))
    found.sort(key=lambda f: (f.line or 0))
    return found
