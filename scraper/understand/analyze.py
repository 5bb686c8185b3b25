"""Understanding one story: article page (or feed entry) -> ``Analysis``.

The stages run in this order, each a pure function of what came before:
extract (headline, date, authors, outlet, text) -> quotes -> excerpt ->
program tags -> cities -> relevance. Evidence from each stage is kept so the
review desk can show why a tag was given.
"""

from __future__ import annotations

from dataclasses import replace

from scraper.config.schema import Config
from scraper.models import Analysis, Article, Entry, Evidence, Suggestion
from scraper.understand.extract.article import extract_article
from scraper.understand.quotes.find import choose_excerpt, find_quotes, quote_evidence
from scraper.understand.tags.cities import find_cities, infer_home
from scraper.understand.tags.city_home import outlet_abroad
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
    remembered_home: str | None = None,
) -> Analysis:
    """Analyse a story from its page ``html`` and/or its feed ``entry``.

    The outlet's home city is ``outlet_home`` (configured), else what the
    outlet's name or domain says, else ``remembered_home`` (where its reviewed
    stories are set, ``scraper.understand.tags.city_home.home_from_history``).
    """
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
    settings = config.settings
    programs, program_evidence = match_programs(
        text, headline=headline, programs=config.programs, threshold=settings.program_threshold
    )
    page_url = article.canonical_url or url
    home = (
        outlet_home
        or infer_home(article.outlet, page_url, aliases=config.cities)
        or remembered_home
    )
    found_cities, city_evidence = find_cities(
        text,
        headline=headline,
        outlet_home=home,
        aliases=config.cities,
        outlet_abroad=home is None and outlet_abroad(page_url),
        home_inferred=outlet_home is None,
    )
    suggestions = _suggestions(program_evidence, programs) + _suggestions(
        city_evidence, found_cities, threshold=settings.city_threshold
    )
    cities = [c for c in found_cities if c not in {s.label for s in suggestions}]
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
        suggestions=tuple(suggestions),
        evidence=(
            *program_evidence,
            *city_evidence,
            *quote_evidence(quotes),
            *relevance_evidence,
        ),
    )


def _suggestions(
    evidence: list[Evidence], labels: list[str], *, threshold: float | None = None
) -> list[Suggestion]:
    """Labels with evidence that are not tags: below ``threshold``, or (without
    one) absent from ``labels``, the tags the stage kept."""
    best: dict[str, Evidence] = {}
    for ev in evidence:
        if ev.kind in ("program", "city") and ev.label not in best:
            best[ev.label] = ev
    out = []
    for label, ev in best.items():
        confidence = ev.confidence or 0.0
        below = confidence < threshold if threshold is not None else label not in labels
        if below and ev.kind in ("program", "city"):
            out.append(Suggestion(kind=ev.kind, label=label, confidence=confidence))
    return out
