"""What a reader does on a page beyond reading it: instant navigation and search.

`Interactions` is a part of `browser.visit.Session` (its methods run on the session's pages, through
`Session.visit`), kept apart so that each module reads in one sitting.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from browser.verdicts import Visit

#: Resolves once Material's instant navigation can take over a click. It intercepts only links to
#: pages listed in ``sitemap.xml``, which it fetches once the page has started; until that fetch
#: has ended a click reloads the whole page (on a busy machine the served sitemap can come
#: seconds after ``load``). The fetch's resource-timing entry appears when the response is in;
#: Material parses it in the tasks that follow, done 50 ms and a frame later.
INSTANT_READY_JS = """() => new Promise((resolve) => {
    const seen = () => performance.getEntriesByType("resource")
        .some((e) => new URL(e.name).pathname.endsWith("/sitemap.xml"));
    const poll = () => (seen() ? setTimeout(() => requestAnimationFrame(() => resolve(true)), 50)
                               : setTimeout(poll, 20));
    poll();
})"""


class Interactions:
    """Instant navigation (`navigate`) and search (`search`), as methods of `browser.visit.Session`."""

    async def navigate(self, start: str, target: str, scheme: str = "dark") -> dict[str, Any]:
        """Open ``start``, click its first visible link to ``target``, inspect, go back, inspect.

        Returns the visits' data and whether the JavaScript state of the first page survived each
        move (it does only when the site's instant navigation swapped the content in place).
        """
        result: dict[str, Any] = {}

        async def move(page: Page, visit: Visit) -> None:
            await page.evaluate(INSTANT_READY_JS)
            await page.evaluate("window.__nnKept = 'kept'")
            title = await page.title()
            name = target.rstrip("/").rsplit("/", 1)[-1]
            await page.locator(f'a[href$="{name}/"]:visible').first.click()
            await page.wait_for_url(self.base + target)
            await page.wait_for_function("t => document.title !== t", arg=title)
            result["after"] = await self.inspect(page)
            result["kept_after"] = await page.evaluate("window.__nnKept === 'kept'")
            await page.go_back()
            await page.wait_for_function("t => document.title === t", arg=title)
            result["back"] = await self.inspect(page)
            result["kept_back"] = await page.evaluate("window.__nnKept === 'kept'")

        visit = await self.visit(start, scheme, axe=False, then=move)
        result["visit"] = visit
        target_visit = Visit(url=self.base + target, scheme=scheme)
        self._static(target, target_visit)
        result["static_target"] = target_visit
        return result

    async def search(self, query: str, scheme: str = "light") -> tuple[list[str], Visit]:
        """Type ``query`` into the site's search box; return the result links and the visit.

        The text of each result as shown (title and snippet) is in the visit's ``data["results"]``.
        """
        hrefs: list[str] = []

        async def search(page: Page, visit: Visit) -> None:
            box = page.locator("input.md-search__input")
            await box.click()
            # the whole query at once (one input event), then a key release, which Material
            # also listens to: no result list for a partial query can be read by mistake
            await box.fill(query)
            await box.press("End")
            # the worker answers asynchronously; the count line leaves its placeholder
            await page.wait_for_function(
                """() => /matching/.test(
                       document.querySelector('.md-search-result__meta')?.textContent ?? '')"""
            )
            links = page.locator(".md-search-result__list a.md-search-result__link")
            hrefs.extend([await a.get_attribute("href") or "" for a in await links.all()])
            visit.data["results"] = [await a.inner_text() for a in await links.all()]

        visit = await self.visit("", scheme, axe=False, then=search)
        return hrefs, visit
