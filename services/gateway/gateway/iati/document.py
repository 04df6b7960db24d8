"""Streams an IATI document: the root is opened, each element is written as it comes and
then dropped, so memory holds one activity at a time whatever the document's length."""
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from lxml import etree

from shared.iati.schema import VERSION


class _Chunks:
    """The file object xmlfile writes to: what was written since the last drain."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(data)

    def drain(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def stream(root: str, elements: Iterable[etree._Element], generated: datetime | None = None) -> Iterator[bytes]:
    """`<root version="2.03" generated-datetime=...>` with `elements`, as byte chunks, one
    per element. `root` is "iati-activities" or "iati-organisations"."""
    generated = generated or datetime.now(timezone.utc)
    out = _Chunks()
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(root, {"version": VERSION,
                               "generated-datetime": generated.isoformat(timespec="seconds")}):
            xf.write("\n")
            yield out.drain()
            for element in elements:
                xf.write(element)
                xf.write("\n")
                yield out.drain()
    yield out.drain()
