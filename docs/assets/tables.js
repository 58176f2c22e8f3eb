/* cortisone-kb: a wide table scrolls sideways inside its wrapper; make that wrapper reachable by
   keyboard (and named for screen readers), so the hidden columns can be scrolled into view. */
(function () {
  "use strict";

  function label() {
    var wrappers = document.querySelectorAll(".md-typeset__scrollwrap");
    Array.prototype.forEach.call(wrappers, function (wrapper, index) {
      if (wrapper.hasAttribute("tabindex")) return;
      wrapper.setAttribute("tabindex", "0");
      wrapper.setAttribute("role", "region");
      // Landmarks need distinct names: number the tables of the page.
      wrapper.setAttribute("aria-label", "Table " + (index + 1) + " (scrolls sideways)");
    });
  }

  window.cortisoneKb.onPage(label);
})();
