/* cortisone-kb: an old address whose entry moved lands on the entry's new place.
   The page carries an alias element with the old id and a link to the new place (see macros/hooks.py);
   without JavaScript the reader lands on that link. */
(function () {
  "use strict";

  function follow() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var alias = document.getElementById(id);
    var link = alias && alias.classList.contains("kb-moved") && alias.querySelector("a[data-kb-moved-to]");
    if (link) location.replace(link.href);
  }

  window.cortisoneKb.onPage(follow);
  window.addEventListener("hashchange", follow);
})();
