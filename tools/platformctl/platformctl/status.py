"""`platformctl status`: the platform at a glance: the broker; each service: up, replicas,
readiness (broker and database), outbox backlog and the age of its oldest event, and the
projection lag (metrics); the gateway's readiness (GET /readyz); each consumer's dead letters.

Replicas are the consumers of the service's RPC queue (the gateway's: of its event queue);
a service's own figures come from its `ops_state` RPC with a short deadline, so a service
that is down shows as down, not as a failure. Exit code 0 when every part is up and ready,
1 otherwise (the report is printed either way)."""
import argparse
import warnings
from typing import Any

import requests
from kombu import Connection

from platformctl import output
from platformctl.broker import CONNECT_TIMEOUT, queue_depth, redacted
from platformctl.options import common
from shared.messaging import topology
from shared.messaging.brokers import connect_first_reachable

SERVICES = ("programmes", "grants", "metrics")
DEADLINE = 3.0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("status", parents=[common()], description=__doc__,
                                   help="every service's state: up, replicas, readiness, outbox, dead letters, lag")
    parser.add_argument("--deadline", type=float, default=DEADLINE,
                        help="seconds each service has to answer (default %(default)s)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = gather(args.amqp_uri, args.gateway, args.deadline)
    if args.json:
        output.emit_json(report)
    else:
        show(report)
    return 0 if report["ok"] else 1


def gather(amqp_uri: str, gateway_url: str, deadline: float) -> dict[str, Any]:
    report: dict[str, Any] = {"broker": {"uri": redacted(amqp_uri), "up": False}, "services": {},
                              "gateway": gateway_state(gateway_url), "dead_letters": {}}
    try:
        conn = Connection(amqp_uri, connect_timeout=CONNECT_TIMEOUT)
        connect_first_reachable(conn, CONNECT_TIMEOUT)
    except Exception as exc:  # a down broker is a finding, not a failure of the command
        report["broker"]["detail"] = f"{type(exc).__name__}: {exc}"
        report["services"] = {s: {"up": False, "replicas": None} for s in SERVICES}
    else:
        with conn:
            report["broker"]["up"] = True
            replicas = {s: consumers(conn, f"rpc-{s}") for s in SERVICES}
            report["gateway"]["replicas"] = consumers(conn, topology.queue_name("gateway"))
            for name in sorted({s.consumer for s in topology.SUBSCRIPTIONS}):
                queue = topology.dead_letter_queue(name).name
                report["dead_letters"][queue] = queue_depth(conn, queue)
        report["services"] = services_state(amqp_uri, replicas, deadline)
    report["ok"] = bool(report["broker"]["up"] and report["gateway"].get("ready")
                        and all(s.get("ready") for s in report["services"].values()))
    return report


def consumers(conn: Connection, queue: str) -> int:
    channel = conn.channel()
    try:
        _, _, count = channel.queue_declare(queue=queue, passive=True)
        return int(count)
    except Exception:  # no such queue: the service never started here
        return 0
    finally:
        try:
            channel.close()
        except Exception:
            pass


def services_state(amqp_uri: str, replicas: dict[str, int], deadline: float) -> dict[str, Any]:
    states: dict[str, Any] = {}
    up = [s for s in SERVICES if replicas[s]]
    for service in SERVICES:
        states[service] = {"up": False, "replicas": replicas[service]}
    if not up:
        return states
    with warnings.catch_warnings():  # eventlet's deprecation notice, on every import: not the operator's concern
        warnings.simplefilter("ignore")
        from nameko.standalone.rpc import ClusterRpcProxy
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=deadline) as rpc:
        calls = {s: getattr(rpc, s).ops_state.call_async() for s in up}  # all at once: one deadline
        for service, call in calls.items():
            try:
                state = call.result()
            except Exception as exc:
                states[service]["detail"] = f"no answer: {type(exc).__name__}"
                continue
            states[service].update(state, up=True, replicas=replicas[service])
    return states


def gateway_state(url: str) -> dict[str, Any]:
    try:
        answer = requests.get(url.rstrip("/") + "/readyz", timeout=CONNECT_TIMEOUT + DEADLINE)
        body = answer.json()
        return {"url": url, "up": True, "ready": bool(body.get("ready")), "checks": body.get("checks", {})}
    except (requests.RequestException, ValueError) as exc:
        return {"url": url, "up": False, "ready": False, "detail": type(exc).__name__}


def show(report: dict[str, Any]) -> None:
    broker = report["broker"]
    output.console.print(f"broker   {broker['uri']}: {'up' if broker['up'] else 'DOWN ' + broker.get('detail', '')}")
    gateway = report["gateway"]
    failing = [name for name, check in gateway.get("checks", {}).items() if not check.get("ok")]
    output.console.print(f"gateway  {gateway['url']}: " + ("down" if not gateway["up"] else "ready" if gateway["ready"]
                         else "NOT READY (" + ", ".join(failing) + ")")
                         + (f", {gateway['replicas']} replica(s)" if gateway.get("replicas") is not None else ""))
    rows = []
    for name, state in report["services"].items():
        checks = state.get("checks") or {}
        failing = [c for c, check in checks.items() if not check.get("ok")]
        outbox = state.get("outbox") or {}
        dead = state.get("dead_letters") or {}
        rows.append({"service": name, "up": "yes" if state["up"] else "NO", "replicas": state.get("replicas"),
                     "ready": None if not state["up"] else "NO: " + ", ".join(failing) if failing else "yes",
                     "outbox": outbox.get("pending"), "age s": outbox.get("oldest_age_seconds"),
                     "parked": sum(v or 0 for v in dead.values()) if dead else None,
                     "lag s": state.get("projection_lag_seconds")})
    output.table(rows, ("service", "up", "replicas", "ready", "outbox", "age s", "parked", "lag s"),
                 title="services")
    if not broker["up"]:
        output.console.print("dead letters: unknown (no broker)")
        return
    dead_rows = [{"queue": q, "parked": n} for q, n in report["dead_letters"].items()]
    output.table(dead_rows, ("queue", "parked"), title="dead letters")
