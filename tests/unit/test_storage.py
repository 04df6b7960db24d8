"""The storage interface (shared.storage): the local backend round-trips and refuses unsafe keys;
the S3 backend's Signature Version 4 reproduces AWS's published examples (against a real
S3-compatible server: tests/unit/test_storage_s3.py); a backend that fails is unavailable."""
from datetime import datetime, timezone

import pytest

from shared.storage import StoredFileMissing
from shared.storage.local import LocalStorage
from shared.storage.s3 import S3Storage, sign

# AWS's example credentials and time ("Signature Calculations for the Authorization Header: Transferring
# Payload in a Single Chunk", Amazon S3 API reference)
AWS = {"access_key": "AKIAIOSFODNN7EXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
       "region": "us-east-1", "now": datetime(2013, 5, 24, tzinfo=timezone.utc)}


def test_sigv4_reproduces_the_get_object_example():
    headers = sign("GET", "https://examplebucket.s3.amazonaws.com/test.txt", {"Range": "bytes=0-9"}, b"", **AWS)
    assert headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")


def test_sigv4_reproduces_the_put_object_example():
    headers = sign("PUT", "https://examplebucket.s3.amazonaws.com/test$file.text",
                   {"Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY"},
                   b"Welcome to Amazon S3.", **AWS)
    assert headers["x-amz-content-sha256"] == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
    assert headers["Authorization"].endswith(
        "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
        "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")


def test_local_storage_round_trip_and_unsafe_keys(tmp_path):
    store = LocalStorage(tmp_path / "files")
    store.put("narratives/n-1/a-1", b"%PDF-1.4 x", "application/pdf")
    assert store.get("narratives/n-1/a-1") == b"%PDF-1.4 x"
    store.delete("narratives/n-1/a-1")
    with pytest.raises(StoredFileMissing):
        store.get("narratives/n-1/a-1")
    for key in ("../escape", "/abs", "a/../../b", "a//b", ""):
        with pytest.raises(ValueError):
            store.put(key, b"x", "text/plain")
    assert not (tmp_path / "escape").exists()


def test_a_backend_that_fails_is_unavailable_not_an_unexpected_error(tmp_path):
    from shared.storage import StorageUnavailable
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the directory should be")
    with pytest.raises(StorageUnavailable):
        LocalStorage(blocked).put("narratives/n/a", b"x", "text/plain")
    unreachable = S3Storage(endpoint="http://127.0.0.1:9", bucket="b", region="us-east-1", access_key="k",
                            secret_key="s", timeout=2)
    with pytest.raises(StorageUnavailable):
        unreachable.put("narratives/n/a", b"x", "text/plain")
