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
from dataclasses import dataclass

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


_MARKS = "\"“”‘’'«»„"
_CLOSING = {"“": "”", "‘": "’", "«": "»", "„": "“"}


@dataclass(frozen=True, slots=True)
class _Parts:
    """A quotation and its own attribution clause, as the article wrote them."""

    prefix: str  # "Ann Lee said: " when the attribution comes first
    open: str
    quote: str
    close: str
    suffix: str  # " said Ann Lee, the director." when it comes after

    def render(self, quote: str | None = None) -> str:
        body = self.quote if quote is None else quote
        return _squash(f"{self.prefix}{self.open}{body}{self.close}{self.suffix}")


def _parts(text: str, q: Quote) -> _Parts | None:
    """``q`` with the attribution next to it, or None when it has none of its own."""
    open_at = q.start - 1
    while open_at > 0 and text[open_at].isspace():
        open_at -= 1
    open_mark = text[open_at] if text[open_at] in _MARKS else '"'
    close_at = q.end
    if close_at < len(text) and text[close_at] in _MARKS:
        close_mark = text[close_at]
    else:  # a quotation running on into the next paragraph
        close_mark, close_at = _CLOSING.get(open_mark, open_mark), q.end - 1
    quote = _squash(q.text)
    after = _located(text, q.attribution, close_at + 1, close_at + 8 + len(q.attribution) * 2)
    if after is not None and not text[close_at + 1 : after[0]].strip(" ,—–-―"):
        rest = re.match(r"[^.!?\n\"“”]{0,120}[.!?]", text[after[1] :])
        if rest is not None:
            suffix = text[close_at + 1 : after[1] + rest.end()]
        else:
            tail = re.match(r"[^,.!?\n\"“”]*", text[after[1] :])
            suffix = text[close_at + 1 : after[1] + (tail.end() if tail else 0)]
            if not re.match(r"\s*[-—–―]", suffix):
                suffix += "."
        return _Parts("", open_mark, quote, close_mark, _named(suffix, q))
    before = _located(text, q.attribution, open_at - 200, open_at)
    if before is not None:
        # "Lee said: “...”", or a second part: "“A,” Lee said. “B.”" (kept whole)
        start = text.rfind("\n", 0, before[0]) + 1
        ends = [m.end() for m in re.finditer(r"[.!?][”\"’']?\s+", text[start : before[0]])]
        if ends:
            start += ends[-1]
        return _Parts(_named(text[start:open_at], q, last=True), open_mark, quote, close_mark, "")
    return None


def _named(clause: str, q: Quote, *, last: bool = False) -> str:
    """The attribution with its pronoun replaced by the speaker: "he said" ->
    "Ann Lee said", so the excerpt names who is speaking."""
    if q.speaker is None or not re.search(r"\b(he|she)\b", q.attribution, re.I):
        return clause
    found = list(re.finditer(r"\b([Hh]e|[Ss]he)\b", clause))
    if not found:
        return clause
    m = found[-1] if last else found[0]
    return clause[: m.start()] + q.speaker + clause[m.end() :]


def _score(q: Quote, parts: _Parts, text_len: int, max_chars: int) -> float:
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
    if len(parts.render()) > max_chars:
        score -= 3
    if re.search(r"\b(he|she)\b", q.attribution, re.I):
        score -= 0.5  # prefer an attribution that names the speaker itself
    if parts.prefix.lstrip()[:1] in _MARKS:
        score -= 1.5  # a continuation shown with the quotation before it
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

    The result is at most ``max_chars`` characters and never ends mid-word; a
    long quotation is shortened inside its marks so the attribution stays.
    """
    best: tuple[float, _Parts] | None = None
    for q in quotes:
        if not q.speaker or not q.attribution:
            continue
        parts = _parts(text, q)
        if parts is None:
            continue
        score = _score(q, parts, len(text), max_chars)
        if best is None or score > best[0]:
            best = (score, parts)
    if best is None:
        return shorten(_lede(text), max_chars)
    parts = best[1]
    full = parts.render()
    if len(full) <= max_chars:
        return full
    budget = max_chars - (len(full) - len(parts.quote))
    if budget >= 40:
        return parts.render(shorten(parts.quote, budget))
    return shorten(full, max_chars)
