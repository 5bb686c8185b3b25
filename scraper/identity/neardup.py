"""Near-duplicate detection: is this article a copy of one already stored?

A wire story runs in many papers under different headlines, trimmed at the
end or lightly edited. Two articles are *copies* when their texts share most
of their word 5-shingles (``"the mayor said the program"``)::

    text  -> words -> 5-word shingles -> MinHash (128 permutations, scraper.identity.minhash)
          -> 42 LSH bands of 3 rows -> (band, hash) keys, stored in ``story_bands``

Finding the copies of a new article is then a lookup of its band keys (an
indexed equality lookup, the same cost whatever the number of stored items),
followed by ``match`` on the few candidates' stored signatures:

- ``jaccard >= TEXT_JACCARD`` (0.5): the same text, give or take edits; or
- ``containment >= TEXT_CONTAINMENT`` (0.7) with ``jaccard >= MIN_JACCARD``
  (0.25): the shorter text is mostly inside the longer one (a copy trimmed at
  the end, or the full story behind a shortened wire version).

An article with fewer than ``MIN_TEXT_WORDS`` words (a feed entry whose page
could not be read) has no text signature; it matches by headline instead:
the sets of content words of the two headlines must have Jaccard similarity
``>= TITLE_JACCARD`` (0.8), with at least ``MIN_TITLE_WORDS`` content words.
Headlines are compared exactly from the stored text; their bands only find
the candidates.

The thresholds were measured on ``bench/data/neardup_pairs.jsonl`` (copies,
syndicated rewrites with new headlines and cut ends, and different stories
about the same event in the same city): see ``bench/bench_neardup.py`` and
``docs/stories.md``. Nothing here touches the database; ``storage.stories``
stores signatures and band keys and asks ``match``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

from scraper.identity import minhash
from scraper.models.stored import Band, Fingerprint, Match, Stored

NUM_PERM = 128  # MinHash permutations: the estimate's standard error is about 0.04
SEED = 1
# The hash scheme is fixed: stored signatures must stay comparable across library versions.
SCHEME = "affine32"
SHINGLE_WORDS = 5  # words per shingle
TEXT_BANDS, TEXT_ROWS = 42, 3  # 126 of the 128 values; P(candidate) 0.5 at J~0.27, 0.99 at J=0.5
TITLE_BANDS, TITLE_ROWS = 16, 8  # P(candidate) 0.5 at J~0.69, 0.95 at J=0.8
TITLE_BAND_BASE = 100  # title bands are numbered 100..115, text bands 0..41

MIN_TEXT_WORDS = 60  # shorter texts are compared by headline only
TEXT_JACCARD = 0.5
TEXT_CONTAINMENT = 0.7
MIN_JACCARD = 0.25  # below this even a contained text is a different story quoting the same lines
TITLE_JACCARD = 0.8
MIN_TITLE_WORDS = 4

_WORD = re.compile(r"\w+")
_SITE_SEPARATOR = re.compile(r"\s+[-|\u2013\u2014]\s+")  # " - ", " | ", " — "
MAX_SITE_WORDS = 4
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
# Headline words that say nothing about which story it is.
TITLE_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "after",
        "over",
        "says",
        "said",
        "new",
    ]
)


def words(text: str) -> list[str]:
    """Lower-case words, accents and curly quotes folded.

    ``"Café owner’s “Ceasefire” plan"`` -> ``["cafe", "owner", "s", "ceasefire", "plan"]``
    """
    folded = text.translate(_QUOTES).lower()
    if not folded.isascii():  # ASCII has nothing to decompose (most English text: skip the loop)
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _WORD.findall(folded)


def shingles(tokens: list[str], *, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Overlapping runs of ``size`` words: ``["a","b","c"]``, 2 -> ``{b"a b", b"b c"}``."""
    if len(tokens) < size:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + size]).encode() for i in range(len(tokens) - size + 1)}


def strip_site(headline: str) -> str:
    """A headline without a trailing site name, as search feeds and page titles add it.

    ``"Council keeps Ceasefire funded - Harbor Ledger"`` -> ``"Council keeps Ceasefire funded"``;
    the last part goes only when it is short (``MAX_SITE_WORDS``) and the rest is a headline.
    """
    parts = _SITE_SEPARATOR.split(headline)
    if len(parts) < 2:
        return headline
    head, tail = " - ".join(parts[:-1]), parts[-1]
    if len(words(tail)) <= MAX_SITE_WORDS and len(words(head)) >= MIN_TITLE_WORDS:
        return head
    return headline


