"""The excerpt shown under a news item: a strong attributed quote, else the lede.

A good quote is a full sentence of moderate length, early in the article,
with its own attribution clause next to it; it is shown as the article wrote
it::

    “It's about winning people over one at a time,” said Commander Jane Doe.

Without one, the first real paragraph is used. Nothing is cut mid-word: a
text too long is cut at a sentence end, or at a word boundary with "…".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scraper.models import Quote

_WS = re.compile(r"\s+")
_DATELINE_ONLY = re.compile(r"^(by |posted |updated |published |photo|image|copyright|©)", re.I)


def _squash(s: str) -> str:
    return _WS.sub(" ", s).strip()


def shorten(s: str, max_chars: int) -> str:
    """``s`` cut to ``max_chars``: at a sentence end if one is late enough, else
    at a word boundary followed by "…"."""
    s = _squash(s)
    if len(s) <= max_chars:
        return s
    head = s[:max_chars]
    ends = [m.end() for m in re.finditer(r"[.!?][”\"’']?(?=\s)", head + " ")]
    ends = [e for e in ends if e <= max_chars]
    if ends and ends[-1] >= max_chars * 0.6:
        return s[: ends[-1]]
    cut = s[: max_chars - 1]
    space = cut.rfind(" ")
    if space > 0:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + "…"


def _located(text: str, phrase: str, lo: int, hi: int) -> tuple[int, int] | None:
    if not phrase:
        return None
    pattern = r"\s+".join(re.escape(w) for w in phrase.split())
    m = re.search(pattern, text[max(0, lo) : hi])
    if m is None:
        return None
    return max(0, lo) + m.start(), max(0, lo) + m.end()


def _quoted_sentence(text: str, q: Quote) -> str | None:
    """The quotation with its own attribution clause, as written, or None."""
    open_at = q.start - 1
    while open_at > 0 and text[open_at].isspace():
        open_at -= 1
    close_at = q.end
    while close_at < len(text) and text[close_at].isspace():
        close_at += 1
    after = _located(text, q.attribution, close_at, close_at + 4 + len(q.attribution) * 2)
    if after is not None and not text[close_at + 1 : after[0]].strip(" ,—–-"):
        end = after[1]
        m = re.match(r"[^.!?\n]{0,120}[.!?]", text[end:])
        end = end + m.end() if m else end
        return _squash(text[open_at:end])
    before = _located(text, q.attribution, open_at - 200, open_at)
    if before is not None:
        start = text.rfind("\n", 0, before[0]) + 1
        ends = [m.end() for m in re.finditer(r"[.!?][”\"’']?\s+", text[start : before[0]])]
        if ends:
            start += ends[-1]
        return _squash(text[start : close_at + 1])
    return None


def _score(q: Quote, sentence: str, text_len: int, max_chars: int) -> float:
    words = len(q.text.split())
    score = 0.0
    if q.text[:1].isupper():
        score += 2  # starts a sentence, not a fragment
    if re.search(r"[.!?,][’'”\"]?$", q.text):
        score += 1
    if 10 <= words <= 40:
        score += 2
    elif words > 60 or words < 8:
        score -= 1
    if len(sentence) > max_chars:
        score -= 3
    score -= 2 * (q.start / max(text_len, 1))  # earlier is better
    return score


def _lede(text: str) -> str:
    for para in text.split("\n\n") if "\n\n" in text else text.split("\n"):
        p = _squash(para)
        if len(p.split()) < 12 or _DATELINE_ONLY.match(p):
            continue
        if not re.search(r"[.!?][”\"’']?(\s|$)", p):
            continue
        return p
    return _squash(text)


def choose_excerpt(text: str, quotes: Sequence[Quote], *, max_chars: int = 320) -> str:
    """The strongest attributed quotation by a named person, else the lede.

    The result is at most ``max_chars`` characters and never ends mid-word.
    """
    best: tuple[float, str] | None = None
    for q in quotes:
        if not q.speaker or not q.attribution:
            continue
        sentence = _quoted_sentence(text, q)
        if sentence is None:
            continue
        score = _score(q, sentence, len(text), max_chars)
        if best is None or score > best[0]:
            best = (score, sentence)
    if best is not None:
        sentence = best[1]
        if len(sentence) <= max_chars:
            return sentence
        return shorten(sentence, max_chars)
    return shorten(_lede(text), max_chars)
