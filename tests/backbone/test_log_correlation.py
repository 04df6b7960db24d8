"""The correlation id of the call is on every log line its worker writes."""
import logging

import pytest
from nameko.rpc import rpc
from nameko.standalone.rpc import ClusterRpcProxy

from shared.runtime.logcontext import CorrelationFilter
from shared.runtime.rpc import DeadlineRpc

pytestmark = pytest.mark.broker
log = logging.getLogger("tests.logprobe")


class LogProbe:
    name = "logprobe"
    other = DeadlineRpc("nobody")  # any platform dependency stamps the worker's correlation id

    @rpc
    def hello(self):
        log.warning("hello from the worker")
        return "ok"


def test_worker_log_lines_carry_the_callers_correlation_id(container_factory, amqp_uri, caplog):
    container_factory(LogProbe, {"AMQP_URI": amqp_uri}).start()
    caplog.handler.addFilter(CorrelationFilter())
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10,
                         context_data={"correlation_id": "req-42"}) as proxy:
        assert proxy.logprobe.hello() == "ok"
    lines = [r for r in caplog.records if r.getMessage() == "hello from the worker"]
    assert [r.correlation_id for r in lines] == ["req-42"]
    log.warning("outside any worker")
    assert caplog.records[-1].correlation_id == "-"