def title_words(headline: str | None) -> frozenset[str]:
    """The content words of a headline (site name, stop words, single letters dropped)."""
    if not headline:
        return frozenset()
    kept = words(strip_site(headline))
    # Numbers stay, even one digit: "$1 million" and "$3 million" are two stories.
    return frozenset(w for w in kept if (len(w) > 1 or w.isdigit()) and w not in TITLE_STOPWORDS)


def _minhash(items: set[bytes]) -> np.ndarray:
    # datasketch's "affine32" scheme, value for value (scraper.identity.minhash),
    # without its per-call setup
    return minhash.signature(items, num_perm=NUM_PERM, seed=SEED).astype("<u4")


def _bands(values: np.ndarray, *, count: int, rows: int, base: int) -> list[Band]:
    out: list[Band] = []
    for band in range(count):
        chunk = values[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=b"clip-band").digest()
        out.append((base + band, int.from_bytes(digest, "big", signed=True)))
    return out


def content_hash(headline: str | None, text: str | None, *, tokens: list[str] | None = None) -> str:
    """SHA-256 (hex) of the normalised headline and text: equal for reformatted copies.

    ``tokens``: ``words(text)`` when the caller has it already.
    """
    body = " ".join(words(headline or "")) + "\n" + " ".join(tokens or words(text or ""))
    return hashlib.sha256(body.encode()).hexdigest()


def fingerprint(headline: str | None, text: str | None) -> Fingerprint:
    """The fingerprint of an article (pure; about 1.5 ms for an 800-word text)."""
    tokens = words(text or "")
    bands: list[Band] = []
    signature: bytes | None = None
    count = 0
    if len(tokens) >= MIN_TEXT_WORDS:
        grams = shingles(tokens)
        count = len(grams)
        values = _minhash(grams)
        signature = values.tobytes()
        bands += _bands(values, count=TEXT_BANDS, rows=TEXT_ROWS, base=0)
    title = title_words(headline)
    if len(title) >= MIN_TITLE_WORDS:
        values = _minhash({w.encode() for w in title})
        bands += _bands(values, count=TITLE_BANDS, rows=TITLE_ROWS, base=TITLE_BAND_BASE)
    return Fingerprint(signature, count, tuple(bands), content_hash(headline, text, tokens=tokens))


def estimate(a: bytes, b: bytes) -> float:
    """Jaccard similarity estimated from two signatures (share of equal values)."""
    left = np.frombuffer(a, dtype="<u4")
    right = np.frombuffer(b, dtype="<u4")
    return float(np.count_nonzero(left == right)) / float(len(left))


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """Share of the smaller set inside the larger, from their Jaccard and sizes.

    ``|A & B| = J * |A | B|`` and ``|A | B| = (|A| + |B|) / (1 + J)``, so
    ``|A & B| / min(|A|, |B|) = J * (|A| + |B|) / ((1 + J) * min(|A|, |B|))``.
    """
    smaller = min(size_a, size_b)
    if smaller <= 0:
        return 0.0
    return min(1.0, jaccard * (size_a + size_b) / ((1.0 + jaccard) * smaller))


def title_similarity(a: str | None, b: str | None) -> float:
    """Jaccard similarity of two headlines' content words (0 when either is too short)."""
    left, right = title_words(a), title_words(b)
    if len(left) < MIN_TITLE_WORDS or len(right) < MIN_TITLE_WORDS:
        return 0.0
    return len(left & right) / len(left | right)


def match(new: Fingerprint, headline: str | None, stored: Stored) -> Match | None:
    """``Match`` when the new article is a copy of ``stored``, else None.

    Texts decide when both articles have one (two full texts that differ are
    two stories, however alike their headlines). The headline decides only
    when the new article has too little text to compare: a feed entry whose
    page could not be read joins the story it names. A new full text never
    joins through a stored headline-only item, or two stories under one
    generic headline ("Man killed in East Side shooting") would chain into one.
    """
    if new.signature is not None:
        if stored.signature is None:
            return None
        jaccard = estimate(new.signature, stored.signature)
        share = containment(jaccard, new.shingles, stored.shingles)
        if jaccard >= TEXT_JACCARD or (share >= TEXT_CONTAINMENT and jaccard >= MIN_JACCARD):
            return Match("text", jaccard, share)
        return None
    similarity = title_similarity(headline, stored.headline)
    if similarity >= TITLE_JACCARD:
        return Match("title", similarity, similarity)
    return None


def entry_hash(title: str | None, summary: str | None) -> str:
    """SHA-256 (hex) of a feed entry's normalised title and summary (update detection)."""
    body = " ".join(words(title or "")) + "\n" + " ".join(words(summary or ""))
    return hashlib.sha256(body.encode()).hexdigest()
