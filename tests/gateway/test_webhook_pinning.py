"""The pinned connection of webhook deliveries (OWASP API7) against a real TLS server on
loopback: the connection goes to the checked address, while TLS SNI, the Host header and the
certificate check are for the URL's name, exactly as if the name had been resolved."""
import json
import os
import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from gateway.webhooks import Policy
from gateway.webhooks.pinning import PinnedAdapter
from tests.gateway.test_webhook_addresses import resolver

NAME = "hook.test"


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.1 with a certificate for NAME only (no IP address in it);
    yields (port, CA file, what it saw: SNI names and Host headers)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    seen = {"sni": [], "host": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            seen["host"].append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: seen["sni"].append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], str(cert), seen
    server.shutdown()
    server.server_close()


# The client runs in a process of its own: in the test process eventlet patched the standard
# library after ssl was imported, and urllib3's SSL contexts recurse there (the gateway, under
# `nameko run`, patches first and is not affected).
CLIENT = """
import json, sys
import requests
from gateway.webhooks import Policy
from gateway.webhooks.pinning import post, session
port, ca = int(sys.argv[1]), sys.argv[2]
policy = Policy(allow_loopback=True, resolve=lambda host, port, type=0: [(2, 1, 6, "", ("127.0.0.1", port))])
http, outcome = session(), {}
for name in ("hook.test", "other.test"):
    try:
        outcome[name] = post(http, policy.target(f"https://{name}:{port}/hook"), data=b"{}", timeout=5,
                             verify=ca).status_code
    except requests.exceptions.SSLError:
        outcome[name] = "SSLError"
print(json.dumps(outcome))
"""


def test_a_pinned_https_delivery_names_the_host_and_verifies_its_certificate(tls_server):
    port, ca, seen = tls_server
    client = subprocess.run([sys.executable, "-c", CLIENT, str(port), ca], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert client.returncode == 0, client.stderr
    # other.test also connects to 127.0.0.1, but the certificate is checked against the URL's
    # name, not against the address connected to
    assert json.loads(client.stdout) == {NAME: 204, "other.test": "SSLError"}
    assert seen["host"] == [f"{NAME}:{port}"] and seen["sni"][0] == NAME


def test_a_pinned_request_connects_to_the_checked_address():
    target = Policy(resolve=resolver({NAME: ["93.184.215.14"]})).target(f"https://{NAME}:8443/x")
    prepared = requests.Request("POST", target.url, data=b"{}").prepare()
    prepared.pinned = target
    pool = PinnedAdapter().get_connection_with_tls_context(prepared, verify=True)
    assert (pool.host, pool.port) == ("93.184.215.14", 8443)
    assert pool.conn_kw["server_hostname"] == NAME and pool.assert_hostname == NAME
    assert pool.cert_reqs == "CERT_REQUIRED"
