"""feed.xml (Atom 1.0) and sitemap.xml."""

from __future__ import annotations

import datetime as dt
from html import escape
from xml.etree import ElementTree as ET

from .site import Site
from .slugs import slugify

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 50


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def address(site: Site) -> str:
    """The edition's full address (site.yaml `url` / `public_url`), else its base_url."""
    config = site.config
    return (config.public_url if site.public else config.url) or config.base_url


def atom_feed(site: Site) -> bytes:
    config = site.config
    authority = slugify(config.organization or config.title) or "site-builder"
    entries = site.entries[:FEED_SIZE]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:base": address(site), "xml:lang": "zh-CN"})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = config.title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"tag:{authority},2000:feed"
    base = address(site) if "://" in address(site) else ""  # links absolute when known
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": base + "index.html"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": base + "feed.xml"})
    updated = max((e.date for e in entries), default=dt.date(2000, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = config.organization or config.title
    for entry in entries:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(item, f"{{{ATOM}}}title").text = entry.title
        ET.SubElement(item, f"{{{ATOM}}}id").text = \
            f"tag:{authority},{entry.date.isoformat()}:{entry.slug}"
        ET.SubElement(item, f"{{{ATOM}}}link", {"rel": "alternate", "href": base + entry.url})
        ET.SubElement(item, f"{{{ATOM}}}updated").text = _stamp(entry.date)
        ET.SubElement(item, f"{{{ATOM}}}published").text = _stamp(entry.date)
        for name in entry.authors or (site.department_name(entry.department),):
            ET.SubElement(ET.SubElement(item, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = name
        ET.SubElement(item, f"{{{ATOM}}}category",
                      {"term": entry.type, "label": site.type_label(entry.type)})
        ET.SubElement(item, f"{{{ATOM}}}summary").text = entry.summary
    return _serialise(feed)


def sitemap(site: Site, urls: list[str]) -> bytes:
    """Written as text: thousands of URLs, and ElementTree took longer than the pages."""
    base = address(site)
    dates = {e.url: e.date for e in site.entries}
    parts = ["<?xml version='1.0' encoding='utf-8'?>\n", f'<urlset xmlns="{SITEMAP}">\n']
    for url in urls:
        parts.append(f"  <url>\n    <loc>{escape(base + url, quote=False)}</loc>\n")
        if url in dates:
            parts.append(f"    <lastmod>{dates[url].isoformat()}</lastmod>\n")
        parts.append("  </url>\n")
    parts.append("</urlset>\n")
    return "".join(parts).encode("utf-8")


def _serialise(element: ET.Element) -> bytes:
    ET.indent(element)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True) + b"\n"
