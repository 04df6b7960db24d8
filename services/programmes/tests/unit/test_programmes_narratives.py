"""Narratives on a real unit of work (conftest.py): one per programme, period and subject
(an indicator or a report section), rewritten in place, with attachments' descriptions,
refused in a locked period; a period's report carries the figures and the words."""
import pytest
from programmes_requests import ADMIN, OTHER, PARTNER, PERIOD, approved, handlers

from shared.errors import Conflict, InvalidInput, NotFound

FILE = {"id": "a-1", "key": "narratives/n/a-1", "filename": "photo.png", "content_type": "image/png", "size": 10,
        "sha256": "0" * 64}


def _write(uow, live, actor=PARTNER, **subject):
    subject = subject or {"category": "progress"}
    return handlers.write_narrative(uow, live["id"], {"period": PERIOD, "text": " Drains cleared. ", **subject},
                                    actor=actor)


def test_one_narrative_per_period_and_subject_rewritten_in_place(uow, live):
    first = _write(uow, live)
    assert first["created"] is True and first["narrative"]["text"] == "Drains cleared."
    again = handlers.write_narrative(uow, live["id"], {"period": PERIOD, "category": "progress", "text": "More."},
                                     actor=PARTNER)
    assert (again["created"], again["narrative"]["id"], again["narrative"]["text"]) == (
        False, first["narrative"]["id"], "More.")
    by_indicator = _write(uow, live, indicator="people_reached")["narrative"]
    assert by_indicator["indicator"] == "people_reached" and by_indicator["category"] is None
    listed = handlers.list_narratives(uow, live["id"], {"category": "progress"}, actor=PARTNER)["items"]
    assert [n["id"] for n in listed] == [first["narrative"]["id"]]


@pytest.mark.parametrize("data, field", [
    ({"text": "x"}, "category"),                                                # no subject
    ({"text": "x", "category": "progress", "indicator": "people_reached"}, "category"),  # both
    ({"text": "x", "category": "gossip"}, "category"),
    ({"text": "", "category": "progress"}, "text"),
    ({"text": "x" * 20001, "category": "progress"}, "text"),
    ({"text": "x", "indicator": "trees_planted"}, "indicator"),                 # not the programme's
])
def test_bad_narratives_are_refused_naming_the_field(uow, live, data, field):
    with pytest.raises(InvalidInput) as caught:
        handlers.write_narrative(uow, live["id"], {"period": PERIOD, **data}, actor=PARTNER)
    assert field in caught.value.errors


def test_attachments_are_described_and_a_locked_period_takes_neither_words_nor_files(uow, live, plan_with):
    narrative = _write(uow, live)["narrative"]
    view = handlers.attach_file(uow, narrative["id"], FILE, actor=PARTNER)
    assert [(a["id"], a["filename"], a["size"]) for a in view["attachments"]] == [("a-1", "photo.png", 10)]
    assert handlers.attachment_of(uow, narrative["id"], "a-1", actor=PARTNER)["key"] == "narratives/n/a-1"
    with pytest.raises(NotFound):
        handlers.attachment_of(uow, narrative["id"], "a-1", actor=OTHER)
    with pytest.raises(NotFound):
        handlers.attachment_of(uow, narrative["id"], "a-2", actor=PARTNER)
    plan_with(grace_days=10)
    with pytest.raises(Conflict):
        handlers.attach_file(uow, narrative["id"], {**FILE, "id": "a-2"}, actor=PARTNER)
    with pytest.raises(Conflict):
        _write(uow, live)
    assert len(handlers.get_narrative(uow, narrative["id"], actor=ADMIN)["attachments"]) == 1


def test_a_periods_report_has_its_figures_and_its_words(uow, live):
    result = approved(uow, live, 1200)
    narrative = _write(uow, live)["narrative"]
    report = handlers.programme_report(uow, live["id"], {"start": "2020-01-01", "end": "2020-12-31"}, actor=PARTNER)
    assert [(r["id"], r["approved_value"]) for r in report["results"]] == [(result["id"], "1200")]
    assert [n["id"] for n in report["narratives"]] == [narrative["id"]]
    outside = handlers.programme_report(uow, live["id"], {"start": "2021-01-01", "end": "2021-12-31"})
    assert outside["results"] == [] and outside["narratives"] == []
    with pytest.raises(NotFound):
        handlers.programme_report(uow, live["id"], {"start": "2020-01-01", "end": "2020-12-31"}, actor=OTHER)


def _narrative_events(uow):
    return [e.payload for e in uow.events if e.type == "narrative.updated"]


def test_every_change_of_a_narrative_is_an_event_that_never_names_a_storage_key(uow, live):
    narrative = _write(uow, live)["narrative"]
    _write(uow, live)
    handlers.attach_file(uow, narrative["id"], FILE, actor=PARTNER)
    handlers.remove_attachment(uow, narrative["id"], "a-1", actor=PARTNER)
    sent = _narrative_events(uow)
    assert [(e["change"], len(e["attachments"])) for e in sent] == [
        ("written", 0), ("rewritten", 0), ("attachment_added", 1), ("attachment_removed", 0)]
    assert {e["narrative_id"] for e in sent} == {narrative["id"]} and sent[0]["reporting_org_ref"] == "XM-ORG-1"
    assert sent[2]["attachment"]["filename"] == "photo.png" and sent[3]["attachment"]["id"] == "a-1"
    assert "key" not in sent[2]["attachment"] and "key" not in sent[2]["attachments"][0]


def test_an_attachment_is_removed_by_its_organisation_while_the_period_is_open_and_by_admins_always(
        uow, live, plan_with):
    narrative = _write(uow, live)["narrative"]
    for name in ("a-1", "a-2", "a-3"):
        handlers.attach_file(uow, narrative["id"], {**FILE, "id": name, "key": f"narratives/n/{name}"}, actor=PARTNER)
    removed = handlers.remove_attachment(uow, narrative["id"], "a-1", actor=PARTNER)
    assert removed["key"] == "narratives/n/a-1"     # the gateway deletes the stored file
    assert [a["id"] for a in removed["narrative"]["attachments"]] == ["a-2", "a-3"]
    with pytest.raises(NotFound) as missing:
        handlers.remove_attachment(uow, narrative["id"], "a-1", actor=PARTNER)
    with pytest.raises(NotFound) as others:
        handlers.remove_attachment(uow, narrative["id"], "a-2", actor=OTHER)
    with pytest.raises(NotFound) as nowhere:
        handlers.remove_attachment(uow, "n-404", "a-2", actor=OTHER)
    assert (others.value.resource, missing.value.resource) == ("narrative", "attachment")
    assert others.value.detail == nowhere.value.detail.replace("n-404", narrative["id"])
    plan_with(grace_days=10)
    with pytest.raises(Conflict):
        handlers.remove_attachment(uow, narrative["id"], "a-2", actor=PARTNER)
    assert [a["id"] for a in handlers.remove_attachment(uow, narrative["id"], "a-2", actor=ADMIN)["narrative"]
            ["attachments"]] == ["a-3"]
