"""``clippings inspect``: analyse pages without storing them."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import click

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.config.schema import Config
from scraper.models import Analysis


def analysis_json(analysis: Analysis) -> dict[str, Any]:
    """The ``inspect --json`` shape: exactly these fields, in this order."""
    article = analysis.article
    return {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "outlet": article.outlet,
        "headline": article.headline,
        "published": article.published.isoformat() if article.published else None,
        "authors": list(article.authors),
        "text": article.text,
        "excerpt": analysis.excerpt,
        "quotes": [q.to_json() for q in analysis.quotes],
        "programs": list(analysis.programs),
        "cities": list(analysis.cities),
        "relevant": analysis.relevant,
        "evidence": [e.to_json() for e in analysis.evidence],
        "suggestions": [s.to_json() for s in analysis.suggestions],
    }


def dateline(analysis: Analysis) -> str:
    """``"July 2017 | CBS Pittsburgh"``, as the news page shows it."""
    article = analysis.article
    when = article.published.strftime("%B %Y") if article.published else "undated"
    return f"{when} | {article.outlet or 'unknown outlet'}"


def describe(analysis: Analysis) -> str:
    article = analysis.article
    lines = [
        article.headline or "(no headline)",
        dateline(analysis),
        f"  {analysis.excerpt}" if analysis.excerpt else "  (no excerpt)",
        "Tags: " + ("  ".join([*analysis.cities, *analysis.programs]) or "(none)"),
        *(
            [
                "Suggested: "
                + "  ".join(f"{s.label} ({s.confidence:.2f})" for s in analysis.suggestions)
            ]
            if analysis.suggestions
            else []
        ),
        f"Link: {article.canonical_url or article.url}",
    ]
    if article.authors:
        lines.append("By: " + ", ".join(article.authors))
    verdict = "relevant" if analysis.relevant else "not relevant"
    lines.append(f"Relevance: {verdict} ({analysis.relevance_reason})")
    if analysis.quotes:
        lines.append(f"Quotes ({len(analysis.quotes)}):")
        for quote in analysis.quotes:
            speaker = quote.speaker or "no named speaker"
            lines.append(f"  \u201c{quote.text}\u201d \u2014 {speaker}")
    if analysis.evidence:
        lines.append("Evidence:")
        for item in analysis.evidence:
            where = f"{item.field} {item.start}-{item.end}"
            note = f" ({item.note})" if item.note else ""
            if item.confidence is not None:
                note += f" [confidence {item.confidence:.2f}]"
            lines.append(f"  {item.kind}: {item.label} <- {item.phrase!r} at {where}{note}")
    return "\n".join(lines)


async def _read(target: str, config: Config) -> tuple[str, bytes]:
    """``(url, html)`` of a URL (through the fetch layer), a file, or ``-`` (stdin)."""
    if target == "-":
        return "stdin:", sys.stdin.buffer.read()
    if target.startswith(("http://", "https://")):
        from scraper.fetch.client import PAGE_ACCEPT, Fetcher
        from scraper.pipeline.adapters import fetch_options

        async with Fetcher(fetch_options(config)) as fetcher:
            response = await fetcher.fetch(target, accept=PAGE_ACCEPT)
        return response.url, response.body
    path = Path(target)
    if not path.is_file():
        raise click.BadParameter(
            f"{target}: not a URL nor a readable file", param_hint="URL_OR_FILE"
        )
    return path.resolve().as_uri(), path.read_bytes()


@main.command()
@common_options
@click.argument("targets", metavar="URL_OR_FILE...", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input, one per line.")
@pass_context
def inspect(ctx: Context, targets: tuple[str, ...], as_json: bool) -> None:
    """Analyse article pages (URLs, files, or - for stdin) without storing them.

    Shows what clippings reads off each page: headline, date, outlet, authors,
    excerpt, quotes with speakers, program and city tags, relevance, and the
    evidence for each. A page that cannot be fetched is reported and the
    others go on (exit 1 if any failed).
    """
    from scraper.models.errors import FetchError
    from scraper.understand.analyze import analyze

    config = ctx.config() if Path(ctx.sources_path).exists() else Config()
    failed = 0
    for number, target in enumerate(targets):
        try:
            url, html = asyncio.run(_read(target, config))
        except FetchError as exc:
            click.echo(f"clippings: {target}: {exc.reason}", err=True)
            failed += 1
            continue
        outlet = config.outlet_for_url(url) if url.startswith("http") else None
        analysis = analyze(
            url=url,
            config=config,
            html=html,
            outlet=outlet.name if outlet else None,
            outlet_home=outlet.city if outlet else None,
        )
        if as_json:
            json_line(analysis_json(analysis))
        else:
            if number:
                click.echo("\n" + "-" * 72)
            click.echo(describe(analysis))
    if failed:
        sys.exit(1)
