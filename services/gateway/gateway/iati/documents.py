"""What the programme's narratives (docs/programmes.md "Narratives and attachments") give its
iati-activity. Their attachments: document-links (IATI 2.03, between transactions and related
activities), linking to the gateway's download route, which answers the export's reader with
their key; DocumentCategory A08 (results, outcomes and outputs): they tell the results of a
period. The text of an indicator's narrative: the comment of that indicator period's actual
(gateway.iati.activity; docs/iati.md)."""
from typing import Any

from lxml import etree

RESULTS_DOCUMENT = "A08"
Comments = dict[tuple[str, str, str], str]   # (indicator code, period start, period end) -> text


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


def comments(narratives: list[dict[str, Any]]) -> Comments:
    """The text of each indicator period's narrative (one per programme, period and subject);
    a report section's has no place in an activity's results and stays in the period's report."""
    return {(n["indicator"], n["period"]["start"], n["period"]["end"]): n["text"]
            for n in narratives if n.get("indicator")}


def write(activity: etree._Element, documents: list[dict[str, Any]]) -> None:
    for doc in documents:
        link = etree.SubElement(activity, "document-link", url=doc["url"], format=doc["format"])
        for tag in ("title", "description"):
            etree.SubElement(etree.SubElement(link, tag), "narrative").text = doc[tag]
        etree.SubElement(link, "category", code=RESULTS_DOCUMENT)
        etree.SubElement(link, "document-date", {"iso-date": doc["date"]})
