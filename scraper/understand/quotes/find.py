"""Direct quotations with their speakers, and the excerpt for a news item.

``find_quotes`` pairs quote marks (``quotes_marks``), reads the attribution
clause next to each quotation (``quotes_attrib``) and resolves surnames and
pronouns to the full name the article first gave (``quotes_names``)::

    Mayor Ann Lee opened the meeting.
    "We will help you," Lee said. "But the shooting has to stop."

gives two quotes, both spoken by "Ann Lee". A quotation with no identifiable
person (an organisation, "one woman", a scare-quoted term) keeps
``speaker=None``; a wrong name is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scraper.models import Evidence, Quote
from scraper.text.fold import fold
from scraper.understand.quotes.attrib import Attribution, after_quote, before_quote
from scraper.understand.quotes.context import ArticleContext as _Context
from scraper.understand.quotes.context import ends as _ends
from scraper.understand.quotes.context import title_case as _title_case
from scraper.understand.quotes.excerpt import choose_excerpt
from scraper.understand.quotes.marks import Span, find_spans
from scraper.understand.quotes.names import Token

__all__ = ["choose_excerpt", "find_quotes", "quote_evidence"]

_TERMINAL = re.compile(r"[.!?…][)\]]?$")


@dataclass
class _Found:
    span: Span
    attribution: Attribution | None  # the clause right next to the quotation
    speaker: str | None
    phrase: str  # attribution as written, own or inherited
    own: bool
    title: bool = False


def _sentence_tail(tokens: list[Token]) -> list[Token]:
    """The tokens after the last sentence end."""
    for i in range(len(tokens) - 1, -1, -1):
        if _ends(tokens, i):
            return tokens[i + 1 :]
    return tokens


def _sentence_head(tokens: list[Token]) -> list[Token]:
    for i in range(len(tokens)):
        if _ends(tokens, i):
            return tokens[:i]
    return tokens


def _own(ctx: _Context, idx: int) -> Attribution | None:
    span = ctx.spans[idx]
    para = ctx.paras[span.paragraph]
    nxt = ctx.spans[idx + 1] if idx + 1 < len(ctx.spans) else None
    prv = ctx.spans[idx - 1] if idx > 0 else None
    known = ctx.known
    if span.close_at >= 0:
        end = nxt.open_at if nxt is not None and nxt.paragraph == span.paragraph else para.end
        post = _sentence_head(ctx.slice(span.close_at + 1, end))
        terminal = bool(_TERMINAL.search(span.text))
        att = after_quote(post, known, terminal=terminal)
        if att is not None:
            return att
    start = para.start
    if prv is not None and prv.paragraph == span.paragraph and prv.close_at >= 0:
        start = prv.close_at + 1
    pre = _sentence_tail(ctx.slice(start, span.open_at))
    return before_quote(pre, known)


def _paragraph_clause(ctx: _Context, span: Span) -> tuple[str | None, str] | None:
    """Speaker of an earlier "X said ..." sentence in the same paragraph."""
    para = ctx.paras[span.paragraph]
    toks = [t for t in ctx.slice(para.start, span.open_at) if not ctx.in_quote(t.start)]
    sentences: list[list[Token]] = [[]]
    for k, t in enumerate(toks):
        sentences[-1].append(t)
        if _ends(toks, k):
            sentences.append([])
    for sent in reversed(sentences):
        att = before_quote(sent, ctx.known)
        if att is not None and att.kind in ("name", "pronoun"):
            return ctx.resolve(att), _phrase(ctx.text, att)
    return None


def _only_quotes(ctx: _Context, para_index: int) -> bool:
    para = ctx.paras[para_index]
    return all(
        ctx.in_quote(t.start) or not t.text[0].isalnum() for t in ctx.slice(para.start, para.end)
    )


def _previous_colon(ctx: _Context, para_index: int) -> tuple[str | None, str] | None:
    """``Lee continued:`` closing the paragraph before a quotation paragraph."""
    if para_index == 0:
        return None
    prev = ctx.paras[para_index - 1]
    if not ctx.text[prev.start : prev.end].rstrip().endswith(":"):
        return None
    toks = _sentence_tail(ctx.slice(prev.start, prev.end - 1))
    att = before_quote(toks, ctx.known)
    if att is None:
        return None
    return ctx.resolve(att), _phrase(ctx.text, att)


def _phrase(text: str, att: Attribution) -> str:
    return " ".join(text[att.phrase_start : att.phrase_end].split())


def _attribute(ctx: _Context) -> list[_Found]:
    atts = [_own(ctx, i) for i in range(len(ctx.spans))]
    ctx.add_unnamed_speakers()
    found = [
        _Found(
            s, a, ctx.resolve(a) if a else None, _phrase(ctx.text, a) if a else "", a is not None
        )
        for s, a in zip(ctx.spans, atts, strict=True)
    ]
    for f in found:
        if _title_case(ctx.slice(f.span.start, f.span.end)):
            # a title ("Don't Stop Believin'"), not words someone spoke
            f.speaker, f.phrase, f.own, f.title = None, "", False, True
    for i, f in enumerate(found):
        if f.own or f.title:
            continue
        same = [g for g in found if g.span.paragraph == f.span.paragraph and g.own]
        before = [g for g in same if g.span.start < f.span.start]
        after = [g for g in same if g.span.start > f.span.start]
        if before or after:
            g = before[-1] if before else after[0]
            f.speaker, f.phrase = g.speaker, g.phrase
            continue
        inherited = _paragraph_clause(ctx, f.span) or _previous_colon(ctx, f.span.paragraph)
        if (
            inherited is None
            and i > 0
            and (
                f.span.continues_previous
                or (_only_quotes(ctx, f.span.paragraph) and not f.span.single)
            )
        ):
            prev = found[i - 1]
            if prev.span.paragraph == f.span.paragraph - 1:
                inherited = prev.speaker, prev.phrase
        if inherited is not None:
            f.speaker, f.phrase = inherited
    return found


SHORT_MIN_WORDS = 3  # a complete sentence said by a named speaker is kept from 3 words on
_COMPLETE = re.compile(r"^[\"“‘']?[A-Z0-9].*[.!?,…][)\]]?$", re.S)


def _short_and_complete(f: _Found) -> bool:
    """A short quotation worth keeping: a whole sentence (capital first, closing
    punctuation last: "We will not stop," said ...) by a named speaker, not a fragment."""
    words = len(f.span.text.split())
    return words >= SHORT_MIN_WORDS and f.speaker is not None and bool(_COMPLETE.match(f.span.text))


def find_quotes(text: str, *, min_words: int = 6) -> list[Quote]:
    """Direct quotations of ``min_words`` words or more, in text order, and shorter ones
    (``SHORT_MIN_WORDS`` or more) that are complete sentences by a named speaker.

    ``Quote.text == text[q.start:q.end]``; ``speaker`` is a full name or None.
    A repeated quotation (a pull quote) is returned once.
    """
    spans = find_spans(text)
    if not spans:
        return []
    ctx = _Context(text, spans)
    out: list[Quote] = []
    seen: dict[str, int] = {}
    for f in _attribute(ctx):
        if len(f.span.text.split()) < min_words and not _short_and_complete(f):
            continue
        key = fold(" ".join(f.span.text.split())).rstrip(",. ")
        q = Quote(f.span.text, f.speaker, f.span.start, f.span.end, f.phrase if f.speaker else "")
        if key in seen:
            k = seen[key]
            if out[k].speaker is None and q.speaker is not None:
                out[k] = replace(out[k], speaker=q.speaker, attribution=q.attribution)
            continue
        seen[key] = len(out)
        out.append(q)
    return out


# Confidence that a quotation's speaker is right (0..1), by how it was named.
SPEAKER_NAMED = 0.9  # the attribution names the full name ("said Jane Roe")
SPEAKER_SURNAME = 0.8  # a surname or part of the name, resolved to the name given earlier
SPEAKER_PRONOUN = 0.65  # "she said", resolved to the person last named
SPEAKER_CARRIED = 0.55  # no clause of its own: carried from a neighbouring quotation


def speaker_confidence(q: Quote) -> float:
    """How sure the attribution is (``"said Jane Roe"`` 0.9, ``"she said"`` 0.65)."""
    if not q.speaker:
        return 0.0
    said = q.attribution.lower()
    name = q.speaker.lower()
    if not said:
        return SPEAKER_CARRIED
    if name in said:
        return SPEAKER_NAMED
    if any(part in said.split() for part in name.split() if len(part) > 2):
        return SPEAKER_SURNAME
    return SPEAKER_PRONOUN


def quote_evidence(quotes: Sequence[Quote]) -> list[Evidence]:
    """One ``Evidence(kind="quote")`` per quotation with a speaker.

    It points at the quotation itself (offsets into the article text); the
    attribution phrase goes into ``note`` and the speaker's confidence into
    ``confidence``.
    """
    return [
        Evidence(
            kind="quote",
            label=q.speaker,
            phrase=q.text,
            start=q.start,
            end=q.end,
            note=f"attributed by “{q.attribution}”" if q.attribution else "",
            confidence=speaker_confidence(q),
        )
        for q in quotes
        if q.speaker
    ]
