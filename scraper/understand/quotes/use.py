"""A quotation turned into an excerpt as a person writes one: “…,” said Police Chief Jane Doe.

The desk's "use as excerpt" button calls ``person_excerpt`` with the quote as
stored (its words and speaker) and the article text, which gives the
speaker's title or role as the article wrote it::

    text = "“We are seeing fewer shootings,” said Police Chief Jane Doe on Monday. ..."
    person_excerpt("We are seeing fewer shootings,", "Jane Doe", text)
    -> "“We are seeing fewer shootings,” said Police Chief Jane Doe."

    text = "Marisol Okafor, the program's outreach director, ... “It works.”"
    person_excerpt("It works.", "Marisol Okafor", text)
    -> "“It works,” said Marisol Okafor, the program's outreach director."

Sentence punctuation is fixed the way a writer would: a closing period becomes
a comma before "said", a question or exclamation mark stays, a quotation
broken off with a dash keeps its dash and gets no comma (never ``—,”`` nor
``,” —``), and the excerpt ends with a period.
"""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")
_MARKS = "\"“”‘’'«»„"
_DASHES = "—–-―"
# Capitalised words that start a sentence or a clause rather than a title.
_NOT_TITLE_WORDS = (
    "the a an and but or so then when while after before on in at for with of to from by "
    "yesterday today tonight monday tuesday wednesday thursday friday saturday sunday "
    "january february march april may june july august september october november "
    "december he she they we it this that these those according said says added told as "
    "if last next"
)
_NOT_TITLE = frozenset(_NOT_TITLE_WORDS.split())
_TITLE_WORD = r"(?:[A-Z][a-z]{0,3}\.|[A-Z][\w'’-]*)"
_TITLE_RUN = re.compile(rf"((?:{_TITLE_WORD}\s+){{1,4}})$")
_APPOSITIVE = re.compile(
    r",\s+((?:the|a|an)\s[^,.;:!?“”\"()]{3,80}?|[a-z][^,.;:!?“”\"()]{3,60}?)(?=[,.;])"
)
_ROLE = re.compile(
    r"\b(director|chief|president|manager|coordinator|officer|pastor|founder|spokes\w+|"
    r"leader|head|chair\w*|organizer|commissioner|member|minister|superintendent|mayor)\b"
)
_SPEECH = re.compile(
    r"\b(said|says|added|adds|told|explained|noted|recalled|asked|continued|according to)\b"
)
_PRONOUN = re.compile(r"\b([Hh]e|[Ss]he)\b")


def _squash(s: str) -> str:
    return _WS.sub(" ", s).strip()


def _body(quote: str) -> tuple[str, str]:
    """The quotation's words and how it ended: ``","``, ``"?"``, ``"!"``, ``"—"`` or ``""``."""
    body = _squash(quote).strip(_MARKS + " ")
    if body.endswith(("…", "...")):
        return body, ""
    end = body[-1:] if body else ""
    if end in _DASHES:
        return body.rstrip(_DASHES + " ,"), "—"
    if end in "?!":
        return body[:-1].rstrip(), end
    return body.rstrip(".,;: "), ","


def _speaker_at(text: str, speaker: str) -> re.Match[str] | None:
    pattern = r"\s+".join(re.escape(w) for w in speaker.split())
    return re.search(rf"\b{pattern}\b", text)


def titled(text: str, speaker: str) -> str:
    """The speaker as the article first introduces them: with a title before the name
    ("Police Chief Jane Doe") or a role after it ("Jane Doe, the outreach director")."""
    found = _speaker_at(text, speaker)
    if found is None:
        return speaker
    run = _TITLE_RUN.search(text[max(0, found.start() - 80) : found.start()])
    if run:
        words = run.group(1).split()
        while words and words[0].lower().rstrip(".") in _NOT_TITLE:
            words.pop(0)
        if words and not any(w.lower().rstrip(".") in _NOT_TITLE for w in words):
            return " ".join([*words, speaker])
    after = _APPOSITIVE.match(text, found.end())
    if after:
        role = _squash(after.group(1))
        if role.split()[0] in ("the", "a", "an") or _ROLE.search(role):
            return f"{speaker}, {role}"
    return speaker


def _article_clause(text: str, quote: str, speaker: str) -> str | None:
    """The attribution right after the quotation in the article ("said Lee, a pastor."),
    with a pronoun or a surname alone replaced by the titled speaker."""
    words = _squash(quote).strip(_MARKS + " ").split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    found = re.search(pattern, text)
    if found is None:
        return None
    rest = text[found.end() :]
    rest = rest.lstrip(_MARKS + " ,")
    clause_match = re.match(r"[^.!?\n“”\"]{1,160}?[.!?](?=\s|$)", rest)
    if clause_match is None:
        return None
    clause = _squash(clause_match.group(0))
    if not _SPEECH.search(clause) or clause[:1] in _DASHES:
        return None
    full = titled(text, speaker)
    if speaker in clause:
        if full != speaker and full not in clause and "," not in clause:
            clause = clause.replace(speaker, full, 1)
        return clause
    surname = speaker.split()[-1]
    if re.search(rf"\b{re.escape(surname)}\b", clause):
        return re.sub(rf"\b{re.escape(surname)}\b", full, clause, count=1)
    if _PRONOUN.search(clause):
        return _PRONOUN.sub(full, clause, count=1)
    return None


def person_excerpt(quote: str, speaker: str | None, text: str = "") -> str:
    """``quote`` by ``speaker`` as a one-sentence excerpt (see the module docstring)."""
    body, end = _body(quote)
    if not speaker:
        return f"“{body}{'.' if end == ',' else end}”"
    clause = _article_clause(text, quote, speaker) if text else None
    if clause is None:
        clause = f"said {titled(text, speaker) if text else speaker}."
    clause = clause.rstrip(" ,;:")
    if clause[-1:] not in ".!?":
        clause += "."
    if clause[:1].isupper() and not clause.startswith(speaker.split()[0]):
        first = clause.split()[0]
        if first.lower() in ("said", "says", "added", "told"):
            clause = clause[:1].lower() + clause[1:]
    closing = {"—": "—”", "": "”"}.get(end, f"{end}”")
    return f"“{body}{closing} {clause}"
