"""PDFs from the app's own HTML, with WeasyPrint: the minutes now, the reports later.

`render_pdf(html, base_url=...)` turns a page the app rendered into a tagged PDF
(PDF/UA-1: a structure tree, the document's title shown in the title bar and its
language, from `<title>` and `<html lang>`). Page size, running header and "Page N of M"
footer come from the document's print stylesheet.

The HTML may hold text that users typed (minutes, actions, narratives). Django escapes
it, and as a second line of defence WeasyPrint fetches nothing but the app's own static
files: `StaticFilesFetcher` reads them from disk and refuses every other address (http://
to anywhere, file://, data:, other paths on the app's own host), so a document can never
make the server reach out to the network or read a file it should not.
"""

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_VARIANT = "pdf/ua-1"


class StaticFilesFetcher(URLFetcher):
    """Serves WeasyPrint the app's static files, read from disk, and nothing else.

    An address is served only if it starts with the static URL as the document sees it
    (`STATIC_URL` joined to the document's `base_url`, e.g. http://host/static/) and
    names a file the static files finders know, or one collected into STATIC_ROOT
    (hashed names in production). Anything else raises ValueError, which WeasyPrint
    logs and skips: the document renders without that resource."""

    def __init__(self, base_url: str):
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.static_prefix = urljoin(base_url, settings.STATIC_URL)

    def static_name(self, url: str) -> str:
        """The static file's name ("documents/minutes.css") an address refers to."""
        if not url.startswith(self.static_prefix):
            raise ValueError(f"Only the app's static files are fetched, not {url[:200]}")
        path = unquote(urlsplit(url[len(self.static_prefix) :]).path)
        name = posixpath.normpath(path)
        if not path or "\\" in path or "\x00" in path or name.startswith(("/", "..")):
            raise ValueError(f"Not a static file name: {url[:200]}")
        return name

    def static_path(self, name: str) -> Path:
        if settings.STATIC_ROOT:
            try:
                collected = Path(safe_join(settings.STATIC_ROOT, name))
            except SuspiciousFileOperation as error:
                raise ValueError(str(error)) from error
            if collected.is_file():
                return collected
        found = finders.find(name)
        if not found:
            raise FileNotFoundError(f"No static file {name}")
        return Path(found)

    def fetch(self, url, headers=None):
        name = self.static_name(url)
        content = self.static_path(name).read_bytes()
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=content, headers={"Content-Type": content_type})


def render_pdf(html: str, *, base_url: str) -> bytes:
    """The HTML as a tagged PDF. `base_url` is the address the page would have in the
    browser (request.build_absolute_uri()), against which its static links resolve."""
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticFilesFetcher(base_url))
    return document.write_pdf(pdf_variant=PDF_VARIANT)
