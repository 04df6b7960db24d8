"""Values as IATI writes them -> as the platform takes them: narratives (the first, or the
English one), decimals, indicator codes made from titles."""
import re
from decimal import Decimal, InvalidOperation
from typing import Any

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def narrative(element: Any, *, multiline: bool = False) -> str | None:
    """The first English (or unlabelled) narrative, else the first one; on one line unless
    `multiline` (titles and names are single-line text on the platform: shared.text)."""
    if element is None:
        return None
    texts = [(n.get(XML_LANG), (n.text or "").strip() if multiline else _one_line(n.text or ""))
             for n in element.findall("narrative")]
    texts = [(lang, t) for lang, t in texts if t]
    return next((t for lang, t in texts if lang in (None, "en")), texts[0][1] if texts else None)


def _one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n\t\v\f]+\s*", " ", text).strip()


def decimal(value: str | None) -> Decimal | None:
    try:
        return Decimal(value.strip()) if value is not None else None
    except InvalidOperation:
        return None


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.casefold()).strip("_")[:90] or "indicator"
