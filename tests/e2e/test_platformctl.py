"""platformctl against a live platform (one SQLite platform): every subcommand run as a process
(`python -m platformctl`, what the console script runs), checked by its effect on the platform."""
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from kombu import Connection

from shared.events.contracts.grants import EXAMPLES as GRANT_EXAMPLES
from shared.messaging import topology
from tests.e2e.conftest import ADMIN_HEADERS, ADMIN_KEY, running_platform
from tests.gateway.test_gateway_integrations import envelope
from tests.helpers import queue_depth, wait_until
from tests.programmes_flow import programme_body

pytestmark = [pytest.mark.e2e, pytest.mark.broker]

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "platformctl"))  # as `make install` does (-e tools/platformctl)
from platformctl.cli import main  # noqa: E402

SUBCOMMANDS = [[], ["status"], ["dead-letters"], ["dead-letters", "list"], ["dead-letters", "show"],
               ["dead-letters", "replay"], ["dead-letters", "discard"], ["dead-letters", "upgrade"], ["metrics"],
               ["metrics", "reconcile"],
               ["metrics", "rebuild"], ["keys"], ["keys", "create"], ["keys", "list"], ["keys", "revoke"], ["migrate"],
               ["topology"], ["iati"], ["iati", "import"], ["iati", "export"]]


@pytest.fixture(scope="module")
def live(vhost_factory, postgres_database_factory, tmp_path_factory, request):
    """The platform, with its broker vhost and var directory (its SQLite files) known."""
    amqp_uri, var_dir = vhost_factory(), tmp_path_factory.mktemp("ctl-platform-var")
    with running_platform("sqlite", vhost_factory, postgres_database_factory, tmp_path_factory,
                          session=request.session, AMQP_URI=amqp_uri, PLATFORM_VAR_DIR=str(var_dir)) as base:
        yield {"url": base, "amqp_uri": amqp_uri, "var_dir": str(var_dir)}


def ctl_env(live=None, **env):
    """The platform's addresses in the environment, as an operator's would be."""
    environ = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "tools" / "platformctl"),
                                                         os.environ.get("PYTHONPATH", str(ROOT))]))
    if live:
        environ.update(PLATFORM_URL=live["url"], PLATFORM_ADMIN_KEY=ADMIN_KEY, AMQP_URI=live["amqp_uri"],
                       PLATFORM_VAR_DIR=live["var_dir"])
    return {**environ, **env}


