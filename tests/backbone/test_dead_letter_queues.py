"""The dead-letter queues on the real broker: quorum queues (replicated over a cluster's nodes),
a park the broker does not take is never lost (the event goes back to its queue and is parked
later), a service started against an older platform's classic queue keeps parking there and
says how to upgrade, and `platformctl dead-letters upgrade` moves the parked events into a
quorum queue, nothing lost or doubled, harmless when run again."""
import json
import logging
import sys
from pathlib import Path

import pytest
from amqp.exceptions import NotFound, PreconditionFailed
from kombu import Connection

from shared.messaging import topology
from shared.runtime import events
from tests.backbone.test_undecodable import ProbeService, probe_queue, publish_raw  # noqa: F401 (fixture)
from tests.helpers import drain_messages, queue_depth, wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "platformctl"))
from platformctl.cli import main  # noqa: E402

pytestmark = pytest.mark.broker

DEAD = "probe.dead-letters"
EVENTS = "probe.events"  # the probe_queue fixture's


def declare(amqp_uri, *, classic):
    with Connection(amqp_uri) as conn:
        topology.dead_letter_queue("probe", classic=classic)(conn.channel()).declare()


def is_quorum(amqp_uri):
    """A classic redeclare is refused (406) only by a queue of another type."""
    try:
        declare(amqp_uri, classic=True)
    except PreconditionFailed:
        return True
    return False


def depth(amqp_uri, queue):
    """Messages ready in `queue`; 0 while it does not exist."""
    try:
        return queue_depth(amqp_uri, queue)
    except NotFound:
        return 0


def park_poison(amqp_uri, label):
    """JSON that is no envelope, into the probe's queue: parked as a contract violation."""
    publish_raw(amqp_uri, EVENTS, json.dumps({"not": "an envelope", "label": label}), "application/json",
                message_id=label)


def ctl(capsys, amqp_uri, *args):
    capsys.readouterr()
    assert main(["dead-letters", *args, "--amqp-uri", amqp_uri, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.usefixtures("probe_queue")
def test_a_poison_event_is_parked_in_a_quorum_queue_and_read_back(container_factory, amqp_uri,
                                                                  capsys):
    container_factory(ProbeService, {"AMQP_URI": amqp_uri}).start()
    assert is_quorum(amqp_uri)

    park_poison(amqp_uri, "poison-1")
    wait_until(lambda: queue_depth(amqp_uri, DEAD) == 1, message="the poison parked")
    [parked] = ctl(capsys, amqp_uri, "list", "--consumer", "probe")
    assert (parked["id"], parked["reason"], parked["queue"]) == ("poison-1", "contract_violation", EVENTS)
    assert queue_depth(amqp_uri, DEAD) == 1  # reading took nothing


@pytest.mark.usefixtures("probe_queue")
def test_a_park_no_queue_takes_goes_back_and_is_parked_later(container_factory, amqp_uri,
                                                             monkeypatch, caplog):
    monkeypatch.setattr(events, "PARK_RETRY_PAUSE", 0.5)
    container_factory(ProbeService, {"AMQP_URI": amqp_uri}).start()
    park_poison(amqp_uri, "first")
    wait_until(lambda: queue_depth(amqp_uri, DEAD) == 1, message="the first parked")
    with Connection(amqp_uri) as conn:  # the queue gone (the moment of an upgrade), its declaration cached
        conn.default_channel.queue_delete(DEAD)

    park_poison(amqp_uri, "second")
    # Returned as unroutable (not confirmed and dropped), so requeued; the next attempt, on a
    # fresh connection, declares the queue again and parks it.
    wait_until(lambda: depth(amqp_uri, DEAD) == 1, timeout=15, message="the second parked once it could be")
    assert "NO_ROUTE" in caplog.text and "could not park an event" in caplog.text
    assert [m.properties["message_id"] for m in drain_messages(amqp_uri, DEAD)] == ["second"]
    assert queue_depth(amqp_uri, EVENTS) == 0


@pytest.mark.usefixtures("probe_queue")
def test_a_service_keeps_parking_in_an_older_classic_queue_and_names_the_upgrade(container_factory, amqp_uri, caplog):
    declare(amqp_uri, classic=True)
    with caplog.at_level(logging.WARNING):
        container_factory(ProbeService, {"AMQP_URI": amqp_uri}).start()
    assert "probe.dead-letters is a classic queue" in caplog.text
    assert "platformctl dead-letters upgrade" in caplog.text

    park_poison(amqp_uri, "into-classic")
    wait_until(lambda: queue_depth(amqp_uri, DEAD) == 1, message="parked in the classic queue")
    assert not is_quorum(amqp_uri)


def parked_ids(amqp_uri, queue):
    return sorted(m.properties["message_id"] for m in drain_messages(amqp_uri, queue, limit=500))


def fill(amqp_uri, queue, ids):
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        for i in ids:
            conn.Producer().publish(f'{{"n": "{i}"}}'.encode(), exchange="", routing_key=queue, message_id=i,
                                    content_type="application/json", content_encoding="utf-8", delivery_mode=2,
                                    headers={"x-parked-reason": "handler_error", "x-parked-queue": EVENTS})


@pytest.mark.usefixtures("probe_queue")
def test_upgrade_moves_every_parked_event_into_a_quorum_queue_once(amqp_uri, capsys):
    ids = [f"e-{n:02}" for n in range(40)]
    declare(amqp_uri, classic=True)
    fill(amqp_uri, DEAD, ids)

    [report] = ctl(capsys, amqp_uri, "upgrade", "--consumer", "probe")["queues"]
    assert (report["was"], report["moved_out"], report["moved_back"]) == ("classic", 40, 40)
    assert is_quorum(amqp_uri)
    again = ctl(capsys, amqp_uri, "upgrade", "--consumer", "probe")["queues"]
    assert again == [{**report, "was": "quorum", "moved_out": 0, "moved_back": 0}]

    listed = ctl(capsys, amqp_uri, "list", "--consumer", "probe")
    assert {p["reason"] for p in listed} == {"handler_error"}  # headers moved with the events
    assert parked_ids(amqp_uri, DEAD) == ids  # each once, in the quorum queue
    with Connection(amqp_uri) as conn:
        with pytest.raises(Exception, match="NOT_FOUND"):
            conn.default_channel.queue_declare(f"{DEAD}.upgrading", passive=True)


@pytest.mark.usefixtures("probe_queue")
def test_an_interrupted_upgrade_is_finished_by_running_it_again(amqp_uri, capsys):
    """Half the events already moved out to the holding queue, half still in the classic one."""
    ids = [f"i-{n:02}" for n in range(20)]
    declare(amqp_uri, classic=True)
    with Connection(amqp_uri) as conn:
        conn.default_channel.queue_declare(f"{DEAD}.upgrading", durable=True, auto_delete=False,
                                           arguments={"x-queue-type": "quorum"})
    fill(amqp_uri, f"{DEAD}.upgrading", ids[:10])
    fill(amqp_uri, DEAD, ids[10:])

    [report] = ctl(capsys, amqp_uri, "upgrade", "--consumer", "probe")["queues"]
    assert (report["moved_out"], report["moved_back"]) == (10, 20)
    assert is_quorum(amqp_uri)
    assert parked_ids(amqp_uri, DEAD) == ids
