"""Remove invisible format characters that can disguise text (bidi overrides and kin).

A headline such as ``"Evil Outlet =1+1 \\u202eTXT.EXE"`` displays as
``Evil Outlet =1+1 EXE.TXT``: the right-to-left override reverses what follows.
``visible_text`` removes every Unicode *format* character (category Cf: bidi
embeddings, overrides, isolates and marks, zero-width spaces, the word joiner,
the byte-order mark, soft hyphens, invisible operators, tag characters) except
the zero-width joiner and non-joiner, which shape emoji and several scripts and
cannot reorder text::

    visible_text("Evil Outlet =1+1 \\u202eTXT.EXE")  -> "Evil Outlet =1+1 TXT.EXE"
    visible_text("Zero\\u200bwidth\\u00adness")      -> "Zerowidthness"
"""

from __future__ import annotations

import re

# Category Cf of Unicode 14 without U+200C/U+200D, as ranges (built once, not at each start):
# soft hyphen, Arabic number signs and letter mark, Syriac abbreviation mark, Mongolian
# vowel separator, zero-width space, LRM/RLM, embeddings and overrides (202A-202E),
# word joiner and invisible operators, isolates (2066-2069) and deprecated format
# controls, byte-order mark, interlinear annotation, Kaithi, Egyptian, shorthand and
# musical format controls, tag characters.
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b"
    "\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def visible_text(text: str) -> str:
    """``text`` without invisible format characters (see the module docstring)."""
    return _FORMAT.sub("", text)


def visible_or_none(text: str | None) -> str | None:
    return None if text is None else visible_text(text)
