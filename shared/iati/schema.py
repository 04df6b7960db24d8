"""The official IATI 2.03 XSDs (copied into shared/reference_data/iati/schema-2.03) and a
parser that is safe for documents from outside: no DTD, no entity expansion, no network."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "reference_data" / "iati" / "schema-2.03"
ACTIVITIES_XSD = SCHEMA_DIR / "iati-activities-schema.xsd"
ORGANISATIONS_XSD = SCHEMA_DIR / "iati-organisations-schema.xsd"
VERSION = "2.03"


@lru_cache(maxsize=None)
def schema(kind: str = "activities") -> etree.XMLSchema:
    """The XSD of `kind` ("activities" or "organisations"), loaded once. Its includes are
    resolved from the same folder, never from the network."""
    path = ACTIVITIES_XSD if kind == "activities" else ORGANISATIONS_XSD
    return etree.XMLSchema(etree.parse(str(path), parser=etree.XMLParser(no_network=True)))


def safe_parser(**extra: Any) -> etree.XMLParser:
    """For documents from outside: entities are not resolved (XXE), no DTD is loaded or
    validated, no network access, and libxml2's limits on huge trees stay on."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, dtd_validation=False, no_network=True,
                           huge_tree=False, **extra)


def validation_errors(document: Any, kind: str = "activities") -> list[dict[str, Any]]:
    """The schema's complaints about a parsed document (or element tree), as
    [{"line", "path", "message"}]; empty when the document is valid."""
    xsd = schema(kind)
    if xsd.validate(document):
        return []
    return [{"line": e.line, "path": e.path, "message": e.message} for e in xsd.error_log]
