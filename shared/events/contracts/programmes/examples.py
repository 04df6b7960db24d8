"""One valid payload per event type of the programmes service, used by the contract tests."""
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any


def _examples() -> dict[str, dict[str, Any]]:
    at = datetime(2020, 5, 1, 9, 30, tzinfo=timezone.utc)
    jinja = {"id": "c-1", "name": "Jinja", "country": "UG", "population": 300000, "secondary_city": True,
             "latitude": Decimal("0.4244"), "longitude": Decimal("33.2042")}
    state = {
        "programme_id": "p-1", "iati_identifier": "XM-EXAMPLE-1-UG-001", "title": "Secondary cities of Uganda",
        "description": None,
        "reporting_org": {"ref": "XM-EXAMPLE-1", "name": "Example partner", "type": "40"},
        "funding_window": "country_city", "instrument": "country_programme", "status": "pipeline",
        "status_code": "1", "parent_id": None, "themes": ["gender_equality"], "countries": ["UG"],
        "cities": [jinja], "sdg_goals": ["11"], "sdg_targets": ["11.1"],
        "sectors": [{"code": "43030", "percentage": Decimal("100")}],
        "policy_markers": [{"code": "1", "significance": 2}],
        "participating_orgs": [{"ref": None, "name": "Jinja City Council", "role": "implementing", "type": "11"}],
        "budget": {"amount": Decimal("2500000.00"), "currency": "USD"},
        "dates": {"planned_start": date(2019, 1, 1), "planned_end": date(2021, 12, 31), "actual_start": None,
                  "actual_end": None},
        "version": 1, "created_at": at, "updated_at": at,
    }
    ref = {"programme_id": "p-1", "iati_identifier": "XM-EXAMPLE-1-UG-001", "parent_id": "p-0",
           "reporting_org_ref": "XM-EXAMPLE-1"}
    indicator = {"code": "people_reached", "title": "Urban poor whose lives improved", "corporate": True,
                 "measure": "unit", "kind": "unit", "reach": "direct", "ascending": True, "reporting": "per_period",
                 "rollup": "sum"}
    result = {**ref, "result_id": "r-1", "version": 1, "indicator": indicator,
              "city": {"id": "c-1", "name": "Jinja", "country": "UG"},
              "period": {"start": date(2020, 1, 1), "end": date(2020, 6, 30)}, "value": Decimal("1200"),
              "disaggregations": {"sex": {"female": Decimal("700"), "male": Decimal("500")}},
              "numerator": None, "denominator": None}
    photo = {"id": "a-1", "filename": "drain.png", "content_type": "image/png", "size": 48213,
             "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
    return {
        "programme.created": state,
        "programme.updated": {**state, "title": "Secondary cities of Uganda and Kenya", "version": 2,
                              "changed": ["title"], "previous": {"title": "Secondary cities of Uganda"}},
        "programme.status_changed": {**state, "status": "implementation", "status_code": "2", "version": 2,
                                     "previous_status": "pipeline", "previous_status_code": "1",
                                     "reason": None},
        "programme.city_added": {**state, "version": 2, "city": jinja},
        "indicator.defined": {**ref, "indicator": {
            **indicator, "sdg_indicator": "11.1.1", "baseline": {"value": Decimal("0"), "year": 2019},
            "targets": [{"period": {"start": date(2020, 1, 1), "end": date(2020, 12, 31)},
                         "value": Decimal("5000"), "city_id": None, "disaggregation": None},
                        {"period": {"start": date(2020, 1, 1), "end": date(2020, 12, 31)},
                         "value": Decimal("2500"), "city_id": "c-1",
                         "disaggregation": {"dimension": "sex", "category": "female"}}],
            "scale": None}, "previous": None, "defined_at": at},
        "result.submitted": {**result, "replaces_version": None, "submitted_at": at},
        "result.returned": {**result, "comment": "Sex parts missing for Jinja", "returned_at": at},
        "result.approved": {**result, "approved_at": at},
        "result.approved_first_level": {**result, "counts": False, "approved_at": at},
        "result.revised": {**result, "version": 2, "value": Decimal("1100"),
                           "disaggregations": {"sex": {"female": Decimal("650"), "male": Decimal("450")}},
                           "previous": {"version": 1, "value": Decimal("1200"),
                                        "disaggregations": {"sex": {"female": Decimal("700"),
                                                                    "male": Decimal("500")}},
                                        "approved_at": at, "numerator": None, "denominator": None},
                           "comment": "double-counted a ward", "revised_at": at},
        **{f"programme_report.{kind}": {
            **ref, "title": "Secondary cities of Uganda", "item_id": "s-1", "report_title": "Annual report 2020",
            "due_date": date(2021, 3, 31), "period": {"start": date(2020, 1, 1), "end": date(2020, 12, 31)},
            **extra} for kind, extra in (("reminder_due", {"days_left": 14, "reminded_at": at}),
                                          ("overdue", {"days_overdue": 1, "overdue_at": at}),
                                          ("approved", {"approved_at": at, "approved_by": "platform"}))},
        "period.reopened": {**ref, "reopening_id": "o-1", "period": {"start": date(2020, 1, 1),
                                                                      "end": date(2020, 6, 30)},
                            "until": date(2020, 9, 30), "reason": "the city council's audit came late",
                            "granted_by": "platform", "granted_at": at},
        "narrative.updated": {**ref, "narrative_id": "n-1", "period": {"start": date(2020, 1, 1),
                                                                        "end": date(2020, 6, 30)},
                              "indicator": None, "category": "progress", "change": "attachment_added",
                              "text": "Drains cleared in three wards of Jinja.", "attachments": [photo],
                              "attachment": photo, "updated_by": "XM-EXAMPLE-1", "updated_at": at},
        "result.recorded": {"result_id": "r-1", "programme_id": "p-1", "indicator": "people_reached",
                            "city": {"name": "Jinja", "country": "UG"}, "value": 1200, "recorded_at": at},
    }


EXAMPLES = _examples()
