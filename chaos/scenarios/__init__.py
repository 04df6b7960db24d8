"""One module per scenario. Each has TITLE (what it does), PROVES (what a pass shows),
BACKENDS (where it applies), `platform(quick)` (Platform keyword arguments: runs whose are
equal share one platform, one after the other) and `inject(platform, load, quick) -> Faults`,
called once the load runs; optionally `verify(platform, faults) -> list[str]` (problems found
after the run settled). ORDER is the order `make chaos` runs them in."""
import time
import urllib.request
from dataclasses import dataclass, field

ORDER = ("sigkill", "broker", "database", "network", "rolling", "duplicates", "poison", "replicas", "cluster")
QUICK = ("sigkill", "broker", "duplicates", "poison")   # the bounded form CI runs
# The quick form runs them all on one platform, the broker scenario's (a private RabbitMQ node it
# restarts): one platform start fewer in CI, and the later scenarios run on a restarted broker.
QUICK_PLATFORM = {"private_broker": True}


@dataclass
class Faults:
    described: str                   # what was done, for the table
    count: int                       # faults injected
    ended_at: float | None = None    # monotonic time the last one was lifted (None: nothing to recover from)
    notes: list[str] = field(default_factory=list)
    context: dict = field(default_factory=dict)   # what `verify` needs


def health(base: str) -> str:
    """GET /health as `<status> in <seconds>`: how the platform describes itself mid-fault."""
    began = time.monotonic()
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=5) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except OSError as exc:
        status, body = type(exc).__name__, b""
    text = body.decode(errors="replace").replace("\n", " ").replace("|", "/")[:160]
    return f"/health {status} in {time.monotonic() - began:.2f} s: `{text}`"


def one(platform, service: str) -> str:
    return platform.names(service)[0]
