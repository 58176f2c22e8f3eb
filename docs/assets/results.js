/* cortisone-kb: search results lead to entries. The theme draws each page that has matches as a heading
   (a link to the top of the page) over the page's best entries. When entries are shown under it, the
   heading only names the page: it becomes a plain label, so every link in the list, and the Enter key
   and the arrow keys, lead to an entry that matched. A page that is itself the best match (the theme then
   shows its opening words) keeps its link. Results are drawn anew for every key typed; this watches the
   list and relabels each drawing. */
(function () {
  "use strict";

  var watched = new WeakSet();

  function relabel(list) {
    Array.prototype.forEach.call(list.querySelectorAll(".md-search-result__item"), function (item) {
      var heading = item.firstElementChild;
      var next = heading && heading.nextElementSibling;
      if (!heading || heading.tagName !== "A" || !next || next.tagName !== "A") return;
      var label = document.createElement("div");
      label.className = "md-search-result__link kb-result-page";
      while (heading.firstChild) label.appendChild(heading.firstChild);
      item.replaceChild(label, heading);
    });
  }

  function watch() {
    var list = document.querySelector(".md-search-result__list");
    if (!list || watched.has(list)) return;
    watched.add(list);
    relabel(list);
    new MutationObserver(function () { relabel(list); }).observe(list, { childList: true, subtree: true });
  }

  window.cortisoneKb.onPage(watch);
})();
