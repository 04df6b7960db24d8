"""An activity's document-links (IATI 2.03, between transactions and related activities): one per
attachment of the programme's narratives (docs/programmes.md "Narratives and attachments"),
linking to the gateway's download route, which answers the export's reader with their key.
DocumentCategory A08 (results, outcomes and outputs): they tell the results of a period."""
from typing import Any

from lxml import etree

RESULTS_DOCUMENT = "A08"


def links(narratives: list[dict[str, Any]], base_url: str) -> list[dict[str, Any]]:
    """What each document-link says, from list_narratives' items."""
    found = []
    for n in narratives:
        subject = f"indicator {n['indicator']}" if n.get("indicator") else f"report section {n['category']}"
        period = f"{n['period']['start']}/{n['period']['end']}"
        for a in n["attachments"]:
            found.append({"url": f"{base_url.rstrip('/')}/v1/narratives/{n['id']}/attachments/{a['id']}",
                          "format": a["content_type"], "title": a["filename"],
                          "description": f"Narrative of {subject}, reporting period {period}",
                          "date": a["uploaded_at"][:10]})
    return found


def write(activity: etree._Element, documents: list[dict[str, Any]]) -> None:
    for doc in documents:
        link = etree.SubElement(activity, "document-link", url=doc["url"], format=doc["format"])
        for tag in ("title", "description"):
            etree.SubElement(etree.SubElement(link, tag), "narrative").text = doc[tag]
        etree.SubElement(link, "category", code=RESULTS_DOCUMENT)
        etree.SubElement(link, "document-date", {"iso-date": doc["date"]})
