"""Read and write OPML, the subscription list format every feed reader speaks.

``read_opml`` gives one ``OpmlFeed`` per ``<outline xmlUrl=...>`` at any depth
(a folder's title becomes the feeds' ``category``); ``write_opml`` writes the
feed and search sources of a configuration. XML is parsed with entity
resolution and network access off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]

from scraper.models.errors import ParseError


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    title: str
    url: str
    homepage: str | None = None
    category: str | None = None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, recover=False
    )


def read_opml(data: bytes) -> list[OpmlFeed]:
    if b"<!ENTITY" in data[:65536]:
        # OPML has no use for a DTD; entity declarations only ever serve an attack
        raise ParseError("refused: the OPML file declares XML entities")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"not a valid OPML file: {exc}") from exc
    if root.tag != "opml":
        raise ParseError(f"not an OPML file (root element is <{root.tag}>)")
    feeds: list[OpmlFeed] = []

    def walk(node: etree._Element, category: str | None) -> None:
        for outline in node.iterfind("outline"):
            url = outline.get("xmlUrl") or outline.get("xmlurl")
            title = (outline.get("title") or outline.get("text") or "").strip()
            if url:
                feeds.append(
                    OpmlFeed(
                        title=title or url,
                        url=url.strip(),
                        homepage=(outline.get("htmlUrl") or None),
                        category=category,
                    )
                )
            walk(outline, title or category if not url else category)

    body = root.find("body")
    if body is None:
        raise ParseError("OPML file has no <body>")
    walk(body, None)
    return feeds


def write_opml(feeds: Iterable[OpmlFeed], *, title: str) -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}
    for feed in feeds:
        parent = body
        if feed.category:
            if feed.category not in folders:
                folders[feed.category] = etree.SubElement(
                    body, "outline", text=feed.category, title=feed.category
                )
            parent = folders[feed.category]
        attributes = {"type": "rss", "text": feed.title, "title": feed.title, "xmlUrl": feed.url}
        if feed.homepage:
            attributes["htmlUrl"] = feed.homepage
        etree.SubElement(parent, "outline", **attributes)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
