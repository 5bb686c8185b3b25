"""Keyword search providers: the URL a ``kind: search`` source fetches, by provider.

A search source names a provider and a query instead of a URL::

    - id: gvi-google
      kind: search
      provider: google-news
      query: '"Group Violence Intervention"'
      language: en-US

``search_url`` turns that into the address fetched (pure, no network)::

    search_url("google-news", '"Group Violence Intervention"', language="en-US")
    -> https://news.google.com/rss/search?q=%22Group+Violence+Intervention%22&hl=en-US&gl=US&ceid=US:en
    search_url("bing-news", "focused deterrence")
    -> https://www.bing.com/news/search?q=focused+deterrence&format=rss&mkt=en-US
    search_url("gdelt", '"focused deterrence"', language="english")
    -> https://api.gdeltproject.org/api/v2/doc/doc?query=%22focused+deterrence%22+sourcelang%3Aenglish
       &mode=artlist&format=json&maxrecords=75&timespan=1d&sort=datedesc

``provider_of`` answers the reverse question from a URL's host, so a source
given as a raw ``url:`` of one of these services is read the same way.
"""

from __future__ import annotations

import difflib
import re
from typing import Final
from urllib.parse import urlencode, urlsplit

PROVIDERS: Final = ("google-news", "bing-news", "gdelt")
DEFAULT_LANGUAGE: Final[dict[str, str | None]] = {
    "google-news": "en-US",
    "bing-news": "en-US",
    "gdelt": None,  # every source language
}
HOSTS: Final = {
    "news.google.com": "google-news",
    "bing.com": "bing-news",
    "api.gdeltproject.org": "gdelt",
}

GOOGLE_NEWS_HOST: Final = "news.google.com"
GDELT_HOST: Final = "api.gdeltproject.org"
GDELT_GAP: Final = 5.0  # seconds between two requests to GDELT: its documented limit
GOOGLE_NEWS_GAP: Final = 2.0  # seconds between two requests to news.google.com (feeds, links)
GDELT_MAX_RECORDS: Final = 75  # the artlist default; GDELT allows up to 250
GDELT_TIMESPAN: Final = "1d"  # articles seen over the last day

_LOCALE = re.compile(r"^([a-z]{2,3})-([A-Z]{2})$")  # en-US, es-MX, fr-CA
_GDELT_LANGUAGE = re.compile(r"^[a-z]{2,20}$")  # english, spanish, or eng, spa


def suggest_provider(name: str) -> str:
    """``" (did you mean 'google-news'?)"`` for a mistyped provider, else the valid list."""
    hint = difflib.get_close_matches(name, PROVIDERS, n=1, cutoff=0.5)
    return f" (did you mean {hint[0]!r}?)" if hint else f" (valid: {', '.join(PROVIDERS)})"


def language_problem(provider: str, language: str) -> str | None:
    """Why ``language`` is not valid for ``provider``, or None when it is."""
    if provider in ("google-news", "bing-news"):
        if not _LOCALE.match(language):
            return f"{language!r} is not a locale such as en-US (language-REGION) for {provider}"
        return None
    if not _GDELT_LANGUAGE.match(language):
        return (
            f"{language!r} is not a GDELT source language such as english or spanish "
            "(lower-case name or ISO 639 code)"
        )
    return None


def search_url(provider: str, query: str, *, language: str | None = None) -> str:
    """The URL a search source of ``provider`` fetches for ``query``.

    Raises ValueError for an unknown provider, an empty query or a bad language.
    """
    if provider not in PROVIDERS:
        raise ValueError(f"unknown provider {provider!r}{suggest_provider(provider)}")
    words = " ".join(query.split())
    if not words:
        raise ValueError("the query is empty")
    lang = language or DEFAULT_LANGUAGE[provider]
    if lang is not None:
        problem = language_problem(provider, lang)
        if problem:
            raise ValueError(problem)
    if provider == "google-news":
        assert lang is not None
        code, region = lang.split("-")
        params = {"q": words, "hl": lang, "gl": region, "ceid": f"{region}:{code}"}
        return f"https://{GOOGLE_NEWS_HOST}/rss/search?" + urlencode(params, safe=":")
    if provider == "bing-news":
        params = {"q": words, "format": "rss", "mkt": lang or "en-US"}
        return "https://www.bing.com/news/search?" + urlencode(params)
    full = f"{words} sourcelang:{lang}" if lang else words
    params = {
        "query": full,
        "mode": "artlist",
        "format": "json",
        "maxrecords": str(GDELT_MAX_RECORDS),
        "timespan": GDELT_TIMESPAN,
        "sort": "datedesc",
    }
    return f"https://{GDELT_HOST}/api/v2/doc/doc?" + urlencode(params)


def provider_of(url: str) -> str | None:
    """The search provider serving ``url`` (by host), or None."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return HOSTS.get(host)


def host_gaps() -> dict[str, float]:
    """Minimum seconds between two requests to a provider's host (the fetcher enforces it)."""
    return {GDELT_HOST: GDELT_GAP, GOOGLE_NEWS_HOST: GOOGLE_NEWS_GAP}
