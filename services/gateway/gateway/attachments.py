"""Narrative attachments (docs/programmes.md, "Narratives and attachments"): a file sent as the
request body, at most ATTACHMENT_MAX_BYTES (413 before more is read), of an accepted media type
whose content matches it (sniffed from the bytes: a declared type alone proves nothing), kept
through the one storage interface (shared.storage, configured by STORAGE_BACKEND)."""
import hashlib
import io
import os
import re
import uuid
import zipfile
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from gateway.uploads import read_upload
from shared.errors import InvalidInput
from shared.storage import Storage, storage_from_env

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


def _office(folder: str) -> Callable[[bytes], bool]:
    def check(data: bytes) -> bool:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
    return check


# Accepted media types and what their content starts with (or is)
SNIFFERS: dict[str, Callable[[bytes], bool]] = {
    "application/pdf": lambda b: b.startswith(b"%PDF-"),
    "image/png": lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda b: b.startswith(b"\xff\xd8\xff"),
    "text/plain": _text,
    "text/csv": _text,
    DOCX: _office("word/"),
    XLSX: _office("xl/"),
}


def max_bytes() -> int:
    return int(os.environ.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


@lru_cache(maxsize=1)
def storage() -> Storage:
    return storage_from_env()


def safe_filename(name: str) -> str:
    """The last path segment, in characters every header and file system takes."""
    base = re.split(r"[\\/]", name)[-1]
    return re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")[:200]


def read_attachment(request, filename: str) -> tuple[bytes, dict[str, Any]]:
    """The body and its description (id, filename, content_type, size, sha256); 413 or 422 otherwise."""
    data = read_upload(request, limit=max_bytes(), setting="ATTACHMENT_MAX_BYTES", media_types=tuple(SNIFFERS),
                       expected=f"one of {', '.join(SNIFFERS)}")
    errors = {}
    name = safe_filename(filename)
    if not name:
        errors["filename"] = ["a file name with at least one letter or digit"]
    if not data:
        errors["_body"] = ["the file is empty"]
    elif not SNIFFERS[request.mimetype](data):
        errors["_body"] = [f"the content is not {request.mimetype} (checked from the bytes, not the header)"]
    if errors:
        raise InvalidInput(errors, "The attachment was refused.")
    return data, {"id": str(uuid.uuid4()), "filename": name, "content_type": request.mimetype, "size": len(data),
                  "sha256": hashlib.sha256(data).hexdigest()}
