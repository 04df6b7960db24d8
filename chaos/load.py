"""The steady stream of work a chaos scenario runs under: `clients` threads, each with a
programme of its own, drafting, submitting and approving results through the gateway (the
bodies of bench/_write_load.py), alternating between the gateway replicas.

Every POST carries an Idempotency-Key and is retried with it after an indeterminate answer (a
503 or 504, a lost connection, a timeout) until it is answered or gives up: the gateway then
answers with what the service did (gateway/idempotency.py). Every answer's status is counted.
Each result's period ends on a day of its own, so metrics counts it in a cell of its own
(chaos/readback.py reads how many times)."""
import http.client
import itertools
import json
import threading
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from urllib.parse import urlparse

from bench._write_load import programme_body

INDETERMINATE = {503, 504, "error"}
STILL_RUNNING = b"still being processed"   # the 409 of a retry while the first try runs: retry later
GIVE_UP_SECONDS = 60.0   # retries of one request, past the longest fault
DAYS = 1400              # periods per programme inside the plan's years (2018-2021)


class Load:
    def __init__(self, bases: list[str], key: str, clients: int = 4):
        self.bases, self.key, self.clients = bases, key, clients
        self.statuses: Counter = Counter()       # status (or "error") -> answers
        self.acknowledged: set[str] = set()      # approvals answered 2xx
        self.indeterminate: set[str] = set()     # approvals never answered 2xx
        self.programmes: list[str] = []
        self.successes: list[float] = []         # monotonic times of approvals answered 2xx
        self.failures: list[str] = []            # requests refused for good (a 4xx or 500): the run's findings
        self.troubles: list[float] = []          # monotonic times of answers to retry: recovery per fault
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._turn = itertools.count()

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def start(self) -> "Load":
        self._threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Stops starting new work; requests being retried finish (or give up) first."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(GIVE_UP_SECONDS * 3 + 30)

    def _record(self, status, retry: bool) -> None:
        with self._lock:
            self.statuses[status] += 1
            if retry:
                self.troubles.append(time.monotonic())

    def post(self, path: str, body: dict) -> tuple[object, dict | None]:
        """(final status, body): retried with the same Idempotency-Key while indeterminate."""
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json",
                   "Idempotency-Key": uuid.uuid4().hex}
        payload = json.dumps(body)
        give_up = time.monotonic() + GIVE_UP_SECONDS
        status: object = "error"
        while time.monotonic() < give_up:
            url = urlparse(self.bases[next(self._turn) % len(self.bases)])
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
            try:
                conn.request("POST", path, body=payload, headers=headers)
                response = conn.getresponse()
                status, data, retry_after = response.status, response.read(), response.getheader("Retry-After")
            except (OSError, http.client.HTTPException):
                status, data, retry_after = "error", b"", None
            finally:
                conn.close()
            retry = status in INDETERMINATE or (status == 409 and STILL_RUNNING in data)
            self._record(status, retry)
            if not retry:
                if not (isinstance(status, int) and status < 300):
                    self.failures.append(f"POST {path}: {status} {data[:200]!r}")
                return status, json.loads(data) if data else None
            time.sleep(min(float(retry_after or 0.5), 1.0))
        return status, None

    def _ok(self, path: str, body: dict) -> dict | None:
        status, answer = self.post(path, body)
        return answer if isinstance(status, int) and status < 300 else None

    def _client(self) -> None:
        while not self._stopping.is_set():
            programme = self._ok("/v1/programmes", programme_body())
            if programme is None or self._ok(f"/v1/programmes/{programme['id']}/status",
                                             {"status": "implementation"}) is None:
                time.sleep(0.5)
                continue
            with self._lock:
                self.programmes.append(programme["id"])
            for day in range(DAYS):
                if self._stopping.is_set():
                    return
                self._result(programme, date(2018, 1, 1) + timedelta(days=day))

    def _result(self, programme: dict, day: date) -> None:
        draft = self._ok(f"/v1/programmes/{programme['id']}/results", {
            "indicator": "women_empowered", "city_id": programme["cities"][0]["id"], "value": 1,
            "period": {"start": day.isoformat(), "end": day.isoformat()}})
        if draft is None or self._ok(f"/v1/results/{draft['id']}/submit", {}) is None:
            time.sleep(0.5)   # refused for good: a finding, already recorded; not a tight loop
            return
        status, _ = self.post(f"/v1/results/{draft['id']}/approve", {})
        with self._lock:
            if isinstance(status, int) and status < 300:
                self.acknowledged.add(draft["id"])
                self.successes.append(time.monotonic())
            else:
                self.indeterminate.add(draft["id"])
