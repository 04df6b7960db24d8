"""Builders of the programmes domain tests: fixed times, cities, indicators, a valid programme."""
from datetime import datetime, timedelta, timezone

import pytest

from programmes.domain import City, Indicator, Programme
from shared.errors import InvalidInput

NOW = datetime(2020, 3, 1, 9, 30, tzinfo=timezone.utc)
LATER = NOW + timedelta(days=1)
WINDOWS = {"country_city": {"country_programme", "technical_assistance", "innovation_fund_project"},
           "global": {"regional_programme", "joint_work_programme"}}
JINJA = City(id="c-jinja", name="Jinja", country="UG")
KISUMU = City(id="c-kisumu", name="Kisumu", country="KE")
PEOPLE = Indicator(programme_id="p", code="people_reached", title="People", corporate=True)
WOMEN_SHARE = Indicator(programme_id="p", code="share_women", title="Share of women", corporate=False,
                        measure="percentage")


def fields(**overrides):
    data = {"iati_identifier": "XM-ORG-1-001", "reporting_org": {"ref": "XM-ORG-1", "name": "Org", "type": "40"},
            "title": "Secondary cities", "description": None, "funding_window": "country_city",
            "instrument": "country_programme", "themes": ["gender_equality"], "countries": ["UG", "KE"],
            "sdg_goals": ["11"], "sdg_targets": [], "sectors": [], "policy_markers": [], "participating_orgs": [],
            "budget": None, "dates": {}, "parent_id": None}
    data.update(overrides)
    return data


def programme(**overrides) -> Programme:
    p = Programme.create(fields(**overrides), instruments_by_window=WINDOWS, now=NOW)
    p.cities = [JINJA, KISUMU]
    return p


def errors_of(fn, *args, **kwargs) -> dict:
    with pytest.raises(InvalidInput) as caught:
        fn(*args, **kwargs)
    return caught.value.errors
