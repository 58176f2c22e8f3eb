/* cortisone-kb: when the reader opens the search box, ask for the whole search index (the worker fetches it
   on the first query); above the search results, say what search read when it corrected a word ("Showing results for
   palpation" is never silent) and which words the first result does not mention (a sign that nothing here
   covers the whole question). The search worker (assets/kb-search.js) sends both on the "kb-search" channel
   after each answer, to every open tab: the notice takes only the answer to its own box's query, and is built from
   text nodes only, so nothing the reader typed becomes markup. If the index could not be fetched, it says so and
   links the red flags. */
(function () {
  "use strict";

  var latest = null;
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("kb-search") : null;

  function notice() {
    var result = document.querySelector(".md-search-result");
    if (!result) return null;
    var box = result.querySelector(".kb-search-read");
    if (!box) {
      box = document.createElement("p");
      box.className = "kb-search-read";
      box.setAttribute("aria-live", "polite");
      var meta = result.querySelector(".md-search-result__meta");
      result.insertBefore(box, meta ? meta.nextSibling : result.firstChild);
    }
    return box;
  }

  function line(box, words, emphasis) {
    var part = document.createElement("span");
    part.className = "kb-search-read-line";
    part.appendChild(document.createTextNode(words));
    var strong = document.createElement("strong");
    strong.textContent = emphasis;
    part.appendChild(strong);
    box.appendChild(part);
  }

  // The site's root, from the theme's config (its `base` is relative to this page).
  function siteRoot() {
    var config = document.getElementById("__config");
    var base = ".";
    try { base = JSON.parse(config.textContent).base || "."; } catch (error) { /* the page's own folder */ }
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  // Online, the search worker fetches the whole index when the first query arrives (docs/assets/kb-search.js):
  // ask the browser for it as soon as the reader opens the search box, so it is usually there by the first key.
  var warmed = false;
  function warm() {
    if (warmed || location.protocol === "file:") return;
    warmed = true;
    fetch(new URL("search/kb-index.json", siteRoot()).href, {credentials: "same-origin"}).catch(function () {
      warmed = false;  // the worker's own fetch will say so
    });
  }

  function failed(box) {
    var part = document.createElement("span");
    part.className = "kb-search-read-line kb-search-failed";
    part.appendChild(document.createTextNode("Search could not load. For anything urgent, see the "));
    var link = document.createElement("a");
    link.href = new URL("red-flags/", siteRoot()).href;
    link.textContent = "red flags";
    part.appendChild(link);
    part.appendChild(document.createTextNode("; try the search again in a moment."));
    box.appendChild(part);
  }

  function draw() {
    var box = notice();
    if (!box) return;
    while (box.firstChild) box.removeChild(box.firstChild);
    var input = document.querySelector("input.md-search__input");
    if (!latest || !input || !input.value.trim()) { box.hidden = true; return; }
    if (latest.failed) { failed(box); box.hidden = false; return; }
    if (latest.read.length) {
      var shown = latest.query;
      latest.read.forEach(function (r) { shown = shown.replace(r.typed, r.as); });
      line(box, "Showing results for ", shown);
    }
    if (latest.lacking.length) line(box, "The first result does not mention ", latest.lacking.join(", "));
    box.hidden = !box.firstChild;
  }

  // The channel is shared by every open tab of the site: a reading is this page's only when it answers the query
  // in this page's box, so another tab searching at the same time never writes its query here.
  if (channel) channel.onmessage = function (event) {
    var data = event.data || {};
    var input = document.querySelector("input.md-search__input");
    if (!input || String(data.query || "").trim() !== input.value.trim()) return;
    latest = {query: String(data.query || ""), failed: data.failed === true,
              read: Array.isArray(data.read) ? data.read : [],
              lacking: Array.isArray(data.lacking) ? data.lacking.map(String) : []};
    latest.read = latest.read.filter(function (r) { return r && typeof r.typed === "string" && typeof r.as === "string"; });
    draw();
  };

  window.cortisoneKb.onPage(function () {
    var input = document.querySelector("input.md-search__input");
    if (input && !input.dataset.kbSearchNotice) {
      input.dataset.kbSearchNotice = "1";
      input.addEventListener("input", function () { if (!input.value.trim()) draw(); });
      input.addEventListener("focus", warm);
    }
    var toggle = document.getElementById("__search");
    if (toggle && !toggle.dataset.kbSearchWarm) {
      toggle.dataset.kbSearchWarm = "1";
      toggle.addEventListener("change", function () { if (toggle.checked) warm(); });
    }
  });
})();
