"""Narrative attachments as the gateway checks them (gateway.attachments): the size limit, the
accepted media types, and the content sniffed from the bytes, never trusted from the header."""
import io
import zipfile

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.attachments import DOCX, XLSX, read_attachment, safe_filename
from gateway.problems import TooLarge
from shared.errors import InvalidInput

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def _office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<x/>")
    return buffer.getvalue()


def _request(data: bytes, content_type: str) -> Request:
    return Request(EnvironBuilder(method="POST", data=data, content_type=content_type).get_environ())


@pytest.mark.parametrize("data, content_type", [
    (b"%PDF-1.7\n...", "application/pdf"), (PNG, "image/png"), (b"\xff\xd8\xff\xe0 jpeg", "image/jpeg"),
    ("Kisumu: drains cleared ✓".encode(), "text/plain"), (b"a,b\n1,2\n", "text/csv"),
    (_office("word/"), DOCX), (_office("xl/"), XLSX),
])
def test_accepted_files_are_described(data, content_type):
    body, described = read_attachment(_request(data, content_type), "../evil/Report 2020.pdf")
    assert body == data
    assert (described["content_type"], described["size"], described["filename"]) == (content_type, len(data),
                                                                                      "Report 2020.pdf")
    assert len(described["sha256"]) == 64


@pytest.mark.parametrize("data, content_type, field", [
    (b"<html><script>alert(1)</script>", "application/pdf", "_body"),   # the header lies
    (PNG, "image/jpeg", "_body"),
    (b"\x00\x01binary", "text/plain", "_body"),
    (_office("xl/"), DOCX, "_body"),                                     # a spreadsheet is not a document
    (b"", "text/plain", "_body"),
])
def test_content_that_is_not_what_the_header_says_is_refused(data, content_type, field):
    with pytest.raises(InvalidInput) as caught:
        read_attachment(_request(data, content_type), "x.bin")
    assert set(caught.value.errors) == {field}


def test_other_media_types_a_bad_name_and_the_size_limit(monkeypatch):
    with pytest.raises(InvalidInput) as caught:
        read_attachment(_request(b"MZ\x90\x00", "application/x-msdownload"), "x.exe")
    assert set(caught.value.errors) == {"_body"}
    with pytest.raises(InvalidInput) as caught:
        read_attachment(_request(b"text", "text/plain"), "///")
    assert set(caught.value.errors) == {"filename"}
    monkeypatch.setenv("ATTACHMENT_MAX_BYTES", "10")
    with pytest.raises(TooLarge):
        read_attachment(_request(b"x" * 11, "text/plain"), "x.txt")
    assert safe_filename('a"b\r\n.txt') == "a_b__.txt"
