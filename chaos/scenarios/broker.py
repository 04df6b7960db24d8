"""The broker away under load. Full run: a private RabbitMQ node (chaos/rabbit_node.py, never the
shared one) has its application stopped for 15 s (`rabbitmqctl stop_app`), then the whole
node stopped for 15 s and started again. Quick run (CI): every service's connection to the
shared broker cut at the proxy for 8 s (connections dropped, new ones refused)."""
import time

from chaos.scenarios import Faults, health

TITLE = "RabbitMQ away: stop_app 15 s, then the node stopped 15 s (quick: connections cut 8 s)"
PROVES = ("with the broker away every route answers 503 with Retry-After (never 500, never a hang), /health "
          "answers at once and names what is down, and the platform resumes by itself: nothing lost or double-counted")
BACKENDS = ("sqlite", "postgresql")
AWAY = 15.0


def platform(quick: bool) -> dict:
    return {} if quick else {"private_broker": True}


def inject(p, load, quick: bool) -> Faults:
    notes = []
    if p.node is None:
        for proxy in p.broker_proxies.values():
            proxy.cut()
        time.sleep(2)
        notes.append("connections cut: " + health(p.bases[0]))
        time.sleep(6)
        for proxy in p.broker_proxies.values():
            proxy.restore()
        return Faults("all broker connections cut 8 s", 1, time.monotonic(), notes)
    p.node.stop_app()
    time.sleep(2)
    notes.append("stop_app: " + health(p.bases[0]))
    time.sleep(AWAY - 2)
    p.node.start_app()
    p.node.wait_ready()
    time.sleep(10)
    p.node.stop()
    time.sleep(2)
    notes.append("node stopped: " + health(p.bases[0]))
    time.sleep(AWAY - 2)
    p.node.start()
    p.node.wait_ready()
    return Faults("RabbitMQ stop_app 15 s; 10 s later the node stopped 15 s", 2, time.monotonic(), notes)
