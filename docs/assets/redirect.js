/* cortisone-kb: an old page address leads to its entry's new page, keeping the #anchor it was opened with
   (a link to a facet of a renamed cause still lands on the facet). Loaded by the redirect pages only. */
(function () {
  "use strict";
  var link = document.querySelector("link[rel=canonical]");
  if (!link) return;
  var target = link.href;
  location.replace(target.indexOf("#") === -1 ? target + location.hash : target);
})();
