"""docs/events.md is generated (`make docs`); it must match the code it documents."""
import subprocess
import sys
from pathlib import Path

from marshmallow import fields, validate

from shared.events import CONTRACTS
from shared.events.docs import ENVELOPE_FIELDS, allowed_values, field_rows, render
from shared.events.envelope import EnvelopeSchema
from shared.messaging.topology import SUBSCRIPTIONS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "events.md"


def test_docs_events_md_is_the_generators_current_output():
    # In a fresh process, exactly as `make docs` runs it: subscriptions or contracts
    # that other tests add at run time cannot creep in.
    generated = subprocess.run([sys.executable, "-m", "shared.events.docs"], cwd=ROOT, check=True,
                               capture_output=True, text=True, timeout=60).stdout
    assert DOC.read_text(encoding="utf-8") == generated, "docs/events.md is stale: run `make docs`"


def test_every_contract_and_subscription_is_documented():
    doc = DOC.read_text(encoding="utf-8")
    for (event_type, version), cls in CONTRACTS.items():
        assert f"### {event_type} v{version}\n" in doc
        assert f"routing key `{event_type}`" in doc
        assert f"`{cls.producer}.events` (topic)" in doc
        for name in cls().fields:
            assert f"`{name}`" in doc
    for sub in SUBSCRIPTIONS:
        assert f"| `{sub.consumer}` | `{sub.queue_name}` |" in doc


def test_every_envelope_field_is_described():
    assert list(ENVELOPE_FIELDS) == list(EnvelopeSchema().fields)
    doc = DOC.read_text(encoding="utf-8")
    for name in ENVELOPE_FIELDS:
        assert f"| `{name}` |" in doc


def test_the_output_is_the_rendered_text():
    assert render().startswith("# Integration events\n")
    assert render().endswith("\n")


def test_allowed_values_come_from_the_validators():
    assert allowed_values(fields.String(validate=validate.OneOf(["a", "b"]))) == "`a`, `b`"
    assert allowed_values(fields.Integer(validate=validate.Range(min=0))) == "≥ 0"
    assert allowed_values(fields.Integer(validate=validate.Range(min=0, min_inclusive=False, max=9))) == "> 0; ≤ 9"
    assert allowed_values(fields.List(fields.String(validate=validate.OneOf(["x"])))) == "each item: `x`"
    assert allowed_values(fields.String()) == ""


def test_nested_fields_get_dotted_rows():
    rows = field_rows(CONTRACTS[("programme.created", 1)]())
    names = [row[0] for row in rows]
    assert names.index("`cities`") < names.index("`cities[].name`") < names.index("`cities[].country`")
    window = next(row for row in rows if row[0] == "`funding_window`")
    assert window[2] == "yes" and window[4] == "`country_city`, `global`"
