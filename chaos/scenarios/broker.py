"""The broker away under load, on a private RabbitMQ node (chaos/rabbit_node.py, never the
shared one): its application stopped (`rabbitmqctl stop_app`) and started again, then the whole
node stopped and started again. Full run: 15 s away each time; quick run (CI): 6 s each, so
every change proves a real broker restart, not only cut connections (the network scenario
cuts them at the proxies)."""
import time

from chaos.scenarios import QUICK_PLATFORM, Faults, health

TITLE = "RabbitMQ away: stop_app 15 s, then the node stopped 15 s (quick: 6 s each)"
PROVES = ("with the broker away every route answers 503 with Retry-After (never 500, never a hang), /health "
          "answers at once and names what is down, and the platform resumes by itself: nothing lost or double-counted")
BACKENDS = ("sqlite", "postgresql")
AWAY = {True: 6.0, False: 15.0}
BETWEEN = {True: 4.0, False: 10.0}   # load on the restarted broker before the node goes


def platform(quick: bool) -> dict:
    return dict(QUICK_PLATFORM)


def inject(p, load, quick: bool) -> Faults:
    away, notes = AWAY[quick], []
    p.node.stop_app()
    time.sleep(2)
    notes.append("stop_app: " + health(p.bases[0]))
    time.sleep(away - 2)
    p.node.start_app()
    p.node.wait_ready()
    time.sleep(BETWEEN[quick])
    p.node.stop()
    time.sleep(2)
    notes.append("node stopped: " + health(p.bases[0]))
    time.sleep(away - 2)
    p.node.start()
    p.node.wait_ready()
    return Faults(f"RabbitMQ stop_app {away:g} s; {BETWEEN[quick]:g} s later the node stopped {away:g} s", 2,
                  time.monotonic(), notes)
