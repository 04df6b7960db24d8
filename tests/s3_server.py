"""A real S3-compatible server for tests: moto's (`moto_server`, a separate process), with
signatures checked. moto checks nothing until told to: the fixture creates the bucket and an IAM
user whose key may use it, then turns authentication on for every later request, so a wrongly
signed one is refused as AWS refuses it (403 SignatureDoesNotMatch). moto recomputes signatures
with botocore: a request it takes was signed right. (boto3 itself cannot run here: under eventlet's
monkey-patching its SSL context recurses.)"""
import json
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import requests
from lxml import etree

from shared.storage.s3 import sign
from tests.helpers import free_port, wait_until

BUCKET = "platform-files"
REGION = "eu-west-1"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


@dataclass
class MotoS3:
    process: subprocess.Popen
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str = BUCKET
    region: str = REGION

    def env(self) -> dict[str, str]:
        """The settings of the `s3` storage backend (docs/operations.md, "File storage")."""
        return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT": self.endpoint, "S3_BUCKET": self.bucket,
                "S3_REGION": self.region, "S3_ACCESS_KEY_ID": self.access_key,
                "S3_SECRET_ACCESS_KEY": self.secret_key}

    def keys(self) -> list[str]:
        """The bucket's object keys (ListObjectsV2)."""
        answer = _call(self.endpoint, "GET", f"/{self.bucket}?list-type=2", access_key=self.access_key,
                       secret_key=self.secret_key)
        return [key.text for key in answer.iter("{*}Key")]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _call(endpoint: str, method: str, path: str, body: bytes = b"", *, service: str = "s3",
          access_key: str = "setup", secret_key: str = "setup", headers: dict | None = None) -> etree._Element:
    """A signed request (moto routes by the service its signature names); its XML answer."""
    url = endpoint + path
    signed = sign(method, url, headers or {}, body, access_key=access_key, secret_key=secret_key, region=REGION,
                  now=datetime.now(timezone.utc), service=service)
    response = requests.request(method, url, data=body or None, headers=signed, timeout=10)
    assert response.status_code < 300, response.text
    return etree.fromstring(response.content or b"<empty/>")


def _iam(endpoint: str, **params: str) -> etree._Element:
    form = {"Version": "2010-05-08", **params}
    return _call(endpoint, "POST", "/", urlencode(form).encode(), service="iam",
                 headers={"content-type": "application/x-www-form-urlencoded"})


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code < 500
    except requests.RequestException:
        return False


@contextmanager
def moto_s3(log_dir: Path):
    """A moto server on a free port with BUCKET and a key for it; stopped on exit."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = Path(sys.executable).with_name("moto_server")
    with open(log_dir / "moto.log", "wb") as log:
        process = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=log,
                                   stderr=subprocess.STDOUT, env={**os.environ, "AWS_DEFAULT_REGION": REGION})
    moto = None
    try:
        wait_until(lambda: process.poll() is not None or _answers(f"{endpoint}/moto-api/"), timeout=30,
                   interval=0.2, message="moto_server answering")
        assert process.poll() is None, (log_dir / "moto.log").read_text()
        _call(endpoint, "PUT", f"/{BUCKET}", b"<CreateBucketConfiguration><LocationConstraint>%s"
              b"</LocationConstraint></CreateBucketConfiguration>" % REGION.encode())
        _iam(endpoint, Action="CreateUser", UserName="platform")
        _iam(endpoint, Action="PutUserPolicy", UserName="platform", PolicyName="files",
             PolicyDocument=json.dumps(POLICY))
        key = _iam(endpoint, Action="CreateAccessKey", UserName="platform")
        # from now on every request's signature is checked, and its action against the policy
        requests.post(f"{endpoint}/moto-api/reset-auth", data=b"0", timeout=5).raise_for_status()
        moto = MotoS3(process, endpoint, key.findtext(".//{*}AccessKeyId"), key.findtext(".//{*}SecretAccessKey"))
        yield moto
    finally:
        (moto or MotoS3(process, endpoint, "", "")).stop()
