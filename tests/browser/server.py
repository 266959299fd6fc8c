"""Serve a built site on 127.0.0.1 from a background thread.

The site is served under the path of its ``site_url`` (``/`` when that is empty), as it will be
deployed. Two test conveniences:

* an *overlay* folder, looked up before the site, for synthetic pages written by the tests; they
  sit beside the real pages, so they use the site's own theme, stylesheets and fonts;
* ``sitemap.xml`` is served with its URLs moved from ``site_url`` to this server (and lists the
  overlay's pages too). Material's instant navigation only intercepts links to pages listed in the
  sitemap *at the current origin and port*; this makes the local server behave as the deployed site.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

__all__ = ["StaticServer", "rebase_sitemap"]

_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>")


def rebase_sitemap(xml: str, base: str, extra: list[str] = ()) -> str:
    """Return ``xml`` with every ``<loc>`` moved from the sitemap's common prefix to ``base``.

    ``extra`` page URLs (already absolute) are appended.

    >>> xml = "<urlset><url><loc>https://x.org/p/</loc></url><url><loc>https://x.org/p/a/</loc></url></urlset>"
    >>> _LOC.findall(rebase_sitemap(xml, "http://127.0.0.1:9/p/", ["http://127.0.0.1:9/p/t/"]))
    ['http://127.0.0.1:9/p/', 'http://127.0.0.1:9/p/a/', 'http://127.0.0.1:9/p/t/']
    """
    locs = _LOC.findall(xml)
    prefix = os.path.commonprefix(locs) if locs else ""
    prefix = prefix[: prefix.rfind("/") + 1]
    urls = [base + loc[len(prefix) :] for loc in locs] + list(extra)
    body = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n'
    )


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the overlay, then the site; no logging."""

    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        rel = unquote(urlsplit(path).path)
        prefix = self.server.prefix
        if not rel.startswith(prefix):
            return str(self.server.root / "__outside_the_site__")
        rel = rel[len(prefix) :]
        parts = [p for p in rel.split("/") if p not in ("", ".", "..")]
        candidate = self.server.overlay.joinpath(*parts)
        if candidate.is_file() or (candidate / "index.html").is_file():
            return str(candidate) + ("/" if rel.endswith("/") else "")
        return str(self.server.root.joinpath(*parts)) + ("/" if rel.endswith("/") else "")

    def do_GET(self) -> None:
        if unquote(urlsplit(self.path).path) == self.server.prefix + "sitemap.xml":
            self._sitemap()
        else:
            super().do_GET()

    def _sitemap(self) -> None:
        src = self.server.root / "sitemap.xml"
        xml = src.read_text(encoding="utf-8") if src.is_file() else "<urlset></urlset>"
        extra = sorted(
            self.server.base + p.parent.relative_to(self.server.overlay).as_posix() + "/"
            for p in self.server.overlay.glob("*/index.html")
        )
        data = rebase_sitemap(xml, self.server.base, extra).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet when the browser drops a connection (it does, on leaving a page)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    root: Path
    overlay: Path
    prefix: str
    base: str


class StaticServer:
    """A quiet threaded HTTP server for ``root`` at ``http://127.0.0.1:<free port><prefix>``.

    Parameters
    ----------
    root : Path
        The built site.
    overlay : Path
        Folder looked up before ``root`` (synthetic test pages go there).
    prefix : str
        URL path the site lives under, starting and ending with ``/``.
    """

    def __init__(self, root: Path, overlay: Path, prefix: str = "/") -> None:
        if not (prefix.startswith("/") and prefix.endswith("/")):
            raise ValueError(f"prefix must start and end with '/', got {prefix!r}")
        handler = functools.partial(_Handler, directory=str(root))
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._httpd.root = Path(root)
        self._httpd.overlay = Path(overlay)
        self._httpd.prefix = prefix
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}{prefix}"
        self._httpd.base = self.base
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
