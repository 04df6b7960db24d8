"""The S3-compatible storage backend (shared.storage): path-style requests (`<endpoint>/<bucket>/<key>`,
which AWS, MinIO and Ceph all accept) signed with AWS Signature Version 4, over `requests`; no SDK.
`sign` follows AWS's "Signature Calculations for the Authorization Header" and reproduces its
published examples (tests/unit/test_storage.py)."""
import hashlib
import hmac
import re
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

import requests

from shared.storage import StorageUnavailable, StoredFileMissing, check_key

ALGORITHM = "AWS4-HMAC-SHA256"
ERROR_CODE = re.compile(rb"<Code>([A-Za-z0-9.]{1,64})</Code>")   # S3's error document names its reason


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sign(method: str, url: str, headers: dict[str, str], body: bytes, *, access_key: str, secret_key: str,
         region: str, now: datetime, service: str = "s3") -> dict[str, str]:
    """`headers` plus Host, X-Amz-Date, X-Amz-Content-Sha256 and the Authorization that signs them all."""
    parts = urlsplit(url)
    stamp = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    signed = {**headers, "host": parts.netloc, "x-amz-date": stamp,
              "x-amz-content-sha256": hashlib.sha256(body).hexdigest()}
    canonical_headers = {k.lower(): " ".join(str(v).split()) for k, v in signed.items()}
    names = sorted(canonical_headers)
    query = "&".join(sorted(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, _, v in
                            (pair.partition("=") for pair in parts.query.split("&") if pair)))
    canonical = "\n".join([method, quote(parts.path or "/", safe="/-_.~"), query,
                           "".join(f"{n}:{canonical_headers[n]}\n" for n in names), ";".join(names),
                           canonical_headers["x-amz-content-sha256"]])
    scope = f"{stamp[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(f"AWS4{secret_key}".encode(), stamp[:8]), region), service), "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {**signed, "Authorization": f"{ALGORITHM} Credential={access_key}/{scope},"
                                       f"SignedHeaders={';'.join(names)},Signature={signature}"}


class S3Storage:
    def __init__(self, *, endpoint: str, bucket: str, region: str, access_key: str, secret_key: str,
                 timeout: float = 30.0):
        self.base = f"{endpoint.rstrip('/')}/{bucket}"
        self.region, self.access_key, self.secret_key, self.timeout = region, access_key, secret_key, timeout

    def _send(self, method: str, key: str, body: bytes = b"", headers: dict[str, str] | None = None,
              missing_ok: bool = False) -> requests.Response:
        """The answer; StoredFileMissing when the object is not there (unless `missing_ok`); StorageUnavailable
        on any other failure, with S3's reason (a 404 NoSuchBucket is a misconfiguration, not a missing file)."""
        url = f"{self.base}/{quote(check_key(key), safe='/-_.~')}"
        signed = sign(method, url, headers or {}, body, access_key=self.access_key, secret_key=self.secret_key,
                      region=self.region, now=datetime.now(timezone.utc))
        try:
            response = requests.request(method, url, data=body or None, headers=signed, timeout=self.timeout)
        except requests.RequestException as exc:
            raise StorageUnavailable(f"{method} {self.base}: {type(exc).__name__}") from exc
        if response.status_code < 300:
            return response
        found = ERROR_CODE.search(response.content[:4096])
        code = found.group(1).decode() if found else ""
        if response.status_code == 404 and code in ("", "NoSuchKey"):
            if missing_ok:
                return response
            raise StoredFileMissing(key)
        raise StorageUnavailable(f"{method} {self.base}: {response.status_code} {code}".rstrip())

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._send("PUT", key, data, {"content-type": content_type})

    def get(self, key: str) -> bytes:
        return self._send("GET", key).content

    def delete(self, key: str) -> None:
        self._send("DELETE", key, missing_ok=True)
