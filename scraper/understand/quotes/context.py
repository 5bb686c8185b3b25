"""One article's tokens, paragraphs and people, for attributing quotations.

``ArticleContext`` tokenises the text once (a ``¶`` token between
paragraphs), registers the people it names, and keeps a timeline of salient
mentions (the first person named in each sentence) for pronouns:

    Mayor Ann Lee opened the meeting. She thanked the families.
    Chief Bo Park spoke next. He described the first month.
    "We are ready for this," she said.     -> Ann Lee, the latest "she"
"""

from __future__ import annotations

import bisect

from scraper.understand.quotes.attrib import PARAGRAPH, Attribution, subject
from scraper.understand.quotes.marks import Paragraph, Span, paragraphs
from scraper.understand.quotes.names import (
    People,
    Person,
    Token,
    by_role,
    name_runs,
    person_name,
    tokenize,
)
from scraper.understand.quotes.words import (
    DETERMINERS,
    FEMALE_TITLES,
    FEMALE_WORDS,
    MALE_TITLES,
    MALE_WORDS,
    ROLE_ABBREVIATIONS,
    ROLE_TITLES,
    SPEECH_VERBS,
    STOPWORDS,
)

_SENTENCE_END = frozenset(".!?")
ORG_LINKS = frozenset(["for", "of", "and", "on", "&"])


def ends(tokens: list[Token], i: int) -> bool:
    """Whether token ``i`` ends a sentence: "(D-Ohio.) said" and "p.m. on" do not."""
    if tokens[i].text == PARAGRAPH:
        return True
    if tokens[i].text not in _SENTENCE_END:
        return False
    if i + 1 >= len(tokens):
        return True
    nxt = tokens[i + 1].text
    return not (nxt[0].islower() or nxt in ",;:)")


class ArticleContext:
    """Tokens, paragraphs and people of one article text."""

    def __init__(self, text: str, spans: list[Span]) -> None:
        self.text = text
        self.paras: list[Paragraph] = paragraphs(text)
        self.tokens: list[Token] = []
        for para in self.paras:
            self.tokens.extend(tokenize(text, para.start, para.end))
            self.tokens.append(Token(PARAGRAPH, para.end, para.end))
        nicknames = [s for s in spans if _nickname(text, s)]
        if nicknames:
            # Marcus "Bo" Williams is Marcus Williams: drop the nickname and its marks
            cut = [(s.open_at, s.close_at) for s in nicknames]
            self.tokens = [t for t in self.tokens if not any(a <= t.start <= b for a, b in cut)]
            spans = [s for s in spans if s not in nicknames]
        self.spans = spans
        self.starts = [t.start for t in self.tokens]
        inside = [(s.open_at, s.close_at if s.close_at >= 0 else s.end) for s in spans]
        self.inside_starts = [a for a, _ in inside]
        self.inside = inside
        self.people = People()
        self.timeline: list[tuple[int, Person | None, str | None]] = []
        self._build_people()

    def in_quote(self, pos: int) -> bool:
        k = bisect.bisect_right(self.inside_starts, pos) - 1
        return k >= 0 and self.inside[k][0] < pos <= self.inside[k][1]

    def slice(self, start: int, end: int) -> list[Token]:
        i = bisect.bisect_left(self.starts, start)
        j = bisect.bisect_left(self.starts, end)
        return self.tokens[i:j]

    def _build_people(self) -> None:
        """Register the article's people and put salient mentions on the timeline.

        Only the first person named in a sentence (its likely subject) is a
        pronoun antecedent: "Lee said Smith's plan failed. He ..." means Lee.
        """
        headlines = [p for p in self.paras if title_case(self.slice(p.start, p.end))]
        toks = [
            t
            for t in self.tokens
            if not self.in_quote(t.start) and not any(h.start <= t.start < h.end for h in headlines)
        ]
        sentence = [0] * len(toks)
        for k in range(1, len(toks)):
            sentence[k] = sentence[k - 1] + ends(toks, k - 1)
        pending: list[tuple[int, int, str, list[str], bool]] = []  # at, sentence, name, words
        # of the run and the word before it, titled
        org_end = -2
        for i, j in name_runs(toks):
            words = [t.text for t in toks[i:j]]
            name = person_name(words)
            if name is None:
                org_end = j
                continue
            if i == org_end + 1 and toks[org_end].low in ORG_LINKS:
                org_end = j
                continue  # "Center for Gun Policy": the rest of an organisation's name
            titled = len(name.split()) < len(words)
            if not titled and i > 0 and toks[i - 1].low in DETERMINERS:
                continue  # "the Old Testament": people take no article
            # the word before the run may be a gendered role ("spokeswoman Ann Lee")
            role = [toks[i - 1].text] if i > 0 and not toks[i - 1].cap else []
            at = toks[j - len(name.split())].start
            pending.append((at, sentence[i], name, role + words, titled))
        for at, _, name, words, _ in pending:
            if " " in name:
                added = self.people.add(name, at)
                self._honorific(added, words)
                added.roles |= _roles(words)
        # in text order, so surname lookups see only what came before
        mentions: list[tuple[int, Person | None]] = []
        seen: set[int] = set()
        for at, sent, name, words, titled in pending:
            person = self.people.lookup(name, at)
            if person is None and not titled:
                continue  # a lone capitalised word, often just a sentence's first word
            salient = sent not in seen
            seen.add(sent)
            if person is not None and " " not in name:
                person.mentions.append(at)
                person.roles |= _roles(words)  # "Chief Garcia" makes Garcia the chief
            mentions.append((at, person))
            if not salient:
                continue
            if person is not None:
                person.salient.append(at)
                self.timeline.append((at, person, None))
            else:
                # "Mr. Obama said" with no full name given: "he" means him, not
                # an earlier named person
                self.timeline.append((at, None, _honorific_gender(words)))
        self._genders(toks, mentions)

    @staticmethod
    def _honorific(person: Person, words: list[str]) -> None:
        gender = _honorific_gender(words)
        person.male += 5 * (gender == "m")
        person.female += 5 * (gender == "f")

    def _genders(self, toks: list[Token], mentions: list[tuple[int, Person | None]]) -> None:
        """Count he/she words after each mention, up to the next mention.

        A pronoun attributing a quotation (`"...," she said`) is not counted:
        it is what the genders are for, and counting it would be circular.
        """
        starts = [t.start for t in toks]
        for k, (at, person) in enumerate(mentions):
            if person is None:
                continue
            stop = mentions[k + 1][0] if k + 1 < len(mentions) else len(self.text)
            i = bisect.bisect_right(starts, at)
            for n, t in enumerate(toks[i : i + 40], start=i):
                if t.start >= stop:
                    break
                if _attributing(toks, n):
                    continue
                low = t.text.lower()
                if low in MALE_WORDS:
                    person.male += 1
                elif low in FEMALE_WORDS:
                    person.female += 1

    def known(self, word: str) -> bool:
        """Whether a lone capitalised word names one of the article's people."""
        return self.people.lookup(word, len(self.text)) is not None

    def add_unnamed_speakers(self) -> None:
        """Put "one woman said" clauses on the pronoun timeline: a later "she
        said" may mean her, so it must not jump back to a named person."""
        for k, t in enumerate(self.tokens):
            if t.text.lower() not in SPEECH_VERBS or self.in_quote(t.start):
                continue
            lo = k
            while lo > 0 and not ends(self.tokens, lo - 1):
                lo -= 1
            kind, _, at, gender = subject(self.tokens[lo:k], self.known)
            if kind == "anon":
                self.timeline.append((at, None, gender))
        self.timeline.sort(key=lambda x: x[0])

    def resolve(self, att: Attribution) -> str | None:
        if att.kind == "name":
            if " " in att.words:
                person = self.people.lookup(att.words, att.at)
                return person.name if person else att.words
            person = self.people.lookup(att.words, att.at)
            return person.name if person else None
        if att.kind == "pronoun":
            return self._pronoun(att.at, "m" if att.words == "he" else "f")
        if att.kind == "role":
            person = by_role(self.people.people, att.words, att.at)
            return person.name if person else None
        return None

    def _pronoun(self, at: int, gender: str) -> str | None:
        k = bisect.bisect_left([m for m, _, _ in self.timeline], at) - 1
        while k >= 0:
            _, person, anon_gender = self.timeline[k]
            if person is None:
                if anon_gender in (None, gender):
                    return None
            elif person.gender in (None, gender):
                return person.name
            k -= 1
        return None

    def para_of(self, pos: int) -> int:
        starts = [p.start for p in self.paras]
        return max(0, bisect.bisect_right(starts, pos) - 1)


