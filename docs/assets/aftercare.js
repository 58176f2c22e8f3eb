/* cortisone-kb aftercare sheet: what the clinician types in the boxes above the sheet goes onto its blank lines,
   and the print date is filled in. Nothing is stored or sent: a reload leaves every line blank again, and the
   checklist's answers never reach the sheet. Without this file the sheet prints with blank lines to fill in. */
(function () {
  "use strict";

  function printDate() {
    return new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  }

  function setUp() {
    var sheet = document.querySelector("[data-kb-aftercare]");
    var form = document.querySelector("[data-kb-aftercare-fill]");
    if (!sheet || !form || form.hasAttribute("data-kb-ready")) return;
    form.setAttribute("data-kb-ready", "");
    var date = sheet.querySelector("[data-kb-print-date]");
    if (date) date.textContent = printDate();
    Array.prototype.forEach.call(form.querySelectorAll("[data-kb-blank]"), function (input) {
      input.value = "";  // a page restored from the browser's cache starts blank too
      input.addEventListener("input", function () {
        var name = input.getAttribute("data-kb-blank");
        Array.prototype.forEach.call(sheet.querySelectorAll('[data-kb-blank-value="' + name + '"]'), function (line) {
          line.textContent = input.value.replace(/\s+/g, " ").trim();
        });
      });
    });
    var button = form.querySelector('[data-kb-action="print-aftercare"]');
    if (button) button.addEventListener("click", function () { window.print(); });
  }

  window.cortisoneKb.onPage(setUp);
})();
