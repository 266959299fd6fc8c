/* nnnotes: filters of the verification report, by method and by chapter, without leaving the page.
   The controls are hidden in the HTML and shown here, so without JavaScript every check shows.
   Runs on every page load, including Material's instant navigation (document$). */
(function () {
  "use strict";

  function setup() {
    var box = document.querySelector(".nn-filter");
    if (!box || box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    var method = box.querySelector("#nn-filter-method");
    var chapter = box.querySelector("#nn-filter-chapter");
    var status = box.querySelector(".nn-filter__status");
    var sections = document.querySelectorAll(".nn-chapter");
    var total = document.querySelectorAll(".nn-check").length;

    function apply() {
      var shown = 0;
      sections.forEach(function (section) {
        var inChapter = chapter.value === "all" || section.getAttribute("data-chapter") === chapter.value;
        var visible = 0;
        section.querySelectorAll(".nn-check").forEach(function (card) {
          var show = inChapter && (method.value === "all" || card.getAttribute("data-method") === method.value);
          card.hidden = !show;
          if (show) visible += 1;
        });
        section.hidden = visible === 0;
        shown += visible;
      });
      status.textContent = "Showing " + shown + " of " + total + " checks.";
    }

    method.addEventListener("change", apply);
    chapter.addEventListener("change", apply);
    box.hidden = false;
    apply();
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
