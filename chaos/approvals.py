"""A gateway client that reports and approves results in a loop, recording every answer.

Each result is created, submitted and approved with an Idempotency-Key per step: a 5xx or
a timeout is retried with the same key (the gateway answers what the service did, or runs
it once). An approval answered 200 is acknowledged; one that never got a definite answer
is indeterminate (it may or may not have committed: the checker accepts either)."""
import threading
import time
from collections import Counter
from datetime import date, timedelta

import requests

from chaos.cluster_platform import ADMIN_KEY

HEADERS = {"Authorization": f"Bearer {ADMIN_KEY}", "Content-Type": "application/json"}
ATTEMPTS = 8
TIMEOUT = 12.0   # past the RPC deadline: the gateway answers first
FIRST_PERIOD = date(2019, 1, 1)


class ApprovalLoad:
    def __init__(self, base: str, programme: dict, *, pause: float = 0.05):
        self.base, self.programme, self.pause = base, programme, pause
        self.city = programme["cities"][0]["id"]
        self.statuses: Counter[str] = Counter()
        self.answers: list[tuple[float, str, int | str]] = []   # (time, step, status)
        self.acknowledged: set[str] = set()
        self.indeterminate: set[str] = set()
        self.results = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(120)

    def _post(self, path: str, body: dict, key: str, step: str) -> requests.Response | None:
        """The last answer after retrying 5xx, 409 (the first try still running) and timeouts."""
        answer = None
        for _ in range(ATTEMPTS):
            try:
                answer = requests.post(f"{self.base}{path}", json=body, timeout=TIMEOUT,
                                       headers={**HEADERS, "Idempotency-Key": key})
                status: int | str = answer.status_code
            except requests.RequestException as exc:
                answer, status = None, type(exc).__name__
            self.statuses[str(status)] += 1
            self.answers.append((time.monotonic(), step, status))
            if isinstance(status, int) and status < 500 and status != 409:
                return answer
            time.sleep(float(answer.headers.get("Retry-After", 0.5)) if answer is not None else 0.5)
        return answer

    def _one(self, i: int) -> None:
        end = FIRST_PERIOD + timedelta(days=i)
        body = {"indicator": "people_reached", "city_id": self.city, "value": 1,
                "period": {"start": end.isoformat(), "end": end.isoformat()}}
        created = self._post(f"/v1/programmes/{self.programme['id']}/results", body, f"create-{i}", "create")
        if created is None or created.status_code != 201:
            return
        rid = created.json()["id"]
        submitted = self._post(f"/v1/results/{rid}/submit", {}, f"submit-{i}", "submit")
        if submitted is None or submitted.status_code != 200:
            return
        approved = self._post(f"/v1/results/{rid}/approve", {}, f"approve-{i}", "approve")
        if approved is not None and approved.status_code == 200:
            self.acknowledged.add(rid)
        else:
            self.indeterminate.add(rid)

    def _run(self) -> None:
        for i in range(1000):   # distinct period ends (one metric cell per result), all in the plan
            if self._stop.is_set():
                return
            self._one(i)
            self.results += 1
            time.sleep(self.pause)
