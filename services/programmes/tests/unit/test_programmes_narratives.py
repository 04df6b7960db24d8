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
