/* Student edition, first paint: fold the Answer, Why, Code and Errata boxes while the page is parsed.
 *
 * fold.js folds the boxes once Material has started, which on a long chapter comes a second or
 * more after the browser first paints the page: until then the answers showed. This script is
 * loaded in the page's <head> (nnnotes/sitebuild/theme/main.html) and closes each box as the
 * parser adds it. A MutationObserver's callback runs before the browser paints again, so no
 * frame shows a box open. It folds nothing when the reader chose "unfold all" or the page is
 * printed, and stops when the page is parsed: from then on fold.js rules (the switch, the boxes
 * around a linked target, print, instant navigation). It also marks the page (class nn-fold-js),
 * so that the switch, hidden until fold.js shows it, keeps its place meanwhile.
 */
(function () {
  "use strict";
  var BOXES = "details.answer, details.why, details.code, details.errata";
  if (window.matchMedia("print").matches) return;
  // the switch's place is kept (extra.css) until fold.js shows it, so the text does not move down
  document.documentElement.classList.add("nn-fold-js");
  try {
    if (window.localStorage.getItem("nnnotes.unfold") === "1") return;
  } catch (e) { /* private mode: fold, as fold.js does */ }

  function fold(node) {
    if (node.nodeType !== 1) return;
    if (node.matches(BOXES)) node.open = false;
    if (node.firstElementChild) {
      node.querySelectorAll(BOXES).forEach(function (d) { d.open = false; });
    }
  }
  var observer = new MutationObserver(function (records) {
    records.forEach(function (r) { r.addedNodes.forEach(fold); });
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () {
    observer.takeRecords().forEach(function (r) { r.addedNodes.forEach(fold); });
    observer.disconnect();
  });
})();
