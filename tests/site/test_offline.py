"""The offline copy (``make offline``): a zip that opens from disk, and makes no outside request.

The copy is built with Material's ``offline`` plugin (``NNNOTES_OFFLINE=true``), zipped twice
(same bytes), unpacked, and opened from ``file://`` in Chromium: the home page, a chapter reached
by its link, a search, typeset math in KaTeX's fonts, the figures, the student edition's folded
boxes and switch. Every request that is not for a local file is blocked and counted.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from browser.visit import CHROMIUM, CHROMIUM_ARGS
from conftest import MKDOCS, ROOT, build_env
from playwright.async_api import async_playwright

from nnnotes.sitebuild import notebooks, offline, student, takeaway

EPOCH = 1700000000
#: A chapter and a word its text contains (searched for in the copy).
CHAPTER, WORD = "exercise-6-1", "sigmoid"


@pytest.fixture(scope="module")
def copy(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The offline copy: built, zipped twice, and unpacked from the first zip.

    It is built after the session's `built_site`, whose build ran every block (``verify``) and
    stored what each printed: this second build replays them from the block cache (``on``)
    instead of running them all again. What the blocks print is checked by that first build;
    this one checks what is particular to the copy (links to files, the worker shim, search).
    """
    folder = tmp_path_factory.mktemp("offline")
    env = build_env() | {"NNNOTES_OFFLINE": "true", "SOURCE_DATE_EPOCH": str(EPOCH), "NNNOTES_CACHE": "on"}
    proc = subprocess.run(
        [*MKDOCS, "build", "--strict", "-d", str(folder / "built")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    a = offline.zip_folder(folder / "built", folder / "a.zip", epoch=EPOCH)
    b = offline.zip_folder(folder / "built", folder / "b.zip", epoch=EPOCH)
    with zipfile.ZipFile(a) as z:
        z.extractall(folder / "unpacked")
    return {"built": folder / "built", "a": a, "b": b, "root": folder / "unpacked" / offline.TOP}


def test_two_zips_give_the_same_bytes(copy: dict[str, Path]) -> None:
    """Zipping the copy twice gives identical files; every entry is dated by the epoch."""
    assert copy["a"].read_bytes() == copy["b"].read_bytes()
    with zipfile.ZipFile(copy["a"]) as z:
        infos = z.infolist()
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
    names = [i.filename for i in infos]
    assert names == sorted(names) and f"{offline.TOP}/index.html" in names


def test_pages_are_files_and_nothing_loads_from_outside(copy: dict[str, Path]) -> None:
    """Links lead to ``.html`` files; every script and stylesheet is in the copy (the worker shim too)."""
    root = copy["root"]
    home = (root / "index.html").read_text(encoding="utf-8")
    assert f'href="{CHAPTER}.html"' in home
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        loads = re.findall(r'<(?:script|img)\b[^>]*?\bsrc="([^"]+)"', text)
        loads += [
            href
            for tag, href in re.findall(r'(<link\b[^>]*?\bhref="([^"]+)")', text)
            if 'rel="canonical"' not in tag
        ]
        assert loads and [u for u in loads if re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", u)] == [], page
    shim = (root / offline.SHIM).read_bytes()
    assert shim == offline.find_shim().read_bytes()
    assert (root / notebooks.notebook_path(f"{CHAPTER}.md")).is_file()
    for later in takeaway.LATER:  # the copy does not link the files that are not in it
        assert later.rsplit("/", 1)[-1] not in home


async def _browse(root: Path) -> dict[str, Any]:
    """Open the copy from disk: home, a chapter by its link, a search; return what was seen."""
    seen: dict[str, Any] = {"outside": [], "errors": []}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})

        async def route(r: Any) -> None:
            if urlsplit(r.request.url).scheme in ("file", "data", "blob", "about"):
                await r.continue_()
            else:
                seen["outside"].append(r.request.url)
                await r.abort()

        await context.route(re.compile(r"^(?!(?:file|data|blob|about):)"), route)
        page = await context.new_page()
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        await page.goto((root / "index.html").as_uri(), wait_until="load")
        # the chapters' table (a link in a folded box of the home page is not shown)
        await page.locator(f'article table a[href="{CHAPTER}.html"]').first.click()
        await page.wait_for_url(re.compile(rf"{CHAPTER}\.html$"))
        await page.wait_for_load_state("load")
        seen["chapter"] = page.url
        seen["math"] = await page.evaluate("""async () => {
            await document.fonts.ready;
            const loaded = Array.from(document.fonts)
                .filter((f) => f.status === "loaded").map((f) => f.family);
            const k = document.querySelector(".katex-html");
            return {formulas: document.querySelectorAll(".katex").length,
                    shown: k ? k.getBoundingClientRect().width : 0,
                    family: k ? getComputedStyle(k.querySelector(".mord") || k).fontFamily : "",
                    loaded, figures: Array.from(document.querySelectorAll("svg.nn-figure"))
                        .map((s) => s.getBoundingClientRect().width)};
        }""")
        boxes = ", ".join(f"details.{kind}" for kind in student.BOXES)
        switch = page.locator("button.nn-fold-switch")
        await switch.wait_for(state="visible", timeout=10000)
        seen["folded"] = await page.eval_on_selector_all(boxes, "els => els.map(e => e.open)")
        await switch.click()
        seen["unfolded"] = await page.eval_on_selector_all(boxes, "els => els.map(e => e.open)")
        await switch.click()
        box = page.locator("input.md-search__input")
        await box.click()
        await box.fill(WORD)
        await box.press("End")
        await page.wait_for_function(
            "() => /matching/.test(document.querySelector('.md-search-result__meta')?.textContent ?? '')",
            timeout=20000,
        )
        links = page.locator(".md-search-result__list a.md-search-result__link")
        seen["results"] = [await a.get_attribute("href") or "" for a in await links.all()]
        await links.first.click()
        await page.wait_for_load_state("load")
        seen["after_search"] = page.url
        # the filter of the checks, shown by check-filter.js (which waits for `document$` too)
        await page.goto((root / "verification.html").as_uri(), wait_until="load")
        await page.locator(".nn-filter").wait_for(state="visible", timeout=10000)
        seen["filter_status"] = await page.locator(".nn-filter__status").text_content()
        await browser.close()
    return seen


@pytest.fixture(scope="module")
def browsed(copy: dict[str, Path]) -> dict[str, Any]:
    """What Chromium saw of the unpacked copy, opened from disk."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM} (make test installs it)")
    return asyncio.run(_browse(copy["root"]))


def test_a_chapter_link_opens_the_chapter(browsed: dict[str, Any]) -> None:
    """Following the home page's link to a chapter opens the chapter's file, not a folder listing."""
    assert browsed["chapter"].startswith("file://") and browsed["chapter"].endswith(f"/{CHAPTER}.html")


def test_math_is_typeset_in_katex_fonts_and_figures_show(browsed: dict[str, Any]) -> None:
    """The chapter shows typeset formulas, in KaTeX's fonts loaded from disk, and its figures."""
    math = browsed["math"]
    assert math["formulas"] > 10 and math["shown"] > 0
    assert "KaTeX_Main" in math["loaded"] and "KaTeX" in math["family"]
    assert math["figures"] and all(w > 100 for w in math["figures"])


def test_answers_are_folded_and_the_switch_works_from_disk(
    copy: dict[str, Path], browsed: dict[str, Any]
) -> None:
    """The chapter's boxes start folded and its switch unfolds them all, as on the hosted site.

    The filter of the checks page shows too.

    That needs Material's instant navigation off in the copy (its guide to offline builds says
    so): from ``file://`` it ends the ``document$`` observable that fold.js waits for.
    """
    assert browsed["folded"] and not any(browsed["folded"])
    # the checks' filter is shown and has counted the checks (its script ran)
    assert re.fullmatch(r"Showing (\d+) of \1 checks\.", browsed["filter_status"] or ""), browsed[
        "filter_status"
    ]
    assert all(browsed["unfolded"]) and len(browsed["unfolded"]) == len(browsed["folded"])
    home = (copy["root"] / "index.html").read_text(encoding="utf-8")
    features = re.search(r'"features":\s*\[([^\]]*)\]', home)
    assert features and "navigation.tabs" in features[1] and "navigation.instant" not in features[1]


def test_search_works_from_disk(browsed: dict[str, Any]) -> None:
    """Search finds the word and its results open pages of the copy."""
    urls = [urlsplit(h) for h in browsed["results"]]
    assert urls and all(u.scheme == "file" and u.path.endswith(".html") for u in urls), browsed["results"]
    assert all(Path(unquote(u.path)).is_file() for u in urls)
    assert browsed["after_search"].startswith("file://")


def test_no_request_leaves_the_disk_and_no_script_fails(browsed: dict[str, Any]) -> None:
    """Nothing was fetched from outside (the worker shim is the copy's own), no page error."""
    assert browsed["outside"] == []
    assert browsed["errors"] == []


@pytest.mark.parametrize("value", ["true", "True", "yes", "ON", "false", "no", "Off", "1", "0", "", "y"])
def test_the_switch_is_read_as_mkdocs_yml_reads_it(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``NNNOTES_OFFLINE`` turns the copy on exactly when ``mkdocs.yml`` gives the plugin a true.

    ``!ENV`` reads the variable as YAML: ``1`` is an integer, which the plugin's ``enabled``
    refuses, and an empty value is null, which turns the plugin on by its default. Any value that
    is not a YAML boolean is an error naming the variable.
    """
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    line = re.search(
        r"^\s*enabled: (!ENV \[NNNOTES_OFFLINE, false\])$", (ROOT / "mkdocs.yml").read_text(), re.M
    )
    assert line is not None
    monkeypatch.setenv("NNNOTES_OFFLINE", value)
    read = yaml.load(f"enabled: {line.group(1)}", Loader=get_yaml_loader())["enabled"]
    if isinstance(read, bool):
        assert offline.enabled({"NNNOTES_OFFLINE": value}) is read
    else:
        with pytest.raises(ValueError, match="NNNOTES_OFFLINE"):
            offline.enabled({"NNNOTES_OFFLINE": value})
