"""Broker failover: the platform on a three-node RabbitMQ cluster (AMQP_URI lists the
nodes), a steady stream of approvals through the gateway, SIGKILL of one node, its return,
then SIGKILL of another and its return. Checked by id: nothing lost, nothing counted twice,
nothing unexpected; with the time to recover and the answers by status.

    python -m chaos.scenarios.cluster [--quick] [--backend sqlite|postgres]"""
import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from chaos.approvals import HEADERS, ApprovalLoad
from chaos.checker import check
from chaos.cluster import RabbitCluster
from chaos.cluster_platform import approved_results, counted_periods, running_platform

PROGRAMME: dict[str, Any] = {
    "iati_identifier": "XM-CHAOS-CLUSTER-1", "reporting_org": {"ref": "XM-CHAOS", "name": "Chaos"},
    "title": "Broker failover", "funding_window": "country_city", "instrument": "country_programme",
    "themes": ["gender_equality"], "countries": ["UG"], "cities": [{"name": "Jinja", "country": "UG"}],
    "indicators": [{"code": "people_reached"}]}


def _started_programme(base: str) -> dict:
    created = requests.post(f"{base}/v1/programmes", json=PROGRAMME, headers=HEADERS, timeout=15)
    created.raise_for_status()
    programme = created.json()
    requests.post(f"{base}/v1/programmes/{programme['id']}/status", json={"status": "implementation"},
                  headers=HEADERS, timeout=15).raise_for_status()
    return programme


def _recovery(load: ApprovalLoad, killed_at: float, until: float) -> dict:
    """After a kill: the seconds to the last failed answer (a 5xx, a 409 of a retry still
    running, no answer) and to the first approval answered 200 after it."""
    window = [(t, step, status) for t, step, status in load.answers if killed_at <= t < until]
    failed = [t for t, _, status in window if not isinstance(status, int) or status >= 500 or status == 409]
    calm = max(failed, default=killed_at)
    ok = [t for t, step, status in window if t >= calm and step == "approve" and status == 200]
    return {"failed_answers": len(failed), "last_failure_s": round(calm - killed_at, 1),
            "recovered_s": round(min(ok) - killed_at, 1) if ok else None}


def run_cluster_scenario(quick: bool = False, backend: str = "sqlite") -> dict:
    steady = 4.0 if quick else 10.0   # seconds of load before, between and after the faults
    down = 8.0 if quick else 20.0     # a killed node stays away this long: the platform must not wait for it
    cluster = RabbitCluster()
    var_dir = Path(tempfile.mkdtemp(prefix="chaos-cluster-"))
    try:
        began = time.monotonic()
        cluster.start()
        figures: dict = {"scenario": "cluster", "backend": backend,
                         "cluster_start_s": round(time.monotonic() - began, 1)}
        with running_platform(cluster.amqp_uri(), var_dir, backend) as (base, urls, procs):
            programme = _started_programme(base)
            figures["queue_replicas"] = sorted({q["replicas"] for q in cluster.queues() if q["type"] == "quorum"})
            load = ApprovalLoad(base, programme)
            load.start()
            faults: list[dict[str, Any]] = []
            try:
                for node in cluster.nodes[:2]:   # the first is every service's first address
                    time.sleep(steady)
                    killed_at = time.monotonic()
                    cluster.kill(node)
                    time.sleep(down)
                    restart_s = cluster.restart(node)
                    faults.append({"sigkill": node.name, "down_s": down, "node_restart_s": round(restart_s, 1),
                                   "killed_at": killed_at})
                time.sleep(steady)
            finally:
                load.stop()
            ends = [f["killed_at"] for f in faults[1:]] + [time.monotonic()]
            for fault, until in zip(faults, ends, strict=True):
                fault.update(_recovery(load, fault.pop("killed_at"), until))
            sources, counted = _settled(urls, programme["id"])
            queues = cluster.queues()
            exited = sorted(name for name, proc in procs.items() if proc.poll() is not None)
            verdict = check(load.acknowledged, sources, counted, load.indeterminate)
            figures.update(
                faults=faults, results=load.results, requests=sum(load.statuses.values()),
                answers=dict(sorted(load.statuses.items())), acknowledged=len(load.acknowledged),
                indeterminate=len(load.indeterminate), approved_in_source=len(sources),
                lost=sorted(verdict.lost), counted_twice=sorted(verdict.duplicated),
                unexpected=sorted(verdict.unexpected), services_exited=exited,
                # and the API came back, every service still running (none died of a broken connection)
                ok=verdict.ok and all(f["recovered_s"] is not None for f in faults) and not exited,
                node_start_s=[round(s, 1) for s in cluster.start_seconds],
                total_s=round(time.monotonic() - began, 1))
    finally:
        cluster.stop()
    if figures["ok"] and not os.environ.get("CHAOS_KEEP_LOGS"):
        shutil.rmtree(var_dir, ignore_errors=True)
    else:
        figures.update(logs=str(var_dir), queues=queues)   # kept to find out why
    return figures


def _settled(urls: dict[str, str], programme_id: str, timeout: float = 60.0) -> tuple[set[str], dict[str, int]]:
    """The approved results and metrics' count of each, once metrics has caught up (or `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        periods = approved_results(urls["programmes"], programme_id)
        per_period = counted_periods(urls["metrics"], programme_id)
        counted = {rid: per_period.get(end, 0) for rid, end in periods.items()}
        known = set(periods.values())   # a count where no result was approved is unexpected too
        counted.update({f"no-approved-result@{end}": n for end, n in per_period.items() if end not in known})
        if all(counted[rid] for rid in periods) or time.monotonic() > deadline:
            return set(periods), counted
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    figures = run_cluster_scenario(args.quick, args.backend)
    print(json.dumps(figures, indent=2))
    raise SystemExit(0 if figures["ok"] else 1)


if __name__ == "__main__":
    main()
