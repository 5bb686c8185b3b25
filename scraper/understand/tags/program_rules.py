"""Find the raw hits of each program's vocabulary in a story, before any decision.

:func:`scan` returns, for every program, its strong hits (aliases and names),
acronym hits that the context vouches for, cue hits, and the hits that an
exclusion suppressed. :mod:`scraper.understand.tags.programs` turns these into tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from scraper.config.vocab import ProgramSpec
from scraper.models import EvidenceField
from scraper.text.segment import Phrase, Span, sentence_of, sentence_spans


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence of a program's word in the headline or the text."""

    program: str
    kind: str  # "alias", "name", "acronym", "cue"
    field: EvidenceField
    start: int
    end: int
    phrase: str
    note: str = ""


@dataclass(slots=True)
class ProgramHits:
    spec: ProgramSpec
    strong: list[Hit] = field(default_factory=list)  # aliases, names, vouched acronyms
    cues: list[Hit] = field(default_factory=list)
    described: list[Hit] = field(default_factory=list)  # description signals; note = component
    excluded: list[tuple[Hit, str]] = field(default_factory=list)  # hit, exclusion phrase
    exclusions_seen: list[str] = field(default_factory=list)  # exclusion phrases in the story
    cue_context: bool = True  # a `cue_context` word stands in the story (or none is asked)


@dataclass(frozen=True, slots=True)
class _Compiled:
    aliases: tuple[Phrase, ...]
    names: tuple[Phrase, ...]
    acronyms: tuple[Phrase, ...]
    context: tuple[Phrase, ...]
    cues: tuple[Phrase, ...]
    exclusions: tuple[Phrase, ...]
    cue_context: tuple[Phrase, ...]
    descriptions: tuple[tuple[str, tuple[Phrase, ...]], ...]  # component, its signals


@lru_cache(maxsize=256)
def _compile(spec_json: str) -> _Compiled:
    spec = ProgramSpec.model_validate_json(spec_json)

    def ci(items: Sequence[str]) -> tuple[Phrase, ...]:
        return tuple(Phrase.compile(p) for p in items if p.strip())

    def cs(items: Sequence[str]) -> tuple[Phrase, ...]:
        return tuple(Phrase.compile(p, case_sensitive=True) for p in items if p.strip())

    return _Compiled(
        aliases=ci(spec.aliases),
        names=cs(spec.names),
        acronyms=cs(spec.acronyms),
        context=ci(spec.context),
        cues=ci(spec.cues),
        exclusions=ci(spec.exclusions),
        cue_context=ci(spec.cue_context),
        descriptions=tuple((d.component, ci(d.signals)) for d in spec.descriptions),
    )


@dataclass(frozen=True, slots=True)
class _Field:
    name: EvidenceField
    text: str
    sentences: tuple[Span, ...]


def _fields(text: str, headline: str) -> list[_Field]:
    out = []
    if headline.strip():
        out.append(_Field("headline", headline, tuple(sentence_spans(headline))))
    out.append(_Field("text", text, tuple(sentence_spans(text))))
    return out


MAX_CUE_HITS = 300  # cue matches read per field of one story


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _exclusion_for(span: Span, fld: _Field, exclusions: Sequence[tuple[Span, str]]) -> str | None:
    """The exclusion phrase that overlaps ``span`` or shares its sentence, if any."""
    sentence = sentence_of(fld.sentences, span[0])
    for ex_span, phrase in exclusions:
        if _overlaps(span, ex_span) or _overlaps(sentence, ex_span):
            return phrase
    return None


def _is_shouting(fld: _Field, span: Span) -> bool:
    """True when the sentence around ``span`` is all capitals (a shouted headline)."""
    s_start, s_end = sentence_of(fld.sentences, span[0])
    letters = [c for c in fld.text[s_start:s_end] if c.isalpha()]
    return len(letters) > 12 and all(c.isupper() for c in letters)


