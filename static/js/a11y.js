// Keyboard and screen-reader help on every page (WCAG 2.1 AA, issue 13); the pages work without it.
// - A page sent back with errors puts focus on its error summary, which links to each field.
// - A box that scrolls sideways (a wide table, an e-mail) can be scrolled with the keyboard: it becomes a
//   focusable region named after its table's caption or the heading before it, for as long as it scrolls (a table
//   that scrolls itself, as on a phone, only becomes focusable).
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  var SCROLLERS = ".table-responsive, main table, main pre";
  var seq = 0;

  function idOf(el) {
    if (!el.id) { seq += 1; el.id = "scroll-label-" + seq; }
    return el.id;
  }

  function labelFor(box) {
    var caption = box.querySelector("caption");
    if (caption) { return idOf(caption); }
    var headings = Array.prototype.filter.call(document.querySelectorAll("main h1, main h2, main h3, main h4"),
      function (h) { return h.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING; });
    return headings.length ? idOf(headings[headings.length - 1]) : null;
  }

  function markScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
      var marked = box.hasAttribute("data-scroll-region");
      if (scrolls && !marked && !box.hasAttribute("tabindex")) {
        box.setAttribute("data-scroll-region", "");
        box.tabIndex = 0;
        if (box.tagName !== "TABLE") {  // a table keeps its role, and its caption names it
          box.setAttribute("role", "region");
          var label = labelFor(box);
          if (label) { box.setAttribute("aria-labelledby", label); }
        }
      } else if (!scrolls && marked) {
        box.removeAttribute("data-scroll-region");
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-labelledby");
      }
    });
  }

  markScrollers();
  window.addEventListener("resize", markScrollers);
  document.body.addEventListener("htmx:afterSettle", markScrollers);
})();
