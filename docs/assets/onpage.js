/* cortisone-kb: run page set-up on every page shown. Material's instant navigation swaps pages without
   reloading scripts, and announces each through document$; without it (offline copy, no theme script),
   set-up runs once the page is parsed. The site's only global: cortisoneKb.onPage(setUp). */
(function () {
  "use strict";
  function onPage(setUp) {
    if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
      window.document$.subscribe(function () { setUp(); });
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { setUp(); });
    } else {
      setUp();
    }
  }
  window.cortisoneKb = Object.freeze({ onPage: onPage });
})();
