"""The reads behind an export, as the caller (never SYSTEM): the services decide what the
caller sees, exactly as for the JSON lists. Every list is paged with its keyset cursor, so
one page of programmes is held at a time."""
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from lxml import etree

from gateway.iati import activity, documents
from shared.errors import NotFound

PAGE = 100
COMMITMENT, DISBURSEMENT = "2", "3"


def pages(method: Any, query: dict[str, Any], **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item of a paged list RPC."""
    cursor = None
    while True:
        page = method({**query, "limit": PAGE, **({"cursor": cursor} if cursor else {})}, **kwargs)
        yield from page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return


def approved_values(programmes: Any, programme_id: str, *, actor: Any) -> list[dict[str, Any]]:
    """The programme's results as they count: each with its approved version's value and parts,
    never a draft, an unapproved value or a pending revision (a result under revision keeps its
    approved value, read from its versions; the list carries the current one's parts only)."""
    counted = []
    for result in pages(programmes.list_results, {"programme_id": programme_id}, actor=actor):
        if result["approved_version"] is None:
            continue
        if result["approved_version"] != result["version"]:
            versions = programmes.get_result(result["id"], actor=actor)["versions"]
            approved = next(v for v in versions if v["version"] == result["approved_version"])
            result = {**result, "value": approved["value"], "disaggregations": approved["disaggregations"]}
        counted.append(result)
    return counted


def activities(programmes: Any, grants: Any, query: dict[str, Any], *, actor: Any, provider: dict[str, Any],
               today: date, base_url: str) -> Iterator[etree._Element]:
    """One iati-activity per programme the caller sees under `query`, built as it is read;
    `base_url` of the gateway, for the links to narratives' attachments."""
    parents: dict[str, str | None] = {}
    for item in pages(programmes.list_programmes, query, actor=actor):
        programme = programmes.get_programme(item["id"], actor=actor)
        results = approved_values(programmes, programme["id"], actor=actor)
        narratives = programmes.list_narratives(programme["id"], {}, actor=actor)["items"]
        yield activity.build(programme, results=results,
                             transactions=transactions(grants, programme["id"], actor=actor, provider=provider),
                             parent_ref=_parent_ref(programmes, programme.get("parent_id"), parents, actor),
                             today=today, documents=documents.links(narratives, base_url),
                             comments=documents.comments(narratives))


def _parent_ref(programmes: Any, parent_id: str | None, cache: dict[str, str | None], actor: Any) -> str | None:
    if parent_id is None:
        return None
    if parent_id not in cache:
        try:
            cache[parent_id] = programmes.get_programme(parent_id, actor=actor)["iati_identifier"]
        except NotFound:  # a parent the caller may not see is not named
            cache[parent_id] = None
    return cache[parent_id]


def transactions(grants: Any, programme_id: str, *, actor: Any, provider: dict[str, Any]) -> list[dict[str, Any]]:
    """The commitments (on award) and disbursements (by value date) of the programme's
    grants, from the partnership (`provider`) to the grant's recipient."""
    found = []
    for grant in pages(grants.list_grants, {"programme_id": programme_id}, actor=actor):
        receiver = {"ref": None, "name": grant["recipient"]}
        found.append({"type": COMMITMENT, "date": grant["awarded_at"][:10], "amount": grant["amount"]["amount"],
                      "currency": grant["amount"]["currency"], "provider": provider, "receiver": receiver})
        for entry in pages(grants.list_disbursements, {"grant_id": grant["id"]}, actor=actor):
            found.append({"type": DISBURSEMENT, "date": entry["value_date"],
                          "amount": str(abs(Decimal(entry["amount"]["amount"]))),
                          "currency": entry["amount"]["currency"], "provider": provider, "receiver": receiver})
    return sorted(found, key=lambda t: (t["date"], t["type"]))
