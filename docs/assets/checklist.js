/* cortisone-kb checklist: saves marks in this browser only, counts progress, builds a summary.
   The page works without this file (plain form controls); nothing here talks to a network. */
(function () {
  "use strict";

  var STORAGE_VERSION = 1;
  var STATES = ["ruled-out", "suspected"];
  var FLAG_STATES = ["absent", "present"];
  // On a shared computer the next clinician must not open the last patient's checklist.
  var EXPIRY_MS = 12 * 60 * 60 * 1000;
  var UNDO_MS = 10 * 1000;

  function storageKey() {
    // One key per site copy, so two sites on one origin never share marks.
    var base = location.pathname.replace(/checklist\/(index\.html)?$|checklist\.html$/, "");
    return "cortisone-kb:" + base + ":checklist:v" + STORAGE_VERSION;
  }

  function keep(saved, known, states) {
    var kept = Object.create(null);  // no prototype: an id such as "constructor" is just a key
    if (!saved || typeof saved !== "object" || Array.isArray(saved)) return kept;
    Object.keys(saved).forEach(function (id) {
      // Ids that no longer exist, and unknown states, are ignored.
      if (known[id] && states.indexOf(saved[id]) !== -1) kept[id] = saved[id];
    });
    return kept;
  }

  function readSaved(known, knownFlags) {
    var raw, none = { marks: Object.create(null), flags: Object.create(null), note: "", saved: null };
    try { raw = localStorage.getItem(storageKey()); } catch (e) { return none; }
    if (raw === null) return none;
    try {
      var data = JSON.parse(raw);
      if (!data || data.version !== STORAGE_VERSION || typeof data.marks !== "object" || data.marks === null || Array.isArray(data.marks)) {
        throw new Error("foreign");
      }
      if (typeof data.saved !== "number" || !(Date.now() - data.saved < EXPIRY_MS) || data.saved > Date.now() + 60000) {
        try { localStorage.removeItem(storageKey()); } catch (ignored) { /* storage unavailable */ }
        none.note = "Marks saved more than 12 hours ago were cleared, so that the checklist starts empty for the next patient.";
        return none;
      }
      return { marks: keep(data.marks, known, STATES), flags: keep(data.flags, knownFlags, FLAG_STATES), note: "",
               saved: data.saved };
    } catch (e) {
      try { localStorage.removeItem(storageKey()); } catch (ignored) { /* storage unavailable */ }
      return { marks: Object.create(null), flags: Object.create(null), saved: null,
               note: "Saved checklist data in this browser was unreadable and has been discarded." };
    }
  }

  function save(marks, flags) {
    var now = Date.now();
    try {
      localStorage.setItem(storageKey(), JSON.stringify({ version: STORAGE_VERSION, saved: now, marks: marks, flags: flags }));
      return now;
    } catch (e) {
      return null;
    }
  }

  function when(time) {
    var saved = new Date(time), today = new Date();
    var clock = String(saved.getHours()).padStart(2, "0") + ":" + String(saved.getMinutes()).padStart(2, "0");
    var yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
    if (saved.toDateString() === today.toDateString()) return clock + " today";
    if (saved.toDateString() === yesterday.toDateString()) return clock + " yesterday";
    return clock + " on " + saved.toISOString().slice(0, 10);
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
    this.flags = Array.prototype.slice.call(root.querySelectorAll("[data-kb-flag]"));
    this.knownFlags = Object.create(null);
    this.flags.forEach(function (flag) { self.knownFlags[flag.getAttribute("data-kb-flag")] = flag; });
    this.flagAlert = root.querySelector("[data-kb-flag-alert]");
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

  Checklist.prototype.flagMarks = function () {
    var flags = Object.create(null);
    this.flags.forEach(function (flag) {
      var checked = flag.querySelector("input[type=radio]:checked");
      if (checked && FLAG_STATES.indexOf(checked.value) !== -1) flags[flag.getAttribute("data-kb-flag")] = checked.value;
    });
    return flags;
  };

  Checklist.prototype.applyFlags = function (flags) {
    this.flags.forEach(function (flag) {
      var state = flags[flag.getAttribute("data-kb-flag")] || "open";
      var input = flag.querySelector('input[type=radio][value="' + state + '"]');
      if (input) input.checked = true;
    });
  };

  Checklist.prototype.presentFlags = function () {
    var flags = this.flagMarks();
    return this.flags.filter(function (flag) { return flags[flag.getAttribute("data-kb-flag")] === "present"; });
  };

  Checklist.prototype.showFlags = function () {
    if (!this.flagAlert) return;
    var present = this.presentFlags();
    this.flagAlert.textContent = present.length ? "Red flag present: " + present.map(function (flag) {
      return plain(flag.querySelector(".kb-flag-title")) + " (" + flag.getAttribute("data-kb-urgency") + ")";
    }).join("; ") + ". Act on it before anything else: see its action below." : "";
    this.flagAlert.hidden = !present.length;
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

  Checklist.prototype.showSaved = function (time) {
    var el = this.root.querySelector("[data-kb-saved]");
    if (!el) return;
    el.textContent = time ? "Marks saved in this browser at " + when(time) + "; cleared after 12 hours." : "No marks saved.";
  };

  Checklist.prototype.reset = function () {
    this.apply({});
    this.applyFlags({});
    this.showFlags();
    this.summaryBox.hidden = true;
    this.summary.value = "";
    this.updateProgress();
    this.showSaved(null);
  };

  Checklist.prototype.newPatient = function () {
    var previous = null, self = this;
    try { previous = localStorage.getItem(storageKey()); localStorage.removeItem(storageKey()); } catch (e) { /* none */ }
    this.reset();
    this.tell("Checklist cleared for a new patient.");
    var undo = this.root.querySelector("[data-kb-undo]");
    if (!undo || previous === null) return;
    undo.hidden = false;
    clearTimeout(this.undoTimer);
    this.undoTimer = setTimeout(function () { undo.hidden = true; }, UNDO_MS);
    undo.onclick = function () {
      undo.hidden = true;
      try { localStorage.setItem(storageKey(), previous); } catch (e) { return; }
      var saved = readSaved(self.known, self.knownFlags);
      self.apply(saved.marks);
      self.applyFlags(saved.flags);
      self.showFlags();
      self.updateProgress();
      self.showSaved(saved.saved);
      self.tell("The previous marks are back.");
    };
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
    var flags = this.flagMarks();
    var present = this.presentFlags().map(function (flag) {
      return "- " + plain(flag.querySelector(".kb-flag-title")) + ": " + flag.getAttribute("data-kb-urgency");
    });
    var absent = this.flags.filter(function (flag) { return flags[flag.getAttribute("data-kb-flag")] === "absent"; }).length;
    var unassessed = this.flags.length - absent - present.length;
    var flagLines = present.length
      ? ["RED FLAGS PRESENT (" + present.length + "):"].concat(present,
          ["Other red flags: absent " + absent + ", not assessed " + unassessed])
      : ["Red flags: none marked present (absent " + absent + " of " + this.flags.length + ", not assessed " + unassessed + ")"];
    return [
      "Steroid injection without relief: re-evaluation checklist",
      "Date: " + date,
      "Checklist version: " + this.root.getAttribute("data-kb-version"),
      ""
    ].concat(flagLines, [
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
    ]).join("\n");
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
    this.reset();
    this.tell("All marks cleared.");
  };

  Checklist.prototype.start = function () {
    var saved = readSaved(this.known, this.knownFlags);
    this.apply(saved.marks);
    this.applyFlags(saved.flags);
    this.showFlags();
    this.showSaved(saved.saved);
    this.tell(saved.note);
    this.updateProgress();
    var self = this;
    this.root.addEventListener("change", function (event) {
      if (!event.target.matches("input[type=radio]")) return;
      self.updateProgress();
      self.showFlags();
      var saved = save(self.marks(), self.flagMarks());
      self.showSaved(saved);
      if (!saved) self.tell("This browser is not saving marks (storage is unavailable); they will be lost on reload.");
    });
    this.root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-kb-action]");
      if (!button) return;
      if (button.getAttribute("data-kb-action") === "copy") self.copySummary();
      if (button.getAttribute("data-kb-action") === "clear") self.clear();
      if (button.getAttribute("data-kb-action") === "new-patient") self.newPatient();
    });
    var tools = this.root.querySelector("[data-kb-tools]");
    if (tools && window.ResizeObserver) {
      var measure = function () {
        document.documentElement.style.setProperty("--kb-tools-height", tools.getBoundingClientRect().height + "px");
      };
      new ResizeObserver(measure).observe(tools);
      measure();
      if (location.hash) {
        // A deep link was followed before the tools were measured: land it again below them.
        var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
        if (target) target.scrollIntoView();
      }
    }
    this.root.setAttribute("data-kb-ready", "");
  };

  function setUp() {
    var root = document.querySelector("[data-kb-checklist]");
    if (!root || root.hasAttribute("data-kb-ready")) return;
    new Checklist(root).start();
  }

  window.cortisoneKb.onPage(setUp);
})();
