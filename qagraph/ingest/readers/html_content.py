"""Main-content extraction for the HTML reader: what of a web page is its content.

Web pages carry more than their content, so the reader keeps to the main content the way
reader modes do: when the page marks it (one `<main>` or `role="main"`, else one top-level
`<article>`), only that is read; page furniture is dropped wherever it is (navigation,
footers, `<aside>`, ARIA banner/navigation/complementary/search/contentinfo regions, hidden
elements, and blocks whose class or id names a sidebar, breadcrumbs, cookie notice, share
buttons, comments or the like).
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

# Page furniture, not content. (<header> stays: it often holds the page's h1.)
_DROP_TAGS = ["script", "style", "nav", "footer", "head", "noscript", "template", "svg"]
# Page furniture by ARIA role, and by a class or id naming it (whole names, any case).
_FURNITURE_ROLES = frozenset("navigation banner complementary search contentinfo".split())
_FURNITURE_NAMES = frozenset(
    """sidebar side-bar breadcrumb breadcrumbs cookie-banner cookie-notice cookie-consent
    cookies share-buttons sharing social-share social-links related-posts newsletter
    advert advertisement ad-slot comments comment-section disqus_thread site-header
    site-footer site-nav navbar skip-link skip-to-content""".split()
)


def drop_furniture(soup: BeautifulSoup) -> None:
    """Remove scripts, styles, the head and all page furniture from `soup`, in place."""
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in [t for t in soup.find_all(True) if _is_furniture(t)]:
        # An element inside furniture dropped before it is gone already.
        if not tag.decomposed:
            tag.decompose()


def _is_furniture(tag: Tag) -> bool:
    """Whether `tag` is page furniture around the content (see the module doc)."""
    if tag.name in ("aside", "body", "html"):
        return tag.name == "aside"
    attrs = tag.attrs or {}
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    if str(attrs.get("role", "")).strip().lower() in _FURNITURE_ROLES:
        return True
    names = [*(attrs.get("class") or ()), *str(attrs.get("id", "")).split()]
    return any(name.lower() in _FURNITURE_NAMES for name in names)


def main_content(soup: BeautifulSoup) -> Tag:
    """The element holding the page's content: its one `<main>` (or `role="main"`), else
    its one top-level `<article>`, else the body."""
    body = soup.body or soup
    mains = soup.find_all(lambda t: t.name == "main" or t.get("role") == "main")
    mains = [m for m in mains if not any(p in mains for p in m.parents)]
    if len(mains) == 1 and mains[0].get_text(strip=True):
        return mains[0]
    articles = [a for a in soup.find_all("article") if a.find_parent("article") is None]
    if len(articles) == 1 and articles[0].get_text(strip=True):
        return articles[0]
    return body
