"""Headlines without the outlet's name, and bylines as lists of person names.

Headlines::

    strip_site_name("Budget passes | The Springfield Ledger", {"The Springfield Ledger"})
        -> "Budget passes"
    strip_site_name("Ledger: Budget passes", {"Ledger"}) -> "Budget passes"

Bylines::

    split_authors("By Ana Ruiz and Tom Lee, Staff Writers") -> ("Ana Ruiz", "Tom Lee")
    split_authors("Associated Press")                       -> ()
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scraper.text.fold import fold_loose

_SEPARATORS = r"\s[|\-–—:·•»/~]\s|\s?[|·•»]\s?|:\s"
_SPLIT_TITLE = re.compile(rf"(?:{_SEPARATORS})")
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen etc.
_OUTLET_TAGLINE = re.compile(r"\s[|·•»–—-]\s")
_BARS = re.compile(r"\s[|·•»]\s")
MAX_NAME_WORDS = 5
MAX_SITE_SEGMENT = 60  # folded characters; longer segments are headline text
MAX_SITE_EXTRA = 20  # folded characters a site segment may add to the name ("online", "news")
MAX_NAME_CHARS = 60

_BY = re.compile(
    r"^(?:(?:written|posted|story|words|text|reported|photos?|interview|compiled|"
    r"eingestellt|geschrieben|verfasst|publiziert|veröffentlicht|artikel)\s+)?"
    r"(?:by|von|par|por|di|door|av|af|autor(?:in)?|author|auteur|text)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_CUT = re.compile(
    r"\s(?:[|•·]|[-–—]\s)|\b(?:published|updated|posted|on\s+\w+\s+\d|am\s+\d|le\s+\d|"
    r"\d{1,2}[./:]\d{1,2}|follow|twitter|email|contact|read\s+more|more\s+from)\b.*",
    re.IGNORECASE,
)
# "and" in any case; the short conjunctions of other languages only in lower case,
# so the initial in "Sarah E. Needleman" is not read as Italian "e".
_JOINERS = re.compile(
    r"\s*(?:,|;|&|\+|/|(?i:\band\b)|\bund\b|\bet\b|\by\b|\be\b)\s*|(?<=[a-z]{3})\.\s+"
)
_DOMAIN = re.compile(r"\w\.[a-z]{2,}\b", re.IGNORECASE)  # "Cleveland.com" is a site, not a name
_ROLE_WORDS = frozenset(
    (
        "writer",
        "writers",
        "reporter",
        "reporters",
        "correspondent",
        "correspondents",
        "editor",
        "editors",
        "contributor",
        "contributors",
        "columnist",
        "columnists",
        "photographer",
        "photographers",
        "staff",
        "intern",
        "interns",
        "producer",
        "producers",
        "author",
        "authors",
        "journalist",
        "journalists",
        "redakteur",
        "redakteurin",
        "chief",
        "senior",
        "associate",
        "managing",
        "contributing",
        "special",
        "assistant",
        "deputy",
        "political",
        "investigative",
        "opinion",
        "metro",
        "sports",
        "business",
        "freelance",
        "freelancer",
        "guest",
    )
)
# Words that make a byline an organisation, a placeholder or page furniture, not a person.
_NOT_PERSON_WORDS = frozenset(
    (
        "press",
        "associated",
        "reuters",
        "afp",
        "ap",
        "dpa",
        "upi",
        "bloomberg",
        "wire",
        "wires",
        "newswire",
        "staff",
        "agency",
        "agencies",
        "news",
        "times",
        "post",
        "journal",
        "herald",
        "tribune",
        "gazette",
        "newsroom",
        "editorial",
        "board",
        "media",
        "inc",
        "llc",
        "ltd",
        "corp",
        "company",
        "group",
        "network",
        "redaktion",
        "team",
        "webteam",
        "admin",
        "administrator",
        "webmaster",
        "partner",
        "sponsored",
        "content",
        "service",
        "services",
        "report",
        "desk",
        "online",
        "magazine",
        "digital",
        "gmbh",
        "ag",
        "eg",
        "e.v",
        "ev",
        "verein",
        "verband",
        "stiftung",
        "feuerwehr",
        "abteilung",
        "institut",
        "institute",
        "university",
        "universität",
        "department",
        "office",
        "police",
        "council",
        "county",
        "city",
        "foundation",
        "association",
        "society",
        "name",
        "unknown",
        "anonymous",
        "anonym",
        "user",
        "guest",
        "gast",
        "published",
        "posted",
        "publiziert",
        "veröffentlicht",
        "geschrieben",
        "eingestellt",
        "theme",
        "powered",
        "designed",
        "blog",
        "redaktionsteam",
        "wordpressadmin",
        "human",
        "inhalte",
        "said",
        "says",
        "sagt",
        "schreibt",
        "international",
        "the",
    )
)
_PARTICLES = frozenset(
    (
        "de",
        "da",
        "del",
        "della",
        "der",
        "den",
        "van",
        "von",
        "la",
        "le",
        "di",
        "du",
        "dos",
        "das",
        "bin",
        "al",
        "y",
        "e",
        "zu",
        "ten",
        "ter",
    )
)


def names_site(segment: str, folded_names: set[str]) -> bool:
    """Whether ``segment`` is one of the site's names (already folded), loosely.

    Containment counts only for names of 5+ characters, and a segment holding
    the name may add only a few letters ("Ledger Online"), so "Ledger" matches
    "The Springfield Ledger" but neither "de" nor "Ledger" matches a headline
    that merely mentions them.
    """
    folded = fold_loose(segment)
    if not folded:
        return False
    if folded in folded_names:
        return True
    if len(folded) > MAX_SITE_SEGMENT:
        return False
    return any(
        len(name) >= 5
        and len(folded) >= 5
        and (folded in name or (name in folded and len(folded) <= len(name) + MAX_SITE_EXTRA))
        for name in folded_names
    )


def fold_names(site_names: Iterable[str]) -> set[str]:
    return {f for name in site_names if len(f := fold_loose(name)) >= 2}


def strip_site_name(title: str, site_names: Iterable[str]) -> str:
    """``title`` without the segments that name the site.

    A segment names the site when, folded to letters and digits, it equals a site
    name or (for names of 5+ characters) one contains the other. A site name
    that opens the title is dropped alone ("Ledger: Budget passes"); one later in
    the title is dropped with everything after it, since what follows a site name
    is its tagline ("Budget passes | Ledger | News since 1901").
    """
    names = fold_names(site_names)
    title = " ".join(title.translate(INVISIBLE).split())
    if not names:
        return title
    pieces = _SPLIT_TITLE.split(title)
    if len(pieces) < 2:
        return title
    separators = _SPLIT_TITLE.findall(title)
    naming = [names_site(piece, names) for piece in pieces]
    start = 1 if naming[0] else 0
    end = next((i for i in range(max(start, 1), len(pieces)) if naming[i]), len(pieces))
    if start >= end:
        return title
    kept = pieces[start]
    for index in range(start + 1, end):
        kept += separators[index - 1] + pieces[index]
    return kept.strip() or title


def drop_title_tags(title: str) -> str:
    """The longest ``|``-separated segment of a ``<title>``-like string.

    Used only when no site name was recognised: "Section | Budget passes | X"
    -> "Budget passes". Headlines themselves almost never contain a bar.
    """
    pieces = [p.strip() for p in _BARS.split(title)]
    if len(pieces) < 2:
        return title
    return max(pieces, key=len)


def _tidy_case(name: str) -> str:
    """ "ANA RUIZ" -> "Ana Ruiz"; names in mixed case are kept as written."""
    if name.isupper() and len(name) > 3:
        return " ".join(
            w.capitalize() if w.lower() not in _PARTICLES else w.lower()
            for w in name.lower().split()
        )
    return name


def _strip_roles(words: list[str]) -> list[str]:
    """Drop trailing job titles: "Ana Ruiz Staff Writer" -> "Ana Ruiz"."""
    while words and words[-1].lower().strip(".,") in _ROLE_WORDS:
        words = words[:-1]
    return words


def _is_abbreviation(word: str) -> bool:
    return word.endswith(".") and len(word) <= 4  # "Jr.", "Sr.", "J."


def person_name(candidate: str) -> str | None:
    """``candidate`` as a person's name, or ``None`` when it is a role or an organisation.

    A name has 1-5 words, no digits and no colon; every word but a particle
    ("van", "de") starts with a capital.
    """
    text = _EMAIL.sub(" ", _URL.sub(" ", _HANDLE.sub(" ", candidate)))
    text = _BY.sub("", " ".join(text.split()).strip(" ,;:-–—|()[]\"'"))
    text = text.strip(" ,;:-–—|()[]\"'")
    words = _strip_roles(text.split())
    if words and words[-1].endswith(".") and not _is_abbreviation(words[-1]):
        words[-1] = words[-1].rstrip(".")
    if not words or len(words) > MAX_NAME_WORDS:
        return None
    folded = [w.lower().strip(".,") for w in words]
    if any(w in _NOT_PERSON_WORDS for w in folded) or all(w in _ROLE_WORDS for w in folded):
        return None
    name = " ".join(words)
    if len(name) > MAX_NAME_CHARS or ":" in name or any(c.isdigit() for c in name):
        return None
    if _DOMAIN.search(name):
        return None
    if not all(
        w[0].isupper() or not w[0].isalpha() or f in _PARTICLES
        for w, f in zip(words, folded, strict=True)
    ):
        return None
    if not any(c.isalpha() for c in name):
        return None
    return _tidy_case(name)


def site_label(name: str) -> str:
    """An outlet name without its tagline or URL form.

    "LinkFoo | Your news platform" -> "LinkFoo"; "https://www.foo.example" -> "foo.example".
    """
    name = " ".join(name.split())
    if name.lower().startswith(("http://", "https://")):
        name = name.split("://", 1)[1].removeprefix("www.").rstrip("/")
    return _OUTLET_TAGLINE.split(name, maxsplit=1)[0].strip() or name


def split_authors(byline: str) -> tuple[str, ...]:
    """Person names in one byline: "By A and B, Staff" -> ("A", "B")."""
    text = _EMAIL.sub(" ", _URL.sub(" ", " ".join(byline.split())))
    text = _BY.sub("", text.strip(" ,;:|"))
    text = _CUT.sub("", text)
    names: list[str] = []
    for part in _JOINERS.split(text):
        name = person_name(part)
        if name and fold_loose(name) not in {fold_loose(n) for n in names}:
            names.append(name)
    return tuple(names)


def merge_authors(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    """Names from several sources, each once, in first-seen order."""
    seen: set[str] = set()
    merged: list[str] = []
    for group in groups:
        for name in group:
            key = fold_loose(name)
            if key and key not in seen:
                seen.add(key)
                merged.append(name)
    return tuple(merged)
