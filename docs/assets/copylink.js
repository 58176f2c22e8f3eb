/* cortisone-kb: a visible "Copy link" next to every entry heading, for slides and course pages.
   The address is built from the heading's id, which comes from the KB id and never changes.
   Without JavaScript the heading's permalink (the pilcrow) still gives the same address. */
(function () {
  "use strict";

  function addressOf(id) {
    return location.origin + location.pathname + (id ? "#" + id : "");
  }

  function copy(button, text) {
    var done = function (ok) {
      button.textContent = ok ? "Link copied" : "Copy failed: use the address bar";
      window.setTimeout(function () { button.textContent = "Copy link"; }, 2500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
    } else {
      done(false);
    }
  }

  function addButtons() {
    var headings = document.querySelectorAll(".md-content .md-typeset h2[id]:not([data-kb-linked])");
    Array.prototype.forEach.call(headings, function (heading) {
      heading.setAttribute("data-kb-linked", "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kb-copy-link";
      button.textContent = "Copy link";
      button.setAttribute("aria-label", "Copy link to " + heading.textContent.replace(/\u00b6$/, "").trim());
      button.setAttribute("data-kb-address", addressOf(heading.id));
      button.addEventListener("click", function () { copy(button, button.getAttribute("data-kb-address")); });
      heading.appendChild(button);
    });
  }

  window.cortisoneKb.onPage(addButtons);
})();