_MARKS = frozenset("\"“”‘’'")


def _attributing(toks: list[Token], n: int) -> bool:
    """Whether ``toks[n]`` sits in an attribution clause next to a quotation."""
    prev = [t.text for t in toks[max(0, n - 2) : n]]
    if prev and (prev[-1] in _MARKS or (prev[-1] == "," and len(prev) == 2 and prev[0] in _MARKS)):
        return True
    after = [t.text for t in toks[n + 1 : n + 3]]
    return len(after) == 2 and after[0].lower() in SPEECH_VERBS and after[1] in _MARKS | {",", ":"}


def _roles(words: list[str]) -> set[str]:
    """Titles among a name's words: ["Police", "Chief", "Ann", "Lee"] -> {"chief"}.

    A vice president is not "the president".
    """
    lows = [w.lower().rstrip(".") for w in words]
    titles = {
        ROLE_ABBREVIATIONS.get(w, w) for k, w in enumerate(lows) if lows[k - 1 : k] != ["vice"]
    }
    return titles & ROLE_TITLES


def _nickname(text: str, span: Span) -> bool:
    """A quoted one- or two-word name between a first name and a surname."""
    words = span.text.split()
    if not 1 <= len(words) <= 2 or not all(w[:1].isupper() for w in words):
        return False
    before = text[max(0, span.open_at - 30) : span.open_at].split()
    after = text[span.close_at + 1 : span.close_at + 30].split() if span.close_at >= 0 else []
    return bool(before and after and before[-1][:1].isupper() and after[0][:1].isupper())


def _honorific_gender(words: list[str]) -> str | None:
    """Gender from honorifics and gendered roles: "Mrs.", "spokesman"."""
    lows = {w.lower().rstrip(".") for w in words}
    if lows & MALE_TITLES:
        return "m"
    if lows & FEMALE_TITLES:
        return "f"
    return None


def title_case(tokens: list[Token]) -> bool:
    """A headline-style line ("Obama Sees Progress on the Ballot"): its capitalised
    words are not names."""
    words = [t for t in tokens if t.text[0].isalpha() and t.low not in STOPWORDS]
    return len(words) >= 4 and sum(t.cap for t in words) >= 0.8 * len(words)
