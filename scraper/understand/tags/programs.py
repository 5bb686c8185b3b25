"""Program tags and relevance, each decision with the evidence behind it.

Rules (the vocabulary lives in ``scraper/data/vocabulary.yaml``):

- a program is tagged by one alias/name, or one acronym the context vouches
  for, or ``cue_threshold`` weak cue hits;
- cue-only tags give way to the programs in ``yields_to`` (a focused-deterrence
  story about domestic violence is IPVI, not GVI) and ``requires`` ties a program
  to others (Support and Outreach only within a program's strategy);
- a single strong mention, far into a long story (or past the lede and the
  middle of a short one that names no other program) and with nothing else
  supporting it, is a name-drop in passing and makes no tag;
- relevance follows the tags, then the configured keywords; every decision,
  including "irrelevant", carries a readable reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scraper.config.vocab import ProgramSpec, default_programs
from scraper.models import Evidence
from scraper.text.segment import Phrase, lede_end, paragraph_spans, span_index
from scraper.understand.tags.program_rules import Hit, ProgramHits, scan

PASSING_MIN_CHARS = 2500  # a story this long is judged by thirds, a shorter one by paragraphs
PASSING_LEDE_SHARE = 1 / 3  # a lone mention in the first third of a long story still counts
PASSING_SHORT_SHARE = 1 / 2  # ... and in the first half of a short one
MAX_EVIDENCE_PER_PROGRAM = 5


# Confidence of a program by the kind of evidence that found it (0..1); the
# `program_threshold` setting (0.5) divides tags from suggestions.
NAMED = 0.9  # an alias or a proper name
ACRONYM = 0.8  # an acronym the context vouches for
CUES = 0.7  # cue_threshold cue hits
DESCRIBED_BASE, DESCRIBED_STEP, DESCRIBED_MAX = 0.5, 0.1, 0.85  # + per description signal
IN_PASSING = 0.35  # a lone name-drop late in the story: a suggestion
ONE_SIGNAL = 0.3  # one component described: a suggestion
MIN_SIGNALS = 2  # a tag from a description needs more than one signal


@dataclass(frozen=True, slots=True)
class _Outcome:
    tags: list[str]  # every program with a confidence, tags and suggestions alike
    hits: dict[str, list[Hit]]  # evidence hits of each program in ``tags``
    confidence: dict[str, float]  # of each program in ``tags``
    passing: list[Hit]  # lone strong mentions judged to be in passing
    excluded: list[tuple[Hit, str]]  # hits an exclusion suppressed
    excluded_named: list[str]  # exclusion phrases of stand-alone programs found in the story


def _in_passing(found: ProgramHits, text: str, *, alone: bool) -> bool:
    """A lone strong mention with no cue, late in the story, is a name-drop.

    Late means past the first third of a long story, or, in a shorter one,
    past the lede and the middle when no other program is named anywhere (a
    budget story that lists the police department's programs).
    """
    if len(found.strong) != 1 or found.cues or found.described:
        return False
    hit = found.strong[0]
    if hit.field != "text":
        return False
    if len(text) >= PASSING_MIN_CHARS:
        return hit.start > len(text) * PASSING_LEDE_SHARE
    return (
        alone
        and hit.start > len(text) * PASSING_SHORT_SHARE
        and span_index(paragraph_spans(text), hit.start) >= lede_end(text)
    )


_LAST: list[tuple[str, str, Sequence[ProgramSpec], _Outcome]] = []  # the last decision made


def _decide(text: str, headline: str, programs: Sequence[ProgramSpec]) -> _Outcome:
    """The scan of every program over one story, remembered for the next call.

    ``match_programs`` and then ``judge_relevance`` ask about the same story
    objects; the second asks this cache instead of scanning again. Keyed by
    identity, so an equal but different text is simply scanned anew.
    """
    if _LAST:
        last_text, last_headline, last_programs, outcome = _LAST[0]
        if last_text is text and last_headline is headline and last_programs is programs:
            return outcome
    outcome = _scan_all(text, headline, programs)
    _LAST[:] = [(text, headline, programs, outcome)]
    return outcome


def _signals(found: ProgramHits) -> list[str]:
    """The distinct description components signalled, plus one for any cue."""
    components = list(dict.fromkeys(h.note for h in found.described))
    return components + (["cue"] if found.cues else [])


def _confidence(found: ProgramHits, *, cue_tag: bool) -> float:
    if any(h.kind in ("alias", "name") for h in found.strong):
        return NAMED
    if found.strong:
        return ACRONYM
    if cue_tag:
        return CUES
    signals = len(_signals(found))
    return min(DESCRIBED_MAX, DESCRIBED_BASE + DESCRIBED_STEP * signals)


def _scan_all(text: str, headline: str, programs: Sequence[ProgramSpec]) -> _Outcome:
    scans = [scan(text, headline=headline, spec=spec) for spec in programs]
    confidence: dict[str, float] = {}
    weak: dict[str, float] = {}  # suggestions only: passing mentions, one signal
    passing: list[Hit] = []
    mentioned = {f.spec.name for f in scans if f.strong or f.cues or f.described}
    for found in scans:
        name = found.spec.name
        cue_tag = bool(found.spec.cue_threshold) and len(found.cues) >= found.spec.cue_threshold
        signals = _signals(found)
        if found.strong:
            if _in_passing(found, text, alone=mentioned == {name}):
                passing.append(found.strong[0])
                weak[name] = IN_PASSING
            else:
                confidence[name] = _confidence(found, cue_tag=False)
        elif found.cue_context and (cue_tag or (found.described and len(signals) >= MIN_SIGNALS)):
            confidence[name] = _confidence(found, cue_tag=cue_tag)
        elif found.described and found.cue_context:
            weak[name] = ONE_SIGNAL
    tagged = set(confidence)
    # Only cue- and description-based tags give way: a program named outright stays.
    tagged -= {
        f.spec.name
        for f in scans
        if f.spec.name in tagged and not f.strong and set(f.spec.yields_to) & tagged
    }
    tagged -= {f.spec.name for f in scans if f.spec.requires and not set(f.spec.requires) & tagged}
    for name, value in weak.items():
        confidence[name] = value
    confidence = {
        n: c
        for n, c in confidence.items()
        if n in tagged or n in weak
        if not (
            (spec := next(f.spec for f in scans if f.spec.name == n)).requires
            and not set(spec.requires) & tagged
        )
    }
    tags = [f.spec.name for f in scans if f.spec.name in confidence]
    hits = {
        f.spec.name: (f.strong + f.cues + f.described)[:MAX_EVIDENCE_PER_PROGRAM]
        for f in scans
        if f.spec.name in confidence
    }
    excluded = [pair for f in scans for pair in f.excluded]
    # Exclusions of a dependent program (victim services for outreach) explain nothing.
    named = sorted({p for f in scans if not f.spec.requires for p in f.exclusions_seen})
    return _Outcome(tags, hits, confidence, passing, excluded, named)


def _evidence(hit: Hit, confidence: float | None = None) -> Evidence:
    note = f"describes {hit.note}" if hit.kind == "description" else hit.note
    return Evidence(
        kind="program",
        label=hit.program,
        phrase=hit.phrase,
        start=hit.start,
        end=hit.end,
        field=hit.field,
        note=note,
        confidence=confidence,
    )


def match_programs(
    text: str, *, headline: str = "", programs: Sequence[ProgramSpec], threshold: float = 0.5
) -> tuple[list[str], list[Evidence]]:
    """Taxonomy names the story concerns (in taxonomy order) and why each was tagged.

    The evidence also covers programs below ``threshold`` (suggestions): each
    entry's ``confidence`` tells them apart, and the tags returned are only
    the programs at or above it.
    """
    outcome = _decide(text, headline, programs)
    evidence = [
        _evidence(h, outcome.confidence[name]) for name in outcome.tags for h in outcome.hits[name]
    ]
    return [t for t in outcome.tags if outcome.confidence[t] >= threshold], evidence


def _where(text: str, field: str, start: int) -> str:
    if field == "headline":
        return "in the headline"
    return f"in paragraph {span_index(paragraph_spans(text), start) + 1}"


def _relevance(ev: Evidence, reason: str) -> Evidence:
    return Evidence(
        kind="relevance",
        label=reason,
        phrase=ev.phrase,
        start=ev.start,
        end=ev.end,
        field=ev.field,
        note=ev.note,
    )


def judge_relevance(
    text: str,
    *,
    headline: str = "",
    programs_found: Sequence[str],
    keywords: Sequence[str] = (),
    evidence: Sequence[Evidence] = (),
    programs: Sequence[ProgramSpec] | None = None,
) -> tuple[bool, str, list[Evidence]]:
    """Whether staff would want the story, a readable reason, and its evidence.

    ``evidence`` is what :func:`match_programs` returned (found again from
    ``programs``, default the built-in taxonomy, when not given).
    """
    specs = default_programs() if programs is None else programs
    outcome: _Outcome | None = None
    if programs_found:
        firsts: dict[str, Evidence] = {}
        for ev in evidence:
            if ev.kind == "program" and ev.label in programs_found:
                firsts.setdefault(ev.label, ev)
        if len(firsts) < len(programs_found):
            outcome = _decide(text, headline, specs)
            for name in programs_found:
                if name in outcome.hits and name not in firsts:
                    firsts[name] = _evidence(outcome.hits[name][0])
        parts = []
        for name in programs_found:
            first = firsts.get(name)
            parts.append(
                f"{name} ('{first.phrase}' {_where(text, first.field, first.start)})"
                if first
                else name
            )
        reason = "mentions " + ", ".join(parts)
        return True, reason, [_relevance(firsts[n], reason) for n in programs_found if n in firsts]

    for keyword in keywords:
        phrase = Phrase.compile(keyword)
        for field, body in (("headline", headline), ("text", text)):
            spans = phrase.find(body)
            if spans:
                start, end = spans[0]
                reason = f"mentions keyword '{keyword}' ({_where(text, field, start)})"
                ev = Evidence(
                    kind="relevance",
                    label=reason,
                    phrase=body[start:end],
                    start=start,
                    end=end,
                    field="headline" if field == "headline" else "text",
                    note="keyword",
                )
                return True, reason, [ev]

    outcome = outcome or _decide(text, headline, specs)
    if outcome.passing:
        hit = outcome.passing[0]
        reason = f"mentions {hit.program} only in passing ('{hit.phrase}' late in the story)"
        return False, reason, [_relevance(_evidence(hit), reason)]
    if outcome.excluded:
        hit, _ = outcome.excluded[0]
        seen = sorted({p for _, p in outcome.excluded})
        reason = (
            "only excluded mentions: '"
            + hit.phrase
            + "' near "
            + ", ".join(f"'{p}'" for p in seen[:3])
        )
        return False, reason, [_relevance(_evidence(hit), reason)]
    if outcome.excluded_named:
        shown = ", ".join(f"'{p}'" for p in outcome.excluded_named[:3])
        return False, f"no program found, only excluded names: {shown}", []
    return False, "no program or keyword found", []
