"""Find the spans between quotation marks in article text.

Straight and curly marks may be mixed on one page (``“A," she said. "B.”``),
apostrophes (don't, '90s, the Smiths') are not quote marks, and single marks
nest inside double ones. Spans never cross a paragraph: a quotation that runs
on into the next paragraph without a closing mark gives one span per
paragraph, as long as that next paragraph opens with a quote mark (the news
convention); otherwise the unclosed quotation is dropped as cut off.

>>> [s.text for s in find_spans('"We care," he said. \\'Tis the \\'90s.')]
['We care,']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_MARKS = frozenset('"“”„«»')
SINGLE_MARKS = frozenset("'‘’‚")
_OPEN_PUNCT = frozenset("([{<—–-/")
_CLOSE_PUNCT = frozenset(".,;:!?)]}>—–-…")
_ELISIONS = ("em ", "cause ", "til ", "bout ", "n ", "tis ", "twas ", "round ")


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Span:
    """Text between a pair of marks; ``open_at``/``close_at`` index the marks.

    ``close_at`` is -1 when the quotation runs on into the next paragraph.
    """

    start: int
    end: int
    text: str
    open_at: int
    close_at: int
    paragraph: int
    continues_previous: bool  # the paragraph before ended inside a quotation
    single: bool  # delimited by single marks


def paragraphs(text: str) -> list[Paragraph]:
    """Paragraph ranges: blank-line blocks for hard-wrapped text, else lines.

    Hard-wrapped text (archives that break lines near 70 columns) is detected
    by most non-final lines of multi-line blocks being 50..80 characters long.
    """
    sep = r"\n"
    inner = [
        len(line)
        for block in re.split(r"\n\s*\n", text)
        for line in block.split("\n")[:-1]
        if line.strip()
    ]
    if len(inner) >= 4:
        short = sum(1 for n in inner if 45 <= n <= 82)
        if short >= 0.8 * len(inner):
            sep = r"\n[ \t]*\n"
    out: list[Paragraph] = []
    pos = 0
    for m in re.finditer(sep, text):
        out.append(Paragraph(pos, m.start()))
        pos = m.end()
    out.append(Paragraph(pos, len(text)))
    return [_strip(text, p) for p in out if text[p.start : p.end].strip()]


def _strip(text: str, p: Paragraph) -> Paragraph:
    s, e = p.start, p.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Paragraph(s, e)


def _kind(text: str, i: int, lo: int, hi: int) -> str:
    """Classify the mark at ``i``: open, close, either, apos (apostrophe) or none."""
    ch = text[i]
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    prev_open = (
        prev.isspace() or prev in _OPEN_PUNCT or prev in DOUBLE_MARKS or prev in SINGLE_MARKS
    )
    next_close = nxt.isspace() or nxt in _CLOSE_PUNCT or nxt in DOUBLE_MARKS or nxt in SINGLE_MARKS
    if ch in DOUBLE_MARKS:
        if prev_open and not next_close:
            return "open"
        if next_close and not prev_open:
            return "close"
        if ch in "“„«":
            return "open"
        if ch in "”»":
            return "close"
        return "either"
    # single marks: most are apostrophes
    if prev.isalnum() and nxt.isalnum():
        return "apos"
    if prev_open and not next_close:
        if nxt.isdigit() or text[i + 1 : i + 8].lower().startswith(_ELISIONS):
            return "apos"
        return "open"
    if next_close and not prev_open:
        return "close"  # or a plural possessive; decided by the stack
    return "none"


def find_spans(text: str) -> list[Span]:
    """Every top-level quotation span in ``text``, in order."""
    paras = paragraphs(text)
    spans: list[Span] = []
    carried = False  # the previous paragraph ended inside a double quotation
    for pi, para in enumerate(paras):
        found, dangling = _scan(text, para, pi, carried)
        if dangling is not None:
            nxt = paras[pi + 1] if pi + 1 < len(paras) else None
            # an unclosed quotation counts only when the next paragraph reopens it
            if nxt is not None and text[nxt.start] in DOUBLE_MARKS:
                found.append(dangling)
                carried = True
            else:
                carried = False
        else:
            carried = False
        spans.extend(found)
    return spans


def _scan(text: str, para: Paragraph, pi: int, carried: bool) -> tuple[list[Span], Span | None]:
    stack: list[tuple[int, bool]] = []  # (mark index, is single)
    found: list[Span] = []
    first_open = True

    def emit(open_at: int, close_at: int, single: bool) -> None:
        nonlocal first_open
        s, e = open_at + 1, close_at if close_at >= 0 else para.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            cont = carried and first_open and open_at == para.start
            found.append(Span(s, e, text[s:e], open_at, close_at, pi, cont, single))
        first_open = False

    for i in range(para.start, para.end):
        ch = text[i]
        if ch not in DOUBLE_MARKS and ch not in SINGLE_MARKS:
            continue
        kind = _kind(text, i, para.start, para.end)
        if ch in DOUBLE_MARKS:
            # unclosed single marks inside are apostrophes or strays
            while stack and stack[-1][1] and kind != "open":
                stack.pop()
            if kind == "open" or (kind == "either" and not stack):
                stack.append((i, False))
            elif stack and kind in ("close", "either"):
                at, _ = stack.pop()
                if not stack:
                    emit(at, i, False)
        elif kind == "open":
            stack.append((i, True))
        elif kind == "close" and stack and stack[-1][1]:
            at, _ = stack.pop()
            if not stack:
                emit(at, i, True)
    doubles = [at for at, single in stack if not single]
    if doubles:
        at = doubles[0]
        s = at + 1
        while s < para.end and text[s].isspace():
            s += 1
        if s < para.end:
            cont = carried and first_open and at == para.start
            return found, Span(s, para.end, text[s : para.end], at, -1, pi, cont, False)
    return found, None
