"""How text from clients is normalised, once for every input field (shared.events.fields.Text).

- Unicode NFC, so the same name typed on two keyboards is one name (a city, a title).
- Windows line ends become "\\n"; then leading and trailing white space and invisible format
  characters (Unicode categories Zs, Cf, and the other separators) are stripped.
- Refused: a string that is then empty (only spaces, U+FEFF, U+200B...), control characters
  (category Cc: NUL, which PostgreSQL cannot store, escapes, DEL...) except newline and tab
  in multi-line text, and unpaired surrogates (not text; UTF-8 cannot encode them).

Format characters inside the text are kept: zero-width joiners are part of some scripts and
emoji."""
import unicodedata

_EDGE = {"Zs", "Zl", "Zp", "Cf"}


class Blank(ValueError):
    message = "must not be blank (nothing but spaces or invisible characters)"

_MULTILINE_CONTROLS = {"\n", "\t"}


def normalise(value: str, *, multiline: bool = False) -> str:
    """`value` normalised, or ValueError saying what is wrong with it."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            raise ValueError("must not contain unpaired surrogates (\\ud800-\\udfff)")
        if category == "Cc" and not (multiline and char in _MULTILINE_CONTROLS) and char != "\r":
            raise ValueError(f"must not contain control characters such as U+{ord(char):04X}"
                             + (" (newlines and tabs are allowed)" if multiline else ""))
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n")
    if "\r" in value or (not multiline and "\n" in value):
        raise ValueError("must not contain control characters such as U+000D")
    start, end = 0, len(value)
    while start < end and _invisible(value[start]):
        start += 1
    while end > start and _invisible(value[end - 1]):
        end -= 1
    if start == end:
        raise Blank(Blank.message)
    return value[start:end]


def unprintable(value: str) -> bool:
    """Whether `value` holds a control character or an unpaired surrogate: never part of an id
    or a code (PostgreSQL cannot even compare text holding NUL)."""
    return any(unicodedata.category(char) in ("Cc", "Cs") for char in value)


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in _EDGE