def scan(text: str, *, headline: str, spec: ProgramSpec) -> ProgramHits:
    """All hits of one program in ``headline`` and ``text``."""
    rules = _compile(spec.model_dump_json())
    result = ProgramHits(spec)
    fields = _fields(text, headline)
    exclusions = {
        f.name: [(span, p.source) for p in rules.exclusions for span in p.find(f.text, f.sentences)]
        for f in fields
    }
    any_exclusion = any(exclusions.values())
    result.exclusions_seen = sorted(
        {f.text[a:b] for f in fields for (a, b), _ in exclusions[f.name]}
    )

    def keep(hit: Hit, fld: _Field) -> bool:
        phrase = _exclusion_for((hit.start, hit.end), fld, exclusions[fld.name])
        if phrase is None:
            return True
        if hit.kind not in ("cue", "description"):  # excluded cues are not worth a reason
            result.excluded.append((hit, phrase))
        return False

    def make(fld: _Field, span: Span, kind: str, note: str) -> Hit:
        phrase = fld.text[span[0] : span[1]]
        return Hit(spec.name, kind, fld.name, span[0], span[1], phrase, note)

    for fld in fields:
        for kind, phrases in (("alias", rules.aliases), ("name", rules.names)):
            for p in phrases:
                for span in p.find(fld.text, fld.sentences):
                    taken = [(h.start, h.end) for h in result.strong if h.field == fld.name]
                    if any(_overlaps(span, t) for t in taken):
                        continue
                    hit = make(fld, span, kind, f"{kind} '{p.source}'")
                    if keep(hit, fld):
                        result.strong.append(hit)
    long_form_used = bool(result.strong)

    for fld in fields:
        for p in rules.acronyms:
            for span in p.find(fld.text, fld.sentences):
                taken = [(h.start, h.end) for h in result.strong if h.field == fld.name]
                if any(_overlaps(span, t) for t in taken):
                    continue
                note = _vouch(
                    fld,
                    span,
                    rules.context,
                    long_form_used=long_form_used,
                    any_exclusion=any_exclusion,
                )
                if note is None:
                    if any_exclusion:
                        # An ambiguous word in a story about what it is confused with.
                        first = next(p for spans in exclusions.values() for _, p in spans)
                        result.excluded.append((make(fld, span, "acronym", "unvouched"), first))
                    continue
                hit = make(fld, span, "acronym", note)
                if keep(hit, fld):
                    result.strong.append(hit)

    for fld in fields:
        found: list[tuple[Span, str]] = []
        for p in rules.cues:
            found.extend((span, p.source) for span in p.find(fld.text, fld.sentences))
        # Longest first, so "call-in meeting" wins over the "call-in" inside it. Past
        # MAX_CUE_HITS a text says nothing more (and the overlap check is quadratic).
        found.sort(key=lambda item: (-(item[0][1] - item[0][0]), item[0][0]))
        del found[MAX_CUE_HITS:]
        taken = [(h.start, h.end) for h in result.strong if h.field == fld.name]
        for span, source in found:
            if any(_overlaps(span, t) for t in taken):
                continue
            taken.append(span)
            hit = make(fld, span, "cue", f"cue '{source}'")
            if keep(hit, fld):
                result.cues.append(hit)
        result.cues.sort(key=lambda h: (h.field != "headline", h.start))
    for fld in fields:
        taken = [(h.start, h.end) for h in (*result.strong, *result.cues) if h.field == fld.name]
        for component, signals in rules.descriptions:
            for p in signals:
                for span in p.find(fld.text, fld.sentences)[:MAX_CUE_HITS]:
                    if any(_overlaps(span, t) for t in taken):
                        continue
                    hit = make(fld, span, "description", component)
                    if keep(hit, fld):
                        result.described.append(hit)
    if (result.cues or result.described) and rules.cue_context:
        result.cue_context = any(
            p.find(f.text, f.sentences) for p in rules.cue_context for f in fields
        )
    result.strong.sort(key=lambda h: (h.field != "headline", h.start))
    return result


def _vouch(
    fld: _Field,
    span: Span,
    context: Sequence[Phrase],
    *,
    long_form_used: bool,
    any_exclusion: bool,
) -> str | None:
    """Why an acronym at ``span`` counts, or None when nothing vouches for it."""
    acronym = fld.text[span[0] : span[1]]
    if long_form_used:
        return f"acronym '{acronym}' after the full name"
    if any_exclusion or _is_shouting(fld, span):
        return None
    s_start, s_end = sentence_of(fld.sentences, span[0])
    sentence = fld.text[s_start:s_end]
    for p in context:
        hits = p.find(sentence)
        if any(not _overlaps((s_start + a, s_start + b), span) for a, b in hits):
            return f"acronym '{acronym}' near '{p.source}'"
    return None
