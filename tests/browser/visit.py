"""Visit pages in Debian's Chromium (driven by playwright) and judge what a reader would see.

One `Session` per test session: one HTTP server, one browser, one asyncio loop. Every browser
context blocks and counts each request that is not for 127.0.0.1/localhost, and collects console
errors, page errors and failed local requests. A page is inspected by ``inspect.js`` (raw TeX,
typeset formulas and their fonts, figures, colours of the text of figures, tables and formulas),
checked by axe-core, and photographed. `Session.visit_all` does this for every page of the site,
in the light palette and then the dark one, at one of the `VIEWPORTS` (a desktop and a phone);
`Session.visit` for one page in a fresh context (the synthetic pages of the failure tests).
Verdicts are plain functions of the data collected (`browser.verdicts`), so the same code judges
the real site and the synthetic pages; instant navigation and search are in `browser.interactions`.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    async_playwright,
)

from browser.interactions import Interactions
from browser.server import StaticServer
from browser.synthetic import synthetic_page
from browser.verdicts import NOT_LOCAL, Visit, is_local
from nnnotes.sitebuild import pdf

__all__ = ["VIEWPORTS", "Session"]

#: Debian's chromium and its flags, as the PDF's print uses them (one place: nnnotes.sitebuild.pdf).
CHROMIUM = pdf.CHROMIUM
CHROMIUM_ARGS = pdf.CHROMIUM_ARGS
#: The viewports every page is judged at: a desktop and a phone (an iPhone 12-15 in CSS pixels).
VIEWPORTS: dict[str, dict[str, int]] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
INSPECT_JS = (Path(__file__).with_name("inspect.js")).read_text(encoding="utf-8")

#: Formulas of a page that axe-core inspects (the others are replaced by boxes first, see
#: `Session._thin_math`).
AXE_MATH_SAMPLE = 5

T = TypeVar("T")


@dataclass
class _Tab:
    context: BrowserContext
    page: Page
    visit: Visit


class Session(Interactions):
    """A served site and one Chromium, for a whole test session.

    Parameters
    ----------
    site : Path
        The built site.
    overlay : Path
        Folder for synthetic pages (served beside the site's pages).
    prefix : str
        URL path of the site (the path of ``site_url``).
    screenshots : Path
        Where `visit` saves screenshots (``<scheme>/<page>.png``).
    """

    def __init__(self, site: Path, overlay: Path, prefix: str, screenshots: Path) -> None:
        self.site = site
        self.overlay = overlay
        self.screenshots = screenshots
        self.server = StaticServer(site, overlay, prefix)
        self.base = self.server.base
        self.loop = asyncio.new_event_loop()
        self._pw: Playwright | None = None
        self.browser: Browser | None = None
        self._axe = AXE_JS.read_text(encoding="utf-8")

    def __enter__(self) -> Session:
        self.server.__enter__()
        try:
            self.run(self._start())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.run(self._stop())
        finally:
            self.loop.close()
            self.server.__exit__(None, None, None)

    async def _start(self) -> None:
        self._pw = await async_playwright().start()
        self.browser = await self._pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    async def _stop(self) -> None:
        if self.browser is not None:
            await self.browser.close()
        if self._pw is not None:
            await self._pw.stop()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the session's loop."""
        return self.loop.run_until_complete(coro)

    # --- pages ---------------------------------------------------------------------------------

    def pages(self) -> list[str]:
        """Paths (relative to the site's URL) of every HTML page of the built site."""
        out = []
        for f in sorted(self.site.rglob("*.html")):
            rel = f.relative_to(self.site).as_posix()
            out.append(rel.removesuffix("index.html"))
        return out

    def file_for(self, path: str) -> Path:
        """The served file of page ``path`` (overlay first)."""
        path = path.split("#")[0]
        rel = path + "index.html" if path == "" or path.endswith("/") else path
        over = self.overlay / rel
        return over if over.is_file() else self.site / rel

    def add_page(self, name: str, body: str, **kw: Any) -> str:
        """Write a synthetic page ``<name>/`` in the site's theme; return its path."""
        kw.setdefault("title", name)
        template = next(p for p in sorted(self.site.glob("*/index.html")) if "<article" in p.read_text())
        folder = self.overlay / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(
            synthetic_page(template.read_text(encoding="utf-8"), body, **kw), encoding="utf-8"
        )
        return f"{name}/"

    def screenshot_path(self, path: str, scheme: str, viewport: str = "desktop") -> Path:
        """``<screenshots>/<scheme>[-phone]/<page>.png``, the page's path flattened."""
        name = path.removesuffix("/").removesuffix(".html").replace("/", "-") or "index"
        folder = scheme if viewport == "desktop" else f"{scheme}-{viewport}"
        return self.screenshots / folder / f"{name}.png"

    # --- visiting ------------------------------------------------------------------------------

    async def _tab(self, scheme: str, viewport: str = "desktop") -> _Tab:
        """A fresh browser context with one page, recording into its `_Tab.visit`."""
        assert self.browser is not None
        context = await self.browser.new_context(
            color_scheme=scheme, viewport=VIEWPORTS[viewport], service_workers="block"
        )
        # every box of the student edition unfolded (docs/javascripts/fold.js), so that every check
        # sees the whole page: a folded figure is neither visible nor inspected by axe
        await context.add_init_script("try { localStorage.setItem('nnnotes.unfold', '1') } catch (e) {}")
        tab = _Tab(context, await context.new_page(), Visit(url="", scheme=scheme, viewport=viewport))

        async def route(r: Any) -> None:
            if is_local(r.request.url):
                await r.continue_()
            else:
                tab.visit.blocked.append(r.request.url)
                await r.abort("blockedbyclient")

        def console(msg: ConsoleMessage) -> None:
            if msg.type == "error":
                tab.visit.console_errors.append(msg.text)

        def response(resp: Response) -> None:
            if resp.status >= 400 and is_local(resp.url):
                tab.visit.failed_requests.append(f"{resp.status} {resp.url}")

        def failed(req: Request) -> None:
            # ERR_ABORTED: cut short by leaving the page, not broken (a missing file is a 404)
            if is_local(req.url) and req.failure != "net::ERR_ABORTED":
                tab.visit.failed_requests.append(f"{req.failure} {req.url}")

        # only what `is_local` refuses is routed to this process (the pattern is matched in
        # playwright's driver): a verdict on every request of every page cost seconds per page
        await context.route(NOT_LOCAL, route)
        tab.page.on("console", console)
        tab.page.on("pageerror", lambda err: tab.visit.page_errors.append(str(err)))
        tab.page.on("response", response)
        tab.page.on("requestfailed", failed)
        return tab

    async def inspect(self, page: Page) -> dict[str, Any]:
        """Run ``inspect.js`` in ``page``."""
        return await page.evaluate(INSPECT_JS)

    async def axe(self, page: Page, rules: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """Serious and critical axe-core violations of ``page`` (none is excused).

        ``rules`` restricts the run to these rule ids (all rules when empty).
        """
        if not await page.evaluate("typeof window.axe === 'object'"):
            await page.add_script_tag(content=self._axe)
        return await page.evaluate(
            """async (rules) => {
                // no preload: axe would fetch every stylesheet again for one rarely relevant rule
                const options = {resultTypes: ["violations"], preload: false};
                if (rules.length) options.runOnly = {type: "rule", values: rules};
                const found = (await axe.run(document, options)).violations;
                const out = [];
                for (const v of found) {
                    const targets = v.nodes
                        .filter((n) => n.impact === "serious" || n.impact === "critical")
                        .map((n) => n.target.join(" "));
                    if (targets.length) out.push({id: v.id, impact: v.impact, help: v.help, targets});
                }
                return out;
            }""",
            list(rules),
        )

    def _static(self, path: str, visit: Visit) -> None:
        html = self.file_for(path).read_text(encoding="utf-8")
        visit.static_figures = len(re.findall(r'<svg\b[^>]*\bclass="[^"]*\bnn-figure\b', html))
        visit.static_katex = len(re.findall(r'class="katex"', html))

    async def _look(self, tab: _Tab, path: str, *, axe: bool | tuple[str, ...], screenshot: bool) -> None:
        """Inspect the page shown in ``tab`` into ``tab.visit``; axe; screenshot."""
        visit, page = tab.visit, tab.page
        visit.data = await self.inspect(page)
        if axe:
            visit.axe = await self.axe(page, () if axe is True else axe)
        if screenshot:
            target = self.screenshot_path(path, visit.scheme, visit.viewport)
            target.parent.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=target, full_page=True, animations="disabled")

    def _record(self, tab: _Tab, path: str, scheme: str, viewport: str = "desktop") -> Visit:
        visit = tab.visit = Visit(url=self.base + path, scheme=scheme, viewport=viewport)
        self._static(path, visit)
        return visit

    async def visit(
        self,
        path: str,
        scheme: str = "light",
        *,
        axe: bool | tuple[str, ...] = True,
        screenshot: bool = False,
        viewport: str = "desktop",
        then: Callable[[Page, Visit], Awaitable[None]] | None = None,
    ) -> Visit:
        """Load page ``path`` in a fresh context that prefers the ``scheme`` palette; inspect it.

        ``axe`` is True (every rule), False, or the rule ids to run; ``viewport`` a key of
        `VIEWPORTS`. ``then`` runs after the inspection (e.g. instant navigation), before the
        context closes.
        """
        tab = await self._tab(scheme, viewport)
        try:
            visit = self._record(tab, path, scheme, viewport)
            await tab.page.goto(visit.url, wait_until="load")
            await self._look(tab, path, axe=axe, screenshot=screenshot)
            if then is not None:
                await then(tab.page, visit)
            return visit
        finally:
            await tab.context.close()

    async def visit_all(
        self,
        paths: list[str],
        *,
        dark_axe: tuple[str, ...] = (),
        parallel: int = 2,
        screenshot: bool = False,
        viewport: str = "desktop",
    ) -> dict[tuple[str, str], Visit]:
        """Visit every page at ``viewport`` in the light palette, then switch it to the dark one.

        The switch is the reader's: a click on the palette toggle (no reload). Each palette is
        inspected and photographed; then axe-core runs, every rule in the light palette and only
        ``dark_axe`` (the rules a palette can change) in the dark one, on the page with all but
        `AXE_MATH_SAMPLE` formulas replaced by empty boxes of the same size (see `_thin_math`).
        ``parallel`` tabs share the pages; a tab goes from page to page with the browser's cache,
        as a reader does. Material's search worker is not started here (it would index the whole
        site again on every page); `search` exercises it.
        """
        results: dict[tuple[str, str], Visit] = {}
        queue: asyncio.Queue[str] = asyncio.Queue()
        # longest first, so that the tabs finish together
        for p in sorted(paths, key=lambda p: -self.file_for(p).stat().st_size):
            queue.put_nowait(p)

        async def palette(page: Page, index: int, scheme: str) -> None:
            await page.locator(f'label[for="__palette_{index}"]').click()
            await page.wait_for_selector(f'body[data-md-color-scheme="{scheme}"]', state="attached")

        async def worker() -> None:
            tab = await self._tab("light", viewport)
            await tab.context.route(
                "**/assets/javascripts/workers/search.*.js",
                lambda r: r.fulfill(body="", content_type="text/javascript"),
            )
            try:
                while not queue.empty():
                    path = queue.get_nowait()
                    began = time.perf_counter()
                    light = self._record(tab, path, "light", viewport)
                    await tab.page.goto(light.url, wait_until="load")
                    await self._look(tab, path, axe=False, screenshot=screenshot)
                    # the palette's colours at once, not after Material's transitions
                    await tab.page.add_style_tag(content="* { transition: none !important; }")
                    dark = self._record(tab, path, "dark", viewport)
                    await palette(tab.page, 1, "slate")
                    await self._look(tab, path, axe=False, screenshot=screenshot)
                    await self._thin_math(tab.page)
                    dark.axe = await self.axe(tab.page, dark_axe)
                    await palette(tab.page, 0, "default")
                    tab.visit = light
                    light.axe = await self.axe(tab.page)
                    # forget the palette chosen (Material remembers it), and leave the page, so
                    # that requests still running are not counted for the next one
                    await tab.page.evaluate("localStorage.clear()")
                    await tab.page.goto("about:blank")
                    light.seconds = dark.seconds = (time.perf_counter() - began) / 2
                    results[path, "light"], results[path, "dark"] = light, dark
            finally:
                await tab.context.close()

        await asyncio.gather(*(worker() for _ in range(parallel)))
        return {(p, s): results[p, s] for p in paths for s in ("light", "dark")}

    async def _thin_math(self, page: Page) -> int:
        """Replace all formulas but the first `AXE_MATH_SAMPLE` by empty boxes of their size.

        axe-core's time grows with the number of elements, and KaTeX spends dozens on every
        formula (a chapter has over 10 000): with them axe takes seconds per page, without them
        a tenth of that. The formulas kept show axe KaTeX's markup; the boxes keep the layout
        and hold a word, so a derivation too wide for its column still overflows with content
        in it (and is still judged). Every formula is checked by `math_problems` and
        `contrast_problems` before this. Return the number of formulas replaced.
        """
        return await page.evaluate(
            """(keep) => {
                const all = Array.from(document.querySelectorAll(".katex")).slice(keep);
                // a display formula is a block as wide as its column; what it shows may be wider
                const range = document.createRange();
                const sizes = all.map((k) => {
                    const box = k.getBoundingClientRect();
                    const shown = k.querySelector(".katex-html");
                    if (!shown) return [box.width, box.height];
                    range.selectNodeContents(shown);
                    return [Math.max(box.width, range.getBoundingClientRect().width), box.height];
                });
                all.forEach((k, i) => {
                    // a word at its right end, where the formula ends: axe judges a scrolling
                    // region only if some content lies outside its visible part
                    const box = document.createElement("span");
                    box.textContent = "formula";
                    box.style.cssText = `display:inline-block;white-space:nowrap;text-align:right;` +
                        `width:${sizes[i][0]}px;height:${sizes[i][1]}px`;
                    k.replaceWith(box);
                });
                return all.length;
            }""",
            AXE_MATH_SAMPLE,
        )