def ctl(*args, live=None, **env):
    return subprocess.run([sys.executable, "-m", "platformctl", *args], env=ctl_env(live, **env),
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def ok_json(*args, live):
    done = ctl(*args, "--json", live=live)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def parked(live, **filters):
    flags = [f for name, value in filters.items() for f in (f"--{name.replace('_', '-')}", value)]
    return ok_json("dead-letters", "list", *flags, live=live)


def park_as_the_handler_does(amqp_uri, message, consumer="gateway", attempts=6, queue=None):
    """A valid event parked after its last failed attempt, headers as shared/runtime/events.py writes them."""
    headers = {"x-parked-reason": "handler_error", "x-parked-error": "OperationalError: database is locked",
               "x-parked-queue": queue or topology.queue_name(consumer), "x-parked-attempts": attempts,
               "x-parked-at": datetime.now(UTC).isoformat(), "x-retry-attempt": attempts}
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(json.dumps(message), exchange=topology.dead_letter_exchange(), routing_key=consumer,
                                headers=headers, message_id=message["event_id"], content_type="application/json",
                                delivery_mode=2, declare=[topology.dead_letter_queue(consumer)])


def feed_ids(live, event_type):
    items = requests.get(f"{live['url']}/v1/events", params={"type": event_type}, headers=ADMIN_HEADERS,
                         timeout=10).json()["items"]
    return [item["event_id"] for item in items]


def test_every_subcommand_has_help(capsys):
    assert ctl("--help").stdout.startswith("usage: platformctl")  # the program itself, once
    for path in SUBCOMMANDS:  # every subcommand's, in this process (the same parser)
        with pytest.raises(SystemExit) as exited:
            main([*path, "--help"])
        assert exited.value.code == 0, path
        assert capsys.readouterr().out.startswith(f"usage: {' '.join(['platformctl', *path])}"), path


def test_a_parked_event_is_listed_shown_replayed_and_handled_once(live):
    fund = envelope("fund.created", GRANT_EXAMPLES)
    park_as_the_handler_does(live["amqp_uri"], fund)
    # and one the gateway parks itself: a body that breaks the envelope contract, into its queue
    broken_id = str(uuid.uuid4())
    with Connection(live["amqp_uri"], transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(json.dumps({"type": "fund.created.broken", "payload": {}}), exchange="",
                                routing_key="gateway.events", message_id=broken_id, delivery_mode=2,
                                content_type="application/json")
    listed = wait_until(lambda: (lambda found: {p["id"]: p for p in found} if len(found) == 2 else None)(
        parked(live)), timeout=20, interval=0.3, message="both parked events listed")
    assert listed[fund["event_id"]]["reason"] == "handler_error" and listed[fund["event_id"]]["type"] == "fund.created"
    assert listed[fund["event_id"]]["age_seconds"] >= 0 and "database is locked" in listed[fund["event_id"]]["error"]
    assert listed[broken_id]["reason"] == "contract_violation" and listed[broken_id]["consumer"] == "gateway"
    assert listed[broken_id]["queue"] == "gateway.events" and listed[broken_id]["error"]
    assert [p["id"] for p in parked(live, reason="contract_violation")] == [broken_id]
    assert parked(live, older_than="1h") == []

    shown = ok_json("dead-letters", "show", fund["event_id"], live=live)
    assert shown["body"]["payload"] == fund["payload"] and shown["headers"]["x-parked-attempts"] == 6
    missing = ctl("dead-letters", "show", "no-such-id", live=live)
    assert missing.returncode == 1 and "no parked event 'no-such-id'" in missing.stderr

    dry = ok_json("dead-letters", "replay", "--type", "fund.created", "--dry-run", live=live)
    assert dry["dry_run"] and [e["id"] for e in dry["events"]] == [fund["event_id"]]
    assert len(parked(live)) == 2, "a dry run changes nothing"
    assert feed_ids(live, "fund.created") == []

    replayed = ok_json("dead-letters", "replay", fund["event_id"], live=live)
    assert replayed["count"] == 1 and replayed["problems"] == []
    wait_until(lambda: feed_ids(live, "fund.created") == [fund["event_id"]], timeout=20,
               message="the replayed event handled by the gateway (in its feed)")
    assert [p["id"] for p in parked(live)] == [broken_id]

    # Replayed twice (a crash between publish and ack would do this): the inbox drops the repeat.
    park_as_the_handler_does(live["amqp_uri"], fund)
    assert ok_json("dead-letters", "replay", "--reason", "handler_error", live=live)["count"] == 1
    marker = envelope("call.opened", GRANT_EXAMPLES)
    park_as_the_handler_does(live["amqp_uri"], marker)
    assert ok_json("dead-letters", "replay", marker["event_id"], live=live)["count"] == 1
    wait_until(lambda: feed_ids(live, "call.opened") == [marker["event_id"]], timeout=20, message="the marker")
    wait_until(lambda: queue_depth(live["amqp_uri"], "gateway.events") == 0, message="the queue drained")
    assert feed_ids(live, "fund.created") == [fund["event_id"]]

    # The contract violation goes back to gateway.events and is parked again by the gateway itself.
    assert ok_json("dead-letters", "replay", broken_id, live=live)["count"] == 1
    def parked_again():
        shown = ctl("dead-letters", "show", broken_id, live=live)
        return shown.returncode == 0 and json.loads(shown.stdout)
    again = wait_until(lambda: (parked_again() or {}).get("headers", {}).get("x-replayed-at") and parked_again(),
                       timeout=20, interval=0.3, message="the broken event parked again after its replay")
    assert again["reason"] == "contract_violation" and again["queue"] == "gateway.events"

    unreasoned = ctl("dead-letters", "discard", broken_id, live=live)
    assert unreasoned.returncode == 2 and "--reason" in unreasoned.stderr
    discarded = ctl("dead-letters", "discard", broken_id, "--reason", "test: malformed on purpose", live=live)
    assert discarded.returncode == 0, discarded.stderr
    audit = [json.loads(line) for line in discarded.stderr.splitlines() if line.startswith("{")]
    assert [(a["action"], a["id"], a["why"]) for a in audit] == [("discard", broken_id, "test: malformed on purpose")]
    assert parked(live) == []
    nothing = ctl("dead-letters", "replay", "no-such-id", live=live)
    assert nothing.returncode == 1 and "no-such-id: no such parked event" in nothing.stderr


def test_concurrent_replays_move_each_event_once_and_an_unroutable_one_stays(live):
    events = [envelope("contribution.pledged", GRANT_EXAMPLES) for _ in range(12)]
    for event in events:
        park_as_the_handler_does(live["amqp_uri"], event)
    lost = envelope("contribution.received", GRANT_EXAMPLES)
    park_as_the_handler_does(live["amqp_uri"], lost, queue="gateway.no-such-queue")

    def replay():
        return subprocess.Popen([sys.executable, "-m", "platformctl", "dead-letters", "replay", "--type",
                                 "contribution.pledged", "--json"], env=ctl_env(live), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=ROOT)
    runs = [replay(), replay()]
    reports = [json.loads(run.communicate(timeout=120)[0]) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    replayed = [e["id"] for report in reports for e in report["events"]]
    assert sorted(replayed) == sorted(e["event_id"] for e in events)  # each once, by one of the two
    wait_until(lambda: len(feed_ids(live, "contribution.pledged")) == len(events), timeout=30,
               message="every replayed event handled")
    assert sorted(feed_ids(live, "contribution.pledged")) == sorted(e["event_id"] for e in events)

    # Published to a queue that does not exist, the default exchange would drop it: it stays parked.
    refused = ctl("dead-letters", "replay", lost["event_id"], live=live)
    assert refused.returncode == 1 and "gateway.no-such-queue does not exist" in refused.stderr
    assert [p["id"] for p in parked(live)] == [lost["event_id"]]
    assert ctl("dead-letters", "discard", "--all", "--reason", "test cleanup", live=live).returncode == 0
    assert parked(live) == []


def test_a_message_rabbitmq_dead_lettered_itself_is_listed_and_replayed_by_its_x_death(vhost_factory):
    """No x-parked-* headers (over the delivery limit, or rejected): RabbitMQ's x-first-death-*
    say where it came from. No services here: the message stays where platformctl puts it."""
    amqp_uri = vhost_factory()
    operator = {"url": "", "amqp_uri": amqp_uri, "var_dir": ""}
    try:
        with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
            topology.declare(conn, topology.entities_for(consumer="metrics"))
            conn.Producer().publish(json.dumps({"type": "result.approved"}), exchange="", routing_key="metrics.events",
                                    message_id="m-1", delivery_mode=2, content_type="application/json")
            taken = conn.default_channel.basic_get("metrics.events", no_ack=False)
            conn.default_channel.basic_reject(taken.delivery_tag, requeue=False)  # dead-lettered by RabbitMQ
        listed = wait_until(lambda: parked(operator), message="the dead-lettered message listed")
        assert [(p["id"], p["reason"], p["queue"], p["type"]) for p in listed] == [
            ("m-1", "rejected", "metrics.events", "result.approved")]
        assert listed[0]["age_seconds"] is not None
        assert ok_json("dead-letters", "replay", "--all", live=operator)["count"] == 1
        with Connection(amqp_uri) as conn:
            back = conn.default_channel.basic_get("metrics.events", no_ack=True)
        assert back.properties["message_id"] == "m-1" and json.loads(back.body) == {"type": "result.approved"}
        assert not {"x-death", "x-first-death-queue", "x-first-death-reason"} & set(back.headers or {})
        assert parked(operator) == []
    finally:
        vhost_factory.delete(amqp_uri)


def test_a_key_is_created_usable_listed_and_revoked(live):
    created = ok_json("keys", "create", "--organisation", "XM-CTL", "--role", "reader", "--name", "ctl", live=live)
    bearer = {"Authorization": f"Bearer {created['key']}"}
    assert requests.get(f"{live['url']}/v1/programmes", headers=bearer, timeout=10).status_code == 200
    listed = ok_json("keys", "list", "--organisation", "XM-CTL", live=live)
    assert [(k["id"], k["role"], k["revoked_at"]) for k in listed] == [(created["id"], "reader", None)]
    revoked = ok_json("keys", "revoke", created["id"], live=live)
    assert revoked["revoked_at"] is not None
    assert requests.get(f"{live['url']}/v1/programmes", headers=bearer, timeout=10).status_code == 401
    assert ok_json("keys", "list", "--organisation", "XM-CTL", "--live", live=live) == []
    refused = ctl("keys", "create", "--organisation", "", "--role", "reader", live=live)
    assert refused.returncode == 1 and "HTTP 422" in refused.stderr and "organisation" in refused.stderr


def test_iati_export_streams_a_file_that_imports_back(live, tmp_path):
    body = programme_body("Exported by platformctl")
    created = requests.post(f"{live['url']}/v1/programmes", json=body, headers=ADMIN_HEADERS, timeout=10)
    assert created.status_code == 201, created.text
    document = tmp_path / "activities.xml"
    done = ctl("iati", "export", str(document), live=live)
    assert done.returncode == 0, done.stderr
    assert f"<iati-identifier>{body['iati_identifier']}</iati-identifier>" in document.read_text()
    report = ok_json("iati", "import", str(document), "--dry-run", live=live)
    assert report["dry_run"] and body["iati_identifier"] in {a["iati_identifier"] for a in report["activities"]}
    (tmp_path / "broken.xml").write_text("<iati-activities version='2.03'><iati-activity/></iati-activities>")
    refused = ctl("iati", "import", str(tmp_path / "broken.xml"), live=live)
    assert refused.returncode == 1 and "nothing was imported" in refused.stderr


def test_metrics_reconcile_and_rebuild_read_the_live_databases(live):
    created = requests.post(f"{live['url']}/v1/programmes", json=programme_body("Reconciled"), headers=ADMIN_HEADERS,
                            timeout=10)
    assert created.status_code == 201, created.text
    assert isinstance(ok_json("metrics", "rebuild", live=live), dict)
    report = ok_json("metrics", "reconcile", live=live)  # exit 0: no drift
    assert report["drift"] is False and report["events"] >= 1, report


def test_topology_declares_every_queue_on_an_empty_vhost(vhost_factory):
    amqp_uri = vhost_factory()
    try:
        described = ok_json("topology", "--declare", live={"url": "", "amqp_uri": amqp_uri, "var_dir": ""})
        assert described["declared"] and described["subscriptions"] == len(topology.SUBSCRIPTIONS)
        for consumer in described["consumers"]:
            for queue in (consumer["queue"], consumer["dead_letters"], *consumer["retry_queues"]):
                assert queue_depth(amqp_uri, queue) == 0  # exists (a missing queue raises)
    finally:
        vhost_factory.delete(amqp_uri)


def test_an_address_list_is_served_by_the_first_node_that_answers(vhost_factory):
    amqp_uri = vhost_factory()
    try:   # a RabbitMQ cluster's nodes, the first two away
        nodes = ";".join(["amqp://guest:guest@127.0.0.1:9/", "amqp://guest:guest@127.0.0.1:7/", amqp_uri])
        listed = ctl("dead-letters", "list", "--json", AMQP_URI=nodes)
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout) == []
    finally:
        vhost_factory.delete(amqp_uri)


def test_migrate_brings_fresh_databases_to_head(tmp_path):
    first = ctl("migrate", "grants", "--json", PLATFORM_VAR_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert [(r["service"], r["ok"]) for r in json.loads(first.stdout)] == [("grants", True)]
    assert sorted(p.name for p in tmp_path.glob("*.sqlite3")) == ["grants.sqlite3"]
    assert ctl("migrate", "grants", PLATFORM_VAR_DIR=str(tmp_path)).returncode == 0  # at head: nothing to do
    unknown = ctl("migrate", "nosuch")
    assert unknown.returncode == 2 and "no service nosuch" in unknown.stderr


def test_failures_are_one_clear_line_and_a_non_zero_exit(tmp_path):
    nobody = "http://127.0.0.1:9"
    down = ctl("keys", "list", PLATFORM_URL=nobody, PLATFORM_ADMIN_KEY="k")
    assert down.returncode == 1 and down.stderr.strip() == (
        f"platformctl keys: the gateway at {nobody} does not answer (set PLATFORM_URL or --gateway)")
    nokey = ctl("keys", "list", PLATFORM_URL=nobody, PLATFORM_ADMIN_KEY="")
    assert nokey.returncode == 1 and "PLATFORM_ADMIN_KEY" in nokey.stderr
    broker = ctl("dead-letters", "list", AMQP_URI="amqp://guest:secret@127.0.0.1:9/")
    assert broker.returncode == 1 and "does not answer" in broker.stderr and "secret" not in broker.stderr
    nodes = ctl("dead-letters", "list", AMQP_URI="amqp://guest:secret@127.0.0.1:9/;amqp://guest:other@127.0.0.1:7/")
    assert nodes.returncode == 1 and "127.0.0.1:7" in nodes.stderr and "secret" not in nodes.stderr + nodes.stdout
    assert "other" not in nodes.stderr
    unreadable = ctl("iati", "import", str(tmp_path / "missing.xml"), PLATFORM_ADMIN_KEY="k")
    assert unreadable.returncode == 1 and "cannot read" in unreadable.stderr
    for done in (down, nokey, broker, nodes, unreadable):
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
