"""Screening: every rule of the fund and the call an application breaks, each with its reason."""
from __future__ import annotations

from typing import TYPE_CHECKING

from grants.domain.common import fmt, money

if TYPE_CHECKING:
    from grants.domain.applications import Application
    from grants.domain.calls import Call
    from grants.domain.funds import Fund

SCREENING_RULES = (
    "applicant_type", "country", "theme", "min_grant", "max_grant", "call_envelope", "cofinancing",
    "questions",
)


def screening_failures(app: Application, fund: Fund, call: Call) -> list[dict[str, str]]:
    """Every rule of the fund and the call the application breaks, each with its reason."""
    failures: list[dict[str, str]] = []

    def fail(rule: str, field_name: str, reason: str) -> None:
        failures.append({"rule": rule, "field": field_name, "reason": reason})

    if app.applicant_type not in fund.eligible_applicant_types:
        fail("applicant_type", "applicant_type",
             f"organisation type {app.applicant_type} is not eligible for this fund "
             f"(eligible: {', '.join(fund.eligible_applicant_types)})")
    if app.country not in fund.eligible_countries:
        fail("country", "country", f"{app.country} is not an eligible country of this fund "
                                   f"(eligible: {', '.join(fund.eligible_countries)})")
    if call.themes and app.theme not in call.themes:
        fail("theme", "theme", f"the call focuses on {', '.join(call.themes)}, not {app.theme}")
    if app.amount_requested < fund.min_grant:
        fail("min_grant", "amount_requested",
             f"below the fund's minimum grant of {fmt(fund.min_grant, fund.currency)}")
    if app.amount_requested > fund.max_grant:
        fail("max_grant", "amount_requested",
             f"above the fund's maximum grant of {fmt(fund.max_grant, fund.currency)}")
    if app.amount_requested > call.envelope:
        fail("call_envelope", "amount_requested",
             f"above the call's envelope of {fmt(call.envelope, call.currency)}")
    ceiling = money(app.project_cost * fund.max_cofinancing_share)
    if app.amount_requested > ceiling:
        share = (fund.max_cofinancing_share * 100).normalize()
        fail("cofinancing", "amount_requested",
             f"the grant may cover at most {share:f}% of the project's cost "
             f"({fmt(ceiling, fund.currency)} of {fmt(app.project_cost, fund.currency)})")
    for question in call.questions:
        if question.get("required", True) and not (app.answers.get(question["code"]) or "").strip():
            fail("questions", f"answers.{question['code']}", f"the call's question {question['code']!r} "
                                                             f"is not answered")
    return failures
