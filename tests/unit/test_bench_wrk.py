"""bench/_wrk.py, the write benchmark's wrk scripts, against a small local HTTP server: only 2xx
answers count, others are counted apart with the first one's text, every id is sent once (wrk's
check call before the run takes none), and a run over ids ends when they are used up."""
import http.server
import shutil
import threading

import pytest

from bench import _wrk

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


class _Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):   # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append((self.path, self.headers.get("Authorization"), body))
        body = b'{"detail": "not \\"submitted\\""}' if "refused" in self.path else b"{}"
        self.send_response(409 if "refused" in self.path else 201)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    _Recorder.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_run_over_ids_sends_each_once_and_counts_only_2xx(server, tmp_path):
    ids = ["a", "b", "refused", "c"]
    out = _wrk.run(_wrk.script(tmp_path, "submit", "k1", ids=ids), server, 1)
    assert (out["ok"], out["other"], out["ran_out"], out["socket_errors"]) == (3, 1, 1, 0)
    assert out["bad"].startswith("409 ") and "submitted" in out["bad"]
    assert sorted(_Recorder.seen) == sorted((f"/v1/results/{i}/submit", "Bearer k1", b"{}") for i in ids)


def test_creates_get_a_unique_identifier_each(server, tmp_path):
    script = _wrk.script(tmp_path, "create", "k1", body=('{"iati_identifier": "XM-', '"}'))
    out = _wrk.run(script, server, 1)
    bodies = [body for _, _, body in _Recorder.seen]
    assert 0 < out["ok"] <= len(bodies) and out["other"] == 0   # some may be in flight at the end
    assert len(set(bodies)) == len(bodies) and all(b.startswith(b'{"iati_identifier": "XM-') for b in bodies)
