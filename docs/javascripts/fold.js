/* Student edition: the Answer, Why and Code boxes of a chapter are folded for a first try.
 *
 * The build emits every box open (<details open>), so a reader without JavaScript, or a printout,
 * sees everything. On each page load (Material's instant navigation re-renders pages through the
 * `document$` observable) this script folds the boxes unless the reader chose "unfold all", a
 * choice remembered in localStorage. Printing, or print media, opens every box.
 */
(function () {
  "use strict";
  var KEY = "nnnotes.unfold";
  var BOXES = "details.answer, details.why, details.code";

  function unfolded() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function remember(value) {
    try { window.localStorage.setItem(KEY, value ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  function setAll(open) {
    document.querySelectorAll(BOXES).forEach(function (d) { d.open = open; });
  }
  function label(button, open) {
    button.setAttribute("aria-pressed", open ? "true" : "false");
    button.textContent = open ? "Fold all answers" : "Unfold all answers";
  }
  var printing = window.matchMedia("print");

  function setup() {
    var button = document.querySelector("button.nn-fold-switch");
    if (!button) return;
    var open = unfolded() || printing.matches;
    setAll(open);
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
  window.addEventListener("beforeprint", function () { forPrint(true); });
  window.addEventListener("afterprint", function () { forPrint(false); });
  printing.addEventListener("change", function (e) { forPrint(e.matches); });

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
