"""The gateway's RPC reply queue goes with the gateway: a SIGKILLed gateway leaves no
`rpc.reply-gateway-*` queue behind (auto-delete, and x-expires should a half-open
connection keep it). A real gateway process on the real broker."""
import os
import signal
import subprocess
import sys
from urllib.parse import quote, unquote, urlparse

import pytest
import requests
from amqp.exceptions import NotFound
from kombu import Connection

from scripts.run_platform import ROOT, platform_env, start_service, stop
from tests.fixtures import MANAGEMENT_API, _credentials
from tests.helpers import free_port, wait_until

pytestmark = [pytest.mark.broker, pytest.mark.e2e]


def reply_queues(amqp_uri):
    vhost = quote(unquote(urlparse(amqp_uri).path.lstrip("/")), safe="")
    queues = requests.get(f"{MANAGEMENT_API}/queues/{vhost}", auth=_credentials(), timeout=10).json()
    return [q for q in queues if q["name"].startswith("rpc.reply-gateway-")]


def consumers(amqp_uri, name):
    """The queue's consumer count (immediate, unlike the management API's statistics)."""
    with Connection(amqp_uri) as conn:
        _, _, count = conn.default_channel.queue_declare(queue=name, passive=True)
        return count


def test_a_killed_gateway_leaves_no_reply_queue(amqp_uri, tmp_path):
    env = platform_env(free_port(), amqp_uri)
    env.update(AMQP_URI=amqp_uri, PLATFORM_VAR_DIR=str(tmp_path), RPC_REPLY_QUEUE_EXPIRES_SECONDS="3")
    env.pop("GATEWAY_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "gateway.migrate"], env=env, cwd=ROOT, check=True)
    gateway = start_service("gateway", env, tmp_path)
    try:
        (queue,) = wait_until(lambda: reply_queues(amqp_uri), timeout=60, message="the gateway's reply queue")
        assert queue["auto_delete"] is True
        assert queue["durable"] is False
        assert queue["arguments"] == {"x-expires": 3000, "x-queue-type": "classic"}
        wait_until(lambda: consumers(amqp_uri, queue["name"]) == 1, message="the gateway consuming its replies")

        os.kill(gateway.pid, signal.SIGKILL)
        assert gateway.wait(10) == -signal.SIGKILL
        # Listed, not declared passively: a declaration counts as a use and would hold off x-expires.
        wait_until(lambda: not reply_queues(amqp_uri), timeout=15, message="the reply queue to go")
        with Connection(amqp_uri) as conn, pytest.raises(NotFound):
            conn.default_channel.queue_declare(queue=queue["name"], passive=True)
    finally:
        stop([gateway])
