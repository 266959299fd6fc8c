"""Helpers of the real-browser tests (``tests/site/test_browser*.py``).

* `server`: serves a built site on 127.0.0.1 from a thread, with an overlay folder for synthetic
  test pages and a sitemap that points at the local server (so instant navigation works locally
  as it does at ``site_url``).
* `links`: a pure-Python crawl of the built HTML: every internal link and anchor resolves.
* `contrast`: WCAG contrast from computed colours (compositing alpha and backgrounds).
* `visit`: one visit of one page in Chromium, collecting everything the checks need.
* `verdicts`: what a visit collected (`Visit`) and the checks that judge it, without a browser.
* `interactions`: instant navigation and search, as a reader uses them (part of `visit.Session`).
"""
