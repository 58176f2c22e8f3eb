/* cortisone-kb checklist: saves marks in this browser only, counts progress, builds a summary.
   The page works without this file (plain form controls); nothing here talks to a network. */
(function () {
  "use strict";

  var STORAGE_VERSION = 1;
  var STATES = ["ruled-out", "suspected"];

  function storageKey() {
    // One key per site copy, so two sites on one origin never share marks.
    var base = location.pathname.replace(/checklist\/(index\.html)?$|checklist\.html$/, "");
    return "cortisone-kb:" + base + ":checklist:v" + STORAGE_VERSION;
  }

  function readSaved(known) {
    var raw;
    try { raw = localStorage.getItem(storageKey()); } catch (e) { return { marks: Object.create(null), note: "" }; }
    if (raw === null) return { marks: Object.create(null), note: "" };
    try {
      var data = JSON.parse(raw);
      if (!data || data.version !== STORAGE_VERSION || typeof data.marks !== "object" || data.marks === null || Array.isArray(data.marks)) {
        throw new Error("foreign");
      }
      var marks = Object.create(null);  // no prototype: an item id such as "constructor" is just a key
      Object.keys(data.marks).forEach(function (id) {
        // Ids that no longer exist, and unknown states, are ignored.
        if (known[id] && STATES.indexOf(data.marks[id]) !== -1) marks[id] = data.marks[id];
      });
      return { marks: marks, note: "" };
    } catch (e) {
      try { localStorage.removeItem(storageKey()); } catch (ignored) { /* storage unavailable */ }
      return { marks: Object.create(null), note: "Saved checklist data in this browser was unreadable and has been discarded." };
    }
  }

  function save(marks) {
    try {
      localStorage.setItem(storageKey(), JSON.stringify({ version: STORAGE_VERSION, marks: marks }));
      return true;
    } catch (e) {
      return false;
    }
  }

  function plain(node) {
    return (node ? node.textContent : "").replace(/\s+/g, " ").trim();
  }

  function Checklist(root) {
    this.root = root;
    this.items = Array.prototype.slice.call(root.querySelectorAll("[data-kb-item]"));
    this.known = Object.create(null);
    var self = this;
    this.items.forEach(function (item) { self.known[item.getAttribute("data-kb-item")] = item; });
    this.notice = root.querySelector("[data-kb-notice]");
    this.summaryBox = root.querySelector("[data-kb-summary-box]");
    this.summary = root.querySelector("[data-kb-summary]");
  }

  Checklist.prototype.marks = function () {
    var marks = Object.create(null);  // no prototype: an item id such as "constructor" is just a key
    this.items.forEach(function (item) {
      var checked = item.querySelector("input[type=radio]:checked");
      if (checked && STATES.indexOf(checked.value) !== -1) marks[item.getAttribute("data-kb-item")] = checked.value;
    });
    return marks;
  };

  Checklist.prototype.apply = function (marks) {
    this.items.forEach(function (item) {
      var state = marks[item.getAttribute("data-kb-item")] || "open";
      var input = item.querySelector('input[type=radio][value="' + state + '"]');
      if (input) input.checked = true;
    });
  };

  Checklist.prototype.tell = function (text) {
    if (!this.notice) return;
    this.notice.textContent = text;
    this.notice.hidden = !text;
  };

  Checklist.prototype.updateProgress = function () {
    var marks = this.marks();
    var total = 0, done = 0, groups = Object.create(null);
    this.items.forEach(function (item) {
      var group = item.closest("ol").previousElementSibling;
      var id = group && group.getAttribute("data-kb-progress-for");
      var marked = !!marks[item.getAttribute("data-kb-item")];
      total += 1; done += marked ? 1 : 0;
      if (id) {
        groups[id] = groups[id] || { total: 0, done: 0, suspected: 0 };
        groups[id].total += 1;
        groups[id].done += marked ? 1 : 0;
        groups[id].suspected += marks[item.getAttribute("data-kb-item")] === "suspected" ? 1 : 0;
      }
    });
    Object.keys(groups).forEach(function (id) {
      var el = this.root.querySelector('[data-kb-progress-for="' + id + '"]');
      var g = groups[id];
      el.textContent = g.done + " of " + g.total + " checked" + (g.suspected ? " · " + g.suspected + " suspected" : "");
    }, this);
    var overall = this.root.querySelector("[data-kb-progress-overall]");
    if (overall) overall.textContent = done + " of " + total;
  };

  Checklist.prototype.summaryText = function () {
    var marks = this.marks();
    var ruledOut = [], suspected = [], open = 0;
    this.items.forEach(function (item) {
      var state = marks[item.getAttribute("data-kb-item")];
      var cause = item.getAttribute("data-kb-cause");
      var line = plain(item.querySelector(".kb-facet-title")) + " (" + cause + ")";
      if (state === "ruled-out") ruledOut.push("- " + line);
      else if (state === "suspected") {
        var steps = Array.prototype.map.call(item.querySelectorAll("[data-kb-next] li"), function (li) {
          return "    - " + plain(li);
        });
        suspected.push("- " + line + "\n  Next steps:\n" + steps.join("\n"));
      } else open += 1;
    });
    var today = new Date();
    var date = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" + String(today.getDate()).padStart(2, "0");
    return [
      "Steroid injection without relief: re-evaluation checklist",
      "Date: " + date,
      "Checklist version: " + this.root.getAttribute("data-kb-version"),
      "",
      "Suspected (" + suspected.length + "):",
      suspected.length ? suspected.join("\n") : "- none",
      "",
      "Ruled out (" + ruledOut.length + "):",
      ruledOut.length ? ruledOut.join("\n") : "- none",
      "",
      "Not yet checked: " + open + " of " + this.items.length,
      "",
      "Educational aid, not medical advice."
    ].join("\n");
  };

  Checklist.prototype.copySummary = function () {
    var text = this.summaryText();
    var self = this;
    this.summary.value = text;
    this.summaryBox.hidden = false;
    var fallback = function () {
      self.summary.focus();
      self.summary.select();
      self.tell("The summary is in the box below: select it and copy it into your note.");
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () {
        self.tell("Summary copied to the clipboard. It is also shown below.");
      }, fallback);
    } else {
      fallback();
    }
  };

  Checklist.prototype.clear = function () {
    if (!window.confirm("Clear every mark on this checklist? This cannot be undone.")) return;
    try { localStorage.removeItem(storageKey()); } catch (e) { /* storage unavailable */ }
    this.apply({});
    this.summaryBox.hidden = true;
    this.summary.value = "";
    this.updateProgress();
    this.tell("All marks cleared.");
  };

  Checklist.prototype.start = function () {
    var saved = readSaved(this.known);
    this.apply(saved.marks);
    this.tell(saved.note);
    this.updateProgress();
    var self = this;
    this.root.addEventListener("change", function (event) {
      if (!event.target.matches("input[type=radio]")) return;
      self.updateProgress();
      if (!save(self.marks())) self.tell("This browser is not saving marks (storage is unavailable); they will be lost on reload.");
    });
    this.root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-kb-action]");
      if (!button) return;
      if (button.getAttribute("data-kb-action") === "copy") self.copySummary();
      if (button.getAttribute("data-kb-action") === "clear") self.clear();
    });
    this.root.setAttribute("data-kb-ready", "");
  };

  function setUp() {
    var root = document.querySelector("[data-kb-checklist]");
    if (!root || root.hasAttribute("data-kb-ready")) return;
    new Checklist(root).start();
  }

  window.cortisoneKb.onPage(setUp);
})();
