"""The retry schedule of reliable event handlers and the delay queues it needs."""
import pytest
from kombu.message import Message

from shared.messaging import topology
from shared.runtime.retries import RetryPolicy, delivery_attempt, retry_headers


def message(headers):
    return Message(body=b"{}", headers=headers)


def test_by_default_five_growing_delays_and_six_attempts():
    policy = RetryPolicy.from_config({})
    assert policy.delays == (1, 5, 30, 120, 600)
    assert [policy.delay_after(attempt) for attempt in range(1, 7)] == [1, 5, 30, 120, 600, None]


@pytest.mark.parametrize("configured", ["0.2, 0.5,1", [0.2, 0.5, 1], (0.2, 0.5, 1.0)])
def test_delays_come_as_text_or_a_list(configured):
    assert RetryPolicy.from_config({"EVENT_RETRY_DELAYS": configured}).delays == (0.2, 0.5, 1)


def test_max_attempts_cuts_the_schedule_short_or_repeats_its_last_delay():
    short = RetryPolicy.from_config({"EVENT_RETRY_DELAYS": "1,5,30", "EVENT_MAX_ATTEMPTS": 2})
    assert [short.delay_after(a) for a in (1, 2)] == [1, None]
    assert short.used_delays() == (1,)
    long = RetryPolicy.from_config({"EVENT_RETRY_DELAYS": "1,5", "EVENT_MAX_ATTEMPTS": "5"})
    assert [long.delay_after(a) for a in (1, 2, 3, 4, 5)] == [1, 5, 5, 5, None]
    assert long.used_delays() == (1, 5)


@pytest.mark.parametrize("bad", ["0", "-1", "nan", "1,,5", "inf"])
def test_a_delay_the_broker_cannot_hold_is_refused(bad):
    with pytest.raises(ValueError):
        RetryPolicy.from_config({"EVENT_RETRY_DELAYS": bad})


def test_the_attempt_counts_retries_and_the_brokers_redeliveries():
    assert delivery_attempt(message({})) == 1
    assert delivery_attempt(message({"x-delivery-count": 2})) == 3
    assert delivery_attempt(message({"x-retry-attempt": 3, "x-delivery-count": 1})) == 4


def test_a_retried_copy_keeps_the_context_and_drops_the_brokers_headers():
    headers = retry_headers(message({"nameko.correlation_id": "c-1", "x-delivery-count": 4, "x-death": [{}],
                                     "x-first-death-queue": "q", "x-retry-attempt": 2}), 3)
    assert headers == {"nameko.correlation_id": "c-1", "x-retry-attempt": 3}


def test_one_delay_queue_per_distinct_delay_dead_lettering_to_the_consumers_own_queue():
    queues = topology.retry_queues("metrics", (0.2, 1, 1, 600))
    assert [q.name for q in queues] == ["metrics.retry.200ms", "metrics.retry.1s", "metrics.retry.600s"]
    args = queues[0].queue_arguments
    assert args["x-message-ttl"] == 200 and args["x-queue-type"] == "quorum"
    assert (args["x-dead-letter-exchange"], args["x-dead-letter-routing-key"]) == ("metrics.retry", "metrics.events")
    work = topology.consumer_queue("metrics")
    assert any(b.exchange.name == "metrics.retry" and b.routing_key == "metrics.events" for b in work.bindings)
