"""Understanding one story: article page (or feed entry) -> ``Analysis``.

The stages run in this order, each a pure function of what came before:
extract (headline, date, authors, outlet, text) -> quotes -> excerpt ->
program tags -> cities -> relevance. Evidence from each stage is kept so the
review desk can show why a tag was given.
"""

from __future__ import annotations

from dataclasses import replace

from scraper.config.schema import Config
from scraper.models import Analysis, Article, Entry
from scraper.understand.extract.article import extract_article
from scraper.understand.quotes.find import choose_excerpt, find_quotes, quote_evidence
from scraper.understand.tags.cities import find_cities, infer_home
from scraper.understand.tags.programs import judge_relevance, match_programs


def article_from_entry(entry: Entry, *, url: str, outlet: str | None) -> Article:
    """What a feed entry alone says, when the page could not be read."""
    return Article(
        url=url,
        canonical_url=None,
        headline=entry.title,
        published=entry.published,
        authors=(entry.author,) if entry.author else (),
        outlet=outlet or entry.outlet,
        text=entry.summary or "",
    )


def analyze(
    *,
    url: str,
    config: Config,
    html: bytes | str | None = None,
    entry: Entry | None = None,
    outlet: str | None = None,
    outlet_home: str | None = None,
) -> Analysis:
    """Analyse a story from its page ``html`` and/or its feed ``entry``."""
    entry = entry or Entry(url=url)
    if html:
        article = extract_article(
            html,
            url=url,
            outlet=outlet or entry.outlet,
            feed_title=entry.title,
            feed_published=entry.published,
        )
        if not article.text.strip() and entry.summary:
            article = replace(article, text=entry.summary)
        if not article.headline and entry.title:
            article = replace(article, headline=entry.title)
    else:
        article = article_from_entry(entry, url=url, outlet=outlet)
    text = article.text or ""
    headline = article.headline or ""
    quotes = find_quotes(text)
    excerpt = choose_excerpt(text, quotes, max_chars=config.settings.excerpt_length)
    programs, program_evidence = match_programs(text, headline=headline, programs=config.programs)
    home = outlet_home or infer_home(
        article.outlet, article.canonical_url or url, aliases=config.cities
    )
    cities, city_evidence = find_cities(
        text, headline=headline, outlet_home=home, aliases=config.cities
    )
    relevant, reason, relevance_evidence = judge_relevance(
        text,
        headline=headline,
        programs_found=programs,
        keywords=config.settings.relevance_keywords,
        evidence=program_evidence,
        programs=config.programs,
    )
    return Analysis(
        article=article,
        excerpt=excerpt,
        quotes=tuple(quotes),
        programs=tuple(programs),
        cities=tuple(cities),
        relevant=relevant,
        relevance_reason=reason,
        evidence=(
            *program_evidence,
            *city_evidence,
            *quote_evidence(quotes),
            *relevance_evidence,
        ),
    )
