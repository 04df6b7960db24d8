"""The write benchmark's client (bench/gateway_writes.py: setup, drafts, the freshness probe)
and its load generator when wrk is missing: keep-alive http.client connections, each a thread
of a separate process, recording every latency."""
import http.client
import itertools
import json
import multiprocessing
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from urllib.parse import urlparse

CONNECTIONS = 8
_periods = itertools.count()   # one result per (indicator, city, period): each draft its own period


def next_period() -> dict:
    k = next(_periods)
    start = date(2018, 1, 1) + timedelta(days=k % 700)
    return {"start": start.isoformat(), "end": (start + timedelta(days=k // 700)).isoformat()}


def programme_body() -> dict:
    return {"iati_identifier": f"XM-BENCH-{uuid.uuid4().hex[:12]}",
            "reporting_org": {"ref": "XM-BENCH", "name": "Bench partner"}, "title": "Bench programme",
            "funding_window": "country_city", "instrument": "country_programme", "themes": ["gender_equality"],
            "countries": ["UG"], "cities": [{"name": "Jinja", "country": "UG"}],
            "indicators": [{"code": "women_empowered"}]}


class Client:
    """One connection; `setup` makes a programme in implementation to draft results on."""

    def __init__(self, base: str, key: str):
        url = urlparse(base)
        self.base, self.key, self.host, self.port = base, key, url.hostname, url.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.programme = self.city = None

    def request(self, method: str, path: str, body=None, expect=(200, 201)) -> tuple:
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
        self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status not in expect:
            raise RuntimeError(f"{method} {path}: HTTP {response.status} {data[:300]!r}")
        return response, json.loads(data) if data else None

    def post(self, path: str, body) -> dict:
        return self.request("POST", path, body)[1]

    def setup(self) -> None:
        created = self.post("/v1/programmes", programme_body())
        self.programme, self.city = created["id"], created["cities"][0]["id"]
        self.post(f"/v1/programmes/{self.programme}/status", {"status": "implementation"})

    def draft(self) -> str:
        return self.post(f"/v1/programmes/{self.programme}/results", {
            "indicator": "women_empowered", "city_id": self.city, "value": 1,
            "period": next_period()})["id"]

    def drafts(self, count: int) -> list:
        def make(_):
            client = Client(self.base, self.key)
            client.programme, client.city = self.programme, self.city
            return [client.draft() for _ in range(count // CONNECTIONS + 1)]
        with ThreadPoolExecutor(CONNECTIONS) as pool:
            return [r for batch in pool.map(make, range(CONNECTIONS)) for r in batch][:count]

    def submitted(self) -> list:
        """Every result of the programme in status submitted (what a run of submits left)."""
        ids, path = [], f"/v1/results?programme_id={self.programme}&status=submitted&limit=200"
        while path:
            _, page = self.request("GET", path)
            ids += [r["id"] for r in page["items"]]
            path = page["next"] and page["next"][len(self.base):]
        return ids

    def women_empowered(self) -> int:
        _, body = self.request("GET", "/v1/objective/progress")
        return int(body["figures"]["women_empowered"]["value"])


def _worker(kind, base, key, stop_at, work, out):
    client = Client(base, key)
    latencies = []
    while time.monotonic() < stop_at:
        began = time.monotonic()
        if kind == "echo":
            client.request("POST", "/echo", {"x": 1})
        elif kind == "create":
            client.post("/v1/programmes", programme_body())
        elif kind == "list":   # the RPC read (figure 2): a page of programmes
            client.request("GET", "/v1/programmes?limit=10")
        else:
            try:
                result_id = work.pop()
            except IndexError:
                break
            client.post(f"/v1/results/{result_id}/submit", {})
            client.post(f"/v1/results/{result_id}/approve", {})
        latencies.append(time.monotonic() - began)
    out.extend(latencies)


def _load(kind, base, key, duration, work, queue):
    out: list = []
    stop_at = time.monotonic() + duration
    threads = [threading.Thread(target=_worker, args=(kind, base, key, stop_at, work, out))
               for _ in range(CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((len(out) / (time.monotonic() - started), out))


def run_load(kind: str, base: str, key: str, duration: float, work: list, profile=None) -> tuple:
    """(operations per second, latencies) of `kind` for `duration` seconds; approvals take the
    drafts in `work`, made beforehand (the run ends early when they run out), so only submit +
    approve is timed. `profile()` is called as the load starts."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_load, args=(kind, base, key, duration, work, queue))
    proc.start()
    if profile:
        profile()
    result = queue.get(timeout=duration + 120)
    proc.join(30)
    return result
