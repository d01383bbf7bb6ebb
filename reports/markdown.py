"""The narrative sections' Markdown: a safe subset, rendered the same for the page and the
PDF.

`render_markdown(text)` parses CommonMark (plus tables) with raw HTML turned off, so HTML
or script a user types is shown as text; keeps links only to http(s) and mailto
addresses; shifts headings down so that "#" is an h3 (the document's own headings are h1
and h2); then, as a second line of defence, sanitises the result with nh3 against an
allowlist of tags and attributes.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "br",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}, "ol": {"start"}}
LINK_SCHEMES = {"http", "https", "mailto"}
# Markdown heading level -> HTML level: "#" and "##" are h3, deeper ones h4.
HEADING_TAGS = {1: "h3", 2: "h3", 3: "h4", 4: "h4", 5: "h4", 6: "h4"}


def validate_link(url: str) -> bool:
    scheme, colon, _ = url.partition(":")
    return bool(colon) and scheme.strip().lower() in LINK_SCHEMES


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table")
    parser.disable("image")  # no images: the PDF fetches nothing from outside
    parser.validateLink = validate_link
    return parser


PARSER = _parser()


def _shift_headings(tokens) -> None:
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = HEADING_TAGS[int(token.tag[1])]
        elif token.type == "th_open":
            token.attrSet("scope", "col")


def render_markdown(text: str) -> SafeString:
    """The text as sanitised HTML (empty for blank text)."""
    if not text or not text.strip():
        return mark_safe("")
    tokens = PARSER.parse(text)
    _shift_headings(tokens)
    html = PARSER.renderer.render(tokens, PARSER.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return mark_safe(clean.strip())  # noqa: S308 - sanitised by nh3 above
