"""Upcasters of the programmes service's superseded contract versions (see shared.events.upcasting)."""
from typing import Any

from shared.events.upcasting import upcaster

# What programmes migration 0002 gave the programmes that v1 described: the same values here,
# so a v1 event still queued says what the producer's own table says of that programme.
LEGACY_ORG = {"ref": "LEGACY", "name": "Recorded before IATI identifiers", "type": None}
LEGACY_INSTRUMENT = {"country_city": "country_programme", "global": "joint_work_programme"}


@upcaster("programme.created", from_version=1)
def programme_created_v1(p: dict[str, Any]) -> dict[str, Any]:
    """v1 carried no IATI fields and plain cities. City records did not exist yet: a city is
    identified as `<country>:<name>`, as metrics already did for v1 results."""
    return {
        "programme_id": p["programme_id"], "iati_identifier": f"LEGACY-{p['programme_id']}", "title": p["title"],
        "description": None, "reporting_org": dict(LEGACY_ORG), "funding_window": p["funding_window"],
        "instrument": LEGACY_INSTRUMENT.get(p["funding_window"], "country_programme"),
        "status": "implementation", "status_code": "2", "parent_id": None,
        "themes": p["themes"], "countries": p["countries"],
        "cities": [{"id": f"{c['country']}:{c['name']}", "name": c["name"], "country": c["country"],
                    "population": None, "secondary_city": True, "latitude": None, "longitude": None}
                   for c in p["cities"]],
        "sdg_goals": [], "sdg_targets": [], "sectors": [], "policy_markers": [], "participating_orgs": [],
        "budget": None,
        "dates": {"planned_start": None, "planned_end": None, "actual_start": p["created_at"][:10],
                  "actual_end": None},
        "version": 1, "created_at": p["created_at"], "updated_at": p["created_at"],
    }
