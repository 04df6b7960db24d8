"""Text normalisation (shared.text) as every input string field applies it (shared.events.fields.Text)."""
import pytest
from marshmallow import ValidationError

from shared import text
from shared.events.fields import Text, Url, UTCDateTime


@pytest.mark.parametrize("raw, normalised", [
    ("Jinja", "Jinja"),
    ("  Jinja \u00a0", "Jinja"),                      # spaces, no-break space
    ("\ufeffJinja\u200b", "Jinja"),                   # byte-order mark, zero-width space
    ("\u2028Jinja\u2029", "Jinja"),                   # line and paragraph separators
    ("Jin\u200dja", "Jin\u200dja"),                   # a joiner inside the text is kept
    ("Gare\u0301", "Garé"),                           # NFC: e + combining acute -> é
])
def test_one_line_text_is_nfc_and_stripped(raw, normalised):
    assert text.normalise(raw) == normalised
    assert Text().deserialize(raw) == normalised


@pytest.mark.parametrize("raw", [
    "", " ", "\ufeff", "\u200b\u200b", "\u200e\u200f", "\u2060", "\u3000", "\u180e",   # nothing visible
    "a\x00b", "\x00", "a\x1bb", "a\x7fb", "a\x85b",                                      # controls
    "a\nb", "a\tb", "a\rb",                                                             # one line only
    "\ud800", "a\udfffb",                                                               # unpaired surrogates
])
def test_blank_control_and_surrogate_text_is_refused(raw):
    with pytest.raises(ValueError):
        text.normalise(raw)
    with pytest.raises(ValidationError):
        Text().deserialize(raw)


def test_multiline_text_keeps_newlines_and_tabs_only():
    assert text.normalise("first\r\n\tsecond\n", multiline=True) == "first\n\tsecond"
    for raw in ("a\x00b", "a\rb", "a\x0bb", "\n\t\n"):
        with pytest.raises(ValueError):
            text.normalise(raw, multiline=True)


def test_ids_with_controls_or_surrogates_are_unprintable():
    assert not text.unprintable("3f2b-programme id é")
    assert all(text.unprintable(v) for v in ("a\x00", "\x1f", "\ud800x", "a\nb"))


def test_blank_optional_text_whose_default_is_empty_is_not_given():
    assert Text(load_default="").deserialize(" \u200b") == ""
    with pytest.raises(ValidationError):
        Text(load_default=None).deserialize(" \u200b")


def test_urls_refuse_what_text_refuses():
    assert Url().deserialize("https://example.org/hook") == "https://example.org/hook"
    for raw in ("https://example.org/\x00", "https://example.org/a\r\nX-Injected: 1", "https://example.org/\ud800"):
        with pytest.raises(ValidationError):
            Url().deserialize(raw)


def test_times_beyond_the_calendar_in_utc_are_refused():
    with pytest.raises(ValidationError):
        UTCDateTime().deserialize("9999-12-31T23:59:59-23:59")
