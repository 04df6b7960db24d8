"""Environment-driven configuration shared by every service."""
import os

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def amqp_uri() -> str:
    return os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)


def database_url(service: str, var_dir: str | None = None) -> str:
    """`<SERVICE>_DATABASE_URL` if set, else an SQLite file under var/."""
    url = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    var_dir = var_dir or os.environ.get("PLATFORM_VAR_DIR", "var")
    os.makedirs(var_dir, exist_ok=True)
    return f"sqlite:///{os.path.abspath(os.path.join(var_dir, service + '.sqlite3'))}"


def float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default
