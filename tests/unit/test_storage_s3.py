"""The S3 storage backend (shared.storage.s3) against a real S3-compatible server (moto's, a
separate process checking every signature as AWS does): it stores, reads and deletes; a missing
object is StoredFileMissing; a wrong secret key, an unknown key id or a missing bucket is
StorageUnavailable naming S3's reason (the gateway answers 503), never a missing file."""
import pytest

from shared.storage import StorageUnavailable, StoredFileMissing, storage_from_env
from shared.storage.s3 import S3Storage
from tests.s3_server import moto_s3


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    with moto_s3(tmp_path_factory.mktemp("moto")) as server:
        yield server


def _store(moto, **override) -> S3Storage:
    settings = {"endpoint": moto.endpoint, "bucket": moto.bucket, "region": moto.region,
                "access_key": moto.access_key, "secret_key": moto.secret_key, **override}
    return S3Storage(**settings, timeout=10)


def test_put_get_delete_and_missing(moto, monkeypatch):
    for name, value in moto.env().items():
        monkeypatch.setenv(name, value)
    store = storage_from_env()
    assert isinstance(store, S3Storage)
    data = bytes(range(256)) * 3
    store.put("narratives/n-1/a-1", data, "application/pdf")
    assert moto.keys() == ["narratives/n-1/a-1"]
    assert store.get("narratives/n-1/a-1") == data
    store.delete("narratives/n-1/a-1")
    assert moto.keys() == []
    with pytest.raises(StoredFileMissing):
        store.get("narratives/n-1/a-1")
    store.delete("narratives/n-1/a-1")   # deleting what is not there is no error


@pytest.mark.parametrize("override, reason", [
    ({"secret_key": "not-the-secret"}, "SignatureDoesNotMatch"),
    ({"access_key": "AKIAUNKNOWNUNKNOWN00"}, "InvalidAccessKeyId"),
])
def test_a_refused_signature_is_unavailable_naming_the_reason(moto, override, reason):
    store = _store(moto, **override)
    for call in (lambda: store.put("narratives/n-2/a", b"x", "text/plain"), lambda: store.get("narratives/n-2/a"),
                 lambda: store.delete("narratives/n-2/a")):
        with pytest.raises(StorageUnavailable, match=reason):
            call()
    assert moto.keys() == []


def test_a_missing_bucket_is_unavailable_not_a_missing_file(moto):
    store = _store(moto, bucket="no-such-bucket")
    with pytest.raises(StorageUnavailable, match="NoSuchBucket"):
        store.put("narratives/n-3/a", b"x", "text/plain")
    with pytest.raises(StorageUnavailable, match="NoSuchBucket"):
        store.get("narratives/n-3/a")
