/* Scroll cue: a formula, table, figure, code block or check card wider than the column scrolls
 * sideways; a soft shadow on its left or right edge says that more of it is hidden on that side.
 *
 * Each such region gets the class nn-more-left and/or nn-more-right (docs/stylesheets/extra.css
 * draws the shadows as an inset box-shadow, which leaves the text's background colour, and so the
 * contrast checks, as they are). The classes follow the region's scroll position, the window's
 * width, a box being opened or folded, the web fonts arriving and Material's instant navigation
 * (the `document$` observable). Without JavaScript, or in print, nothing changes.
 */
(function () {
  "use strict";
  var REGIONS = "article div.arithmatex, article .md-typeset__scrollwrap, article pre > code, " +
    "article .nn-figure-frame, article .nn-check";
  var SLACK = 1; // px: sub-pixel widths round differently from one browser to another

  function mark(el) {
    var hidden = el.scrollWidth - el.clientWidth;
    var left = hidden > SLACK && el.scrollLeft > SLACK;
    var right = hidden > SLACK && el.scrollLeft < hidden - SLACK;
    el.classList.toggle("nn-more-left", left);
    el.classList.toggle("nn-more-right", right);
  }
  function markAll() {
    document.querySelectorAll(REGIONS).forEach(mark);
  }
  var pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; markAll(); });
  }

  // scroll events do not bubble, so listen in the capture phase for any region of the page
  document.addEventListener("scroll", function (e) {
    var el = e.target;
    if (el instanceof Element && el.matches(REGIONS)) mark(el);
  }, true);
  document.addEventListener("toggle", soon, true); // a <details> opened or folded
  window.addEventListener("resize", soon);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(soon);
  if (document.fonts && document.fonts.addEventListener) document.fonts.addEventListener("loadingdone", soon);

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(soon);
  } else {
    document.addEventListener("DOMContentLoaded", soon);
  }
})();
