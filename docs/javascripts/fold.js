/* Student edition: the Answer, Why, Code and Errata boxes of a chapter (and the home page's boxes,
 * which give answers away) are folded for a first try.
 *
 * The build emits every box open (<details open>), so a reader without JavaScript, or a printout,
 * sees everything. On each page load (Material's instant navigation re-renders pages through the
 * `document$` observable) this script folds the boxes unless the reader chose "unfold all", a
 * choice remembered in localStorage, and opens the boxes around the target of the page's link.
 * Printing, or print media, opens every box.
 */
(function () {
  "use strict";
  var KEY = "nnnotes.unfold";
  var BOXES = "details.answer, details.why, details.code, details.errata";

  function unfolded() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function remember(value) {
    try { window.localStorage.setItem(KEY, value ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  function setAll(open) {
    document.querySelectorAll(BOXES).forEach(function (d) { d.open = open; });
  }
  // A link to something inside a folded box (an erratum, a claim) opens the boxes around it and
  // shows it: folding the page after the browser scrolled to it would leave the reader elsewhere.
  function reveal() {
    var target = null;
    try { target = document.getElementById(decodeURIComponent(window.location.hash.slice(1))); } catch (e) { /* bad % */ }
    if (!target) return;
    for (var d = target.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;
    }
    // below the sticky header, as Material places a link's target (its :target margin is not
    // applied after an instant navigation, which changes the address without a new document)
    var header = document.querySelector(".md-header");
    var offset = (header ? header.getBoundingClientRect().bottom : 0) + 24;
    window.scrollTo(0, window.scrollY + target.getBoundingClientRect().top - offset);
  }
  function label(button, open) {
    button.setAttribute("aria-pressed", open ? "true" : "false");
    button.textContent = open ? "Fold all answers" : "Unfold all answers";
  }
  var printing = window.matchMedia("print");

  function setup() {
    var button = document.querySelector("button.nn-fold-switch");
    var open = unfolded() || printing.matches;
    if (!button) {
      // a page without the switch (the home page): its boxes follow the choice made on a chapter
      if (document.querySelector(BOXES)) { setAll(open); reveal(); }
      return;
    }
    setAll(open);
    reveal();
    label(button, unfolded());
    button.hidden = false;
    button.addEventListener("click", function () {
      var now = !unfolded();
      remember(now);
      setAll(now);
      label(button, now);
    });
  }

  function forPrint(on) { setAll(on || unfolded()); }
  window.addEventListener("hashchange", reveal);
  window.addEventListener("beforeprint", function () { forPrint(true); });
  window.addEventListener("afterprint", function () { forPrint(false); });
  printing.addEventListener("change", function (e) { forPrint(e.matches); });

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
