/* cortisone-kb: an address that points into a closed <details> (an injection site's row, sites/#knee-joint)
   opens it, on arrival and whenever the address changes; printing opens every site row, and closes again those
   that were closed. Without JavaScript each row still opens by click or keyboard, and print.css shows all. */
(function () {
  "use strict";

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    // The target is inside the row's <details>, or is the heading of an injection site's row.
    var row = target && target.closest(".kb-site");
    var details = target && (target.closest("details") || (row && row.querySelector("details")));
    if (!details || details.open) return;
    details.open = true;
    target.scrollIntoView();
  }

  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    closedForPrint = Array.prototype.filter.call(document.querySelectorAll("details.kb-site-details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (d) { d.open = false; });
    closedForPrint = [];
  });
  window.addEventListener("hashchange", openTarget);
  window.cortisoneKb.onPage(openTarget);
})();
