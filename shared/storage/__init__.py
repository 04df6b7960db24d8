"""One storage interface for files the platform keeps (narrative attachments): put, get and
delete bytes by key. `storage_from_env()` picks the backend (docs/operations.md, "File storage"):

- STORAGE_BACKEND=local (default): files under STORAGE_DIR (default <PLATFORM_VAR_DIR>/files);
- STORAGE_BACKEND=s3: an S3-compatible bucket (AWS S3, MinIO, Ceph...) over plain HTTP(S) with
  AWS Signature Version 4 (shared/storage/s3.py): S3_ENDPOINT, S3_BUCKET, S3_REGION,
  S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY.

Keys are the platform's own (`narratives/<id>/<attachment id>`), never a client's file name."""
import os
import re
from pathlib import Path
from typing import Protocol

KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


class StoredFileMissing(KeyError):
    """No object under the key."""


class StorageUnavailable(Exception):
    """The backend did not do it (a disk error, the bucket unreachable or refusing): try again later."""


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


def check_key(key: str) -> str:
    """Keys are relative paths of safe segments (no `..`, no leading `/`): the same in every backend."""
    if len(key) > 512 or not KEY.match(key) or ".." in key.split("/"):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def storage_from_env() -> Storage:
    from shared.storage.local import LocalStorage
    from shared.storage.s3 import S3Storage

    backend = os.environ.get("STORAGE_BACKEND", "local")
    if backend == "local":
        default = Path(os.environ.get("PLATFORM_VAR_DIR", "var")) / "files"
        return LocalStorage(Path(os.environ.get("STORAGE_DIR", str(default))))
    if backend == "s3":
        return S3Storage(endpoint=os.environ["S3_ENDPOINT"], bucket=os.environ["S3_BUCKET"],
                         region=os.environ.get("S3_REGION", "us-east-1"),
                         access_key=os.environ["S3_ACCESS_KEY_ID"], secret_key=os.environ["S3_SECRET_ACCESS_KEY"])
    raise ValueError(f"STORAGE_BACKEND must be local or s3, not {backend!r}")


__all__ = ["Storage", "StorageUnavailable", "StoredFileMissing", "check_key", "storage_from_env"]
