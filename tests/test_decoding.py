"""annotator/decoding.py: stray control characters repaired with a warning naming each, many (or a
NUL) refused as not text."""

import re

import pytest
from documents import SECTIONS

from annotator import decoding

ARTICLE = (SECTIONS[1][1][0] + " ") * 40  # some 7,000 characters of news


def test_stray_control_characters_in_a_long_text_are_repaired_with_a_warning():
    text = ARTICLE + "Officials said it wasn\x92t so.\n" + ARTICLE + "Caf\x83 prices rose.\x81\n"
    decoded, _, warnings = decoding.decode(text.encode("utf-8"))
    assert decoded == text.replace("\x92", "’").replace("\x83", "ƒ").replace("\x81", "")
    (warning,) = warnings
    assert warning.startswith("held 3 stray control characters (mojibake?): U+0092 at character "
                              f"{len(ARTICLE) + 22:,} read as ’ (Windows-1252);")
    assert warning.endswith(f"U+0081 at character {text.index(chr(0x81)):,} dropped")

@pytest.mark.parametrize(
    ("text", "reason"),
    [("The ministry said the budget rose.\x07\x08\nCritics said it fell.\x1f\n",
      "is not text: it holds the control character U+0007 at character 34"),
     (ARTICLE + "\x00" + ARTICLE, f"is not text: it holds a NUL byte at character {len(ARTICLE)}"),
     ("".join(chr(1 + i % 26) for i in range(2000)), "is not text: it holds the control character")],
    ids=["three-in-a-short-text", "nul", "binary"],
)
def test_many_control_characters_or_a_nul_are_still_not_text(text, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        decoding.decode(text.encode("utf-8"))
