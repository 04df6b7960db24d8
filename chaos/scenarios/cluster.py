"""Broker failover: the platform on a private three-node RabbitMQ cluster (chaos/cluster.py;
AMQP_URI lists the nodes, node a first, so every service starts there), SIGKILL of node a, kept
away a while and restarted, then the same for node b, where the services had moved. Quorum
queues keep their messages on the two nodes left; the services reconnect along AMQP_URI."""
import time

from chaos.scenarios import Faults

TITLE = "three-node RabbitMQ cluster: SIGKILL of node a, away 20 s, back; then node b (quick: 8 s each)"
PROVES = ("the services move to a live node by themselves and the quorum queues (3 replicas each) keep every "
          "message: nothing lost or double-counted, no service process exits, approvals resume after each kill")
BACKENDS = ("sqlite", "postgresql")
NODES = 3


def platform(quick: bool) -> dict:
    return {"cluster": NODES}


def inject(p, load, quick: bool) -> Faults:
    steady, down = (4.0, 8.0) if quick else (10.0, 20.0)   # between the faults; a killed node's time away
    pids = {name: s.proc.pid for name, s in p.processes.items()}
    replicas = sorted({q["replicas"] for q in p.cluster.queues() if q["type"] == "quorum"})
    kills, notes = [], []
    for i, node in enumerate(p.cluster.nodes[:2]):
        if i:
            time.sleep(steady)
        killed_at = time.monotonic()
        p.cluster.kill(node)
        time.sleep(down)
        took = p.cluster.restart(node)
        kills.append((node.node.split("-")[1], killed_at, took))
    notes.append(f"quorum queues' replicas before the kills: {replicas}; node starts (a, b, c, then a, b again) "
                 f"{', '.join(f'{s:.1f}' for s in p.cluster.start_seconds)} s")
    return Faults(f"SIGKILL of node a, then of node b, each away {down:.0f} s and restarted", len(kills),
                  time.monotonic(), notes, {"load": load, "kills": kills, "pids": pids})


def recovery(troubles: list[float], successes: list[float], killed_at: float, until: float) -> str:
    """After a kill: the answers to retry (503, 504, no answer, 409 still running) and the
    seconds from the kill to the first approval acknowledged after the last of them."""
    failed = [t for t in troubles if killed_at <= t < until]
    calm = max(failed, default=killed_at)
    ok = [t for t in successes if calm <= t < until]
    return (f"{len(failed)} answers to retry, approvals acknowledged again "
            f"{f'{min(ok) - killed_at:.1f} s' if ok else 'never'} after the kill")


def verify(p, faults: Faults) -> list[str]:
    """Every quorum queue on all three nodes again, no service process exited, approvals resumed
    after each kill (with the time they took, in the notes)."""
    load, kills, problems = faults.context["load"], faults.context["kills"], []
    ends = [killed_at for _, killed_at, _ in kills[1:]] + [time.monotonic()]
    for (letter, killed_at, took), until in zip(kills, ends, strict=True):
        said = recovery(load.troubles, load.successes, killed_at, until)
        faults.notes.append(f"node {letter} killed, back in {took:.1f} s: {said}")
        if said.endswith("never after the kill"):
            problems.append(f"no approval acknowledged after node {letter} was killed")
    quorum = [q for q in p.cluster.queues() if q["type"] == "quorum"]
    if not quorum or any(q["replicas"] != NODES for q in quorum):
        problems.append(f"quorum queues' replicas: {sorted((q['name'], q['replicas']) for q in quorum)}")
    exited = sorted(n for n, s in p.processes.items() if s.proc.pid != faults.context["pids"][n] or not p.running(n))
    if exited:
        problems.append(f"service processes exited: {', '.join(exited)}")
    return problems
