"""``clippings sources search-url``: the sources.yaml entry and URL of a keyword search."""

from __future__ import annotations

import re

import click
import yaml

from scraper.cli._common import common_options, json_line
from scraper.cli.sources import sources
from scraper.config import search


def suggest_search_id(provider: str, query: str) -> str:
    """``"google-news-group-violence-intervention"`` for a provider and a query."""
    words = re.sub(r"[^a-z0-9]+", "-", query.lower()).strip("-")[:60].rstrip("-")
    return f"{provider}-{words or 'search'}"


@sources.command("search-url")
@common_options
@click.argument("provider", metavar="PROVIDER")
@click.argument("query")
@click.option(
    "--language", help="Locale (en-US) for google-news and bing-news, e.g. english for gdelt."
)
@click.option("--id", "source_id", help="Id of the printed entry (default: from the query).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead.")
def search_url_cmd(
    provider: str, query: str, language: str | None, source_id: str | None, as_json: bool
) -> None:
    """Print the sources.yaml entry for a search and the URL it will fetch.

    PROVIDER is google-news, bing-news or gdelt; QUERY is the search words
    (quote a phrase: '"Group Violence Intervention"').
    """
    try:
        url = search.search_url(provider, query, language=language)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    entry: dict[str, str] = {
        "id": source_id or suggest_search_id(provider, query),
        "kind": "search",
        "provider": provider,
        "query": " ".join(query.split()),
    }
    if language:
        entry["language"] = language
    if as_json:
        json_line({**entry, "url": url})
        return
    click.echo(yaml.safe_dump([entry], sort_keys=False, allow_unicode=True), nl=False)
    click.echo(f"# fetches {url}")
    if provider == "google-news":
        click.echo("# its links are resolved to the article: tokens that carry the URL always,")
        click.echo("# the others only with settings.resolve_google_news_links: true")
