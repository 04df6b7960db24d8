"""`python -m metrics.cli reconcile|rebuild` against the sources' outboxes (SQLite files)."""
import json

import sqlalchemy as sa

from metrics import cli, handlers, models
from shared.db import backbone_tables, create_engine
from shared.events import make_envelope
from shared.events.fields import utcnow
from tests.metrics import builders as b


def source_db(path, events):
    """A source service's database holding `events` in its outbox, in commit order."""
    url = f"sqlite:///{path}"
    metadata = sa.MetaData()
    outbox, _inbox = backbone_tables(metadata)
    engine = create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for event_type, payload in events:
            envelope = make_envelope(event_type, payload, producer=b.producer_of(event_type))
            conn.execute(outbox.insert().values(
                event_id=envelope.event_id, event_type=envelope.type, producer=envelope.producer,
                correlation_id=envelope.correlation_id, body=json.dumps(envelope.to_message()),
                created_at=utcnow(), published_at=utcnow()))
    engine.dispose()
    return url


def test_reconcile_and_rebuild_from_the_outboxes(db, apply, tmp_path, capsys):
    programmes = [b.programme("p-1"), b.result("r-1", 100), b.result("r-2", 7, indicator="women_empowered"),
                  b.result("r-1", 90, version=2)]
    grants = [b.fund(), b.received("k-1", "1000.00"), b.committed("g-1", "400.00"),
              b.application("a-1", "application.screened", status="under_review")]
    urls = ["--metrics-db", db.url, "--programmes-db", source_db(tmp_path / "p.sqlite3", programmes),
            "--grants-db", source_db(tmp_path / "g.sqlite3", grants)]
    apply(*programmes, *grants)

    assert cli.main(["reconcile", *urls]) == 0
    assert json.loads(capsys.readouterr().out)["drift"] is False

    with db.engine.begin() as conn:    # lose an event's effect: drift
        conn.execute(models.metric_money.delete())
    assert cli.main(["reconcile", *urls]) == 1
    report = json.loads(capsys.readouterr().out)
    # the receipt and the commitment
    assert report["plans"]["strategic-plan-2018-2021"]["rows"]["money"]["missing"] == 2

    assert cli.main(["rebuild", *urls]) == 0
    assert json.loads(capsys.readouterr().out)["results"] == 2
    assert cli.main(["reconcile", *urls]) == 0
    capsys.readouterr()
    progress = handlers.get_progress(db.uow())
    assert progress["figures"]["people_reached"]["value"] == 90
    assert progress["funds"][0]["committed"] == "400.00"
    assert handlers.get_pipeline(db.uow())["applications_under_review"] == 1

    assert cli.main(["rebuild", "--aggregates-only", "--metrics-db", db.url]) == 0
    assert handlers.get_progress(db.uow())["figures"] == progress["figures"]
