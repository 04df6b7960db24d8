"""How text from clients is normalised, once for every input field (shared.events.fields.Text).

- Unicode NFC, so the same name typed on two keyboards is one name (a city, a title).
- In multi-line text Windows line ends become "\\n"; leading and trailing white space and
  invisible format characters (Unicode categories Zs, Cf, and the other separators) are stripped.
- Refused: a string that is then empty (only spaces, U+FEFF, U+200B...), control characters
  (category Cc: NUL, which PostgreSQL cannot store, escapes, DEL...) except newline and tab
  in multi-line text, and unpaired surrogates (not text; UTF-8 cannot encode them).

Format characters inside the text are kept: zero-width joiners are part of some scripts and
emoji."""
import re
import unicodedata

_EDGE = {"Zs", "Zl", "Zp", "Cf"}
# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F; Cs is U+D800-U+DFFF.
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE_AND_TAB = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class Blank(ValueError):
    message = "must not be blank (nothing but spaces or invisible characters)"


def normalise(value: str, *, multiline: bool = False) -> str:
    """`value` normalised, or ValueError saying what is wrong with it."""
    if has_surrogate(value):
        raise ValueError("must not contain unpaired surrogates (\\ud800-\\udfff)")
    value = unicodedata.normalize("NFC", value)
    if multiline:
        value = value.replace("\r\n", "\n")
    control = (_CONTROL_BUT_NEWLINE_AND_TAB if multiline else _CONTROL).search(value)
    if control:
        raise ValueError(f"must not contain control characters such as U+{ord(control.group()):04X}"
                         + (" (newlines and tabs are allowed)" if multiline else ""))
    start, end = 0, len(value)
    while start < end and _invisible(value[start]):
        start += 1
    while end > start and _invisible(value[end - 1]):
        end -= 1
    if start == end:
        raise Blank(Blank.message)
    return value[start:end]


def has_surrogate(value: str) -> bool:
    """Whether `value` holds an unpaired surrogate (JSON's "\\ud800"): not text at all."""
    return _SURROGATE.search(value) is not None


def unprintable(value: str) -> bool:
    """Whether `value` holds a control character or an unpaired surrogate: never part of an id
    or a code (PostgreSQL cannot even compare text holding NUL)."""
    return _UNPRINTABLE.search(value) is not None


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in _EDGE
