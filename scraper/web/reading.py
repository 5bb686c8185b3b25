"""The reading pane's article: paragraphs of escaped text with the matched phrases marked.

Escaping comes first and marking second, by the evidence's offsets into the
original text, so a headline or article can never smuggle markup in and a
``<mark>`` always lands on the words the analysis matched::

    marked_paragraphs("Ann said <b>GVI</b> works.\\nMore.", [ev(start=14, end=17)])
    -> [Markup('Ann said &lt;b&gt;<mark title="…">GVI</mark>&lt;/b&gt; works.'),
        Markup('More.')]

Evidence whose offsets do not match its phrase (the text changed since it was
analysed) is skipped rather than marking the wrong words; overlapping spans
are merged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from scraper.models.stored import ItemRecord
from scraper.web.forms import quote_choices
from storage.store import Store
from storage.stories import with_copies

MARKED_KINDS = frozenset({"program", "city", "relevance", "quote"})


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str
    label: str
    confidence: float | None = None  # of the label, shown in the mark's title


def text_spans(text: str, evidence: Iterable[Mapping[str, Any]]) -> list[Span]:
    """Valid, non-overlapping spans of ``evidence`` over the article ``text``, in order."""
    spans: list[Span] = []
    for ev in evidence:
        if ev.get("field", "text") != "text" or ev.get("kind") not in MARKED_KINDS:
            continue
        start, end = ev.get("start"), ev.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        if not (0 <= start < end <= len(text)) or text[start:end] != ev.get("phrase"):
            continue
        confidence = ev.get("confidence")
        spans.append(
            Span(
                start,
                end,
                str(ev.get("kind")),
                str(ev.get("label") or ""),
                float(confidence) if isinstance(confidence, int | float) else None,
            )
        )
    spans.sort(key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    for span in spans:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = Span(last.start, span.end, last.kind, last.label, last.confidence)
            continue
        merged.append(span)
    return merged


def _mark(text: str, span: Span) -> Markup:
    title = f"{span.kind}: {span.label}" if span.label else span.kind
    if span.confidence is not None:
        title += f" ({span.confidence:.0%} sure)"
    return Markup('<mark class="ev-{}" title="{}">{}</mark>').format(
        span.kind, title, text[span.start : span.end]
    )


def marked_paragraphs(text: str, evidence: Sequence[Mapping[str, Any]]) -> list[Markup]:
    """The article's paragraphs (split at line breaks), escaped, matched phrases marked."""
    spans = text_spans(text, evidence)
    out: list[Markup] = []
    at = 0
    for line in text.split("\n"):
        lo, hi = at, at + len(line)
        at = hi + 1
        if not line.strip():
            continue
        parts: list[Markup] = []
        pos = lo
        for span in spans:
            if span.end <= lo or span.start >= hi:
                continue
            start, end = max(span.start, lo), min(span.end, hi)
            parts.append(escape(text[pos:start]))
            parts.append(_mark(text, Span(start, end, span.kind, span.label, span.confidence)))
            pos = end
        parts.append(escape(text[pos:hi]))
        out.append(Markup("").join(parts))
    return out


def pane_context(store: Store, item: ItemRecord) -> dict[str, Any]:
    """What ``_pane.html`` shows of ``item``: its copies and its quotes as excerpts
    (suggested tags come with the item: ``item_json``'s ``suggestions``)."""
    with_copies(store, [item])
    return {
        "item": item,
        "quote_excerpts": quote_choices(item),
    }
