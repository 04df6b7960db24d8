"""IATI 2.03 codelists (copied into shared/reference_data/iati), loaded once, as
{code: name}. Withdrawn codes are kept out so new data cannot use them."""
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

DATA_DIR = Path(__file__).parent / "reference_data" / "iati"


@lru_cache(maxsize=None)
def codelist(name: str) -> dict[str, str]:
    root = ElementTree.parse(DATA_DIR / f"{name}.xml").getroot()
    codes: dict[str, str] = {}
    for item in root.iter("codelist-item"):
        if item.get("status") == "withdrawn":
            continue
        code = item.findtext("code")
        if code is None:
            raise ValueError(f"{name}.xml: a codelist-item has no code")
        codes[code.strip()] = (item.findtext("name/narrative") or "").strip()
    return codes


class _Lazy:
    """A codelist that loads on first use, so importing this module costs nothing."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __contains__(self, code: object) -> bool:
        return code in codelist(self.name)

    def __getitem__(self, code: str) -> str:
        return codelist(self.name)[code]

    def __iter__(self) -> Iterator[str]:
        return iter(codelist(self.name))

    def __len__(self) -> int:
        return len(codelist(self.name))


COUNTRIES = _Lazy("Country")
CURRENCIES = _Lazy("Currency")
SECTORS = _Lazy("Sector")
SDG_GOALS = _Lazy("UNSDG-Goals")
SDG_TARGETS = _Lazy("UNSDG-Targets")
ORGANISATION_TYPES = _Lazy("OrganisationType")
ORGANISATION_ROLES = _Lazy("OrganisationRole")
TRANSACTION_TYPES = _Lazy("TransactionType")
ACTIVITY_STATUSES = _Lazy("ActivityStatus")
