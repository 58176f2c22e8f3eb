/* cortisone-kb checklist: keeps answers in this browser only (12 hours at most), filters items by the
   chosen site, counts progress and builds a plain-text summary for a clinical note. It records and
   repeats what the clinician marked; it never scores or concludes. The page works without this file
   (plain form controls), and nothing here talks to a network. */
(function () {
  "use strict";

  // 3: items are answered by their scheme (a fact Yes / No, a judgement Unlikely / Likely), so answers saved by
  // version 2 (all Unlikely / Likely) are dropped rather than read under another scheme.
  var STORAGE_VERSION = 3;
  var POSITIVE = ["likely", "yes"];  // the answers that point to the cause: the finding is there
  // On a shared computer the next clinician must not open the last patient's checklist.
  var EXPIRY_MS = 12 * 60 * 60 * 1000;
  var UNDO_MS = 10 * 1000;
  var WIDTH = 100;  // characters per summary line: it must fit a clinical note
  var EXPIRED = "Answers saved more than 12 hours ago were cleared, so that the checklist starts empty for the next patient.";
  var STALE = "Changed since copied: copy again.";
  var AGE_CHECK_MS = 60 * 1000;

  function storageKey(version) {
    // One key per site copy, so two sites on one origin never share answers.
    var base = location.pathname.replace(/checklist\/(index\.html)?$|checklist\.html$/, "");
    return "cortisone-kb:" + base + ":checklist:v" + version;
  }

  function forget(version) {
    try { localStorage.removeItem(storageKey(version)); } catch (e) { /* storage unavailable */ }
  }

  function map() { return Object.create(null); }  // no prototype: an id such as "constructor" is just a key

  function isMap(value) { return !!value && typeof value === "object" && !Array.isArray(value); }

  function plain(node) {
    return (node ? node.textContent : "").replace(/\s+/g, " ").trim();
  }

  function pad(n) { return String(n).padStart(2, "0"); }

  function isoDate(date) { return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()); }

  function when(time) {
    var saved = new Date(time), today = new Date();
    var clock = pad(saved.getHours()) + ":" + pad(saved.getMinutes());
    var yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
    if (saved.toDateString() === today.toDateString()) return clock + " today";
    if (saved.toDateString() === yesterday.toDateString()) return clock + " yesterday";
    return clock + " on " + isoDate(saved);
  }

  // Lines of at most WIDTH characters: "Prefix: a; b; c", continued with an indent.
  function wrap(prefix, parts) {
    var lines = [], line = prefix;
    parts.forEach(function (part, i) {
      var piece = part + (i < parts.length - 1 ? ";" : "");
      var next = line === prefix ? line + piece : line + " " + piece;
      if (next.length > WIDTH && line.trim() !== prefix.trim()) {
        lines.push(line);
        line = "  " + piece;
      } else {
        line = next;
      }
    });
    lines.push(line);
    return lines;
  }

  function isPositive(state) { return POSITIVE.indexOf(state) !== -1; }

  function Checklist(root) {
    var self = this;
    this.root = root;
    this.items = Array.prototype.slice.call(root.querySelectorAll("[data-kb-item]"));
    this.flags = Array.prototype.slice.call(root.querySelectorAll("[data-kb-flag]"));
    this.byId = { item: map(), flag: map() };
    this.items.forEach(function (el) { self.byId.item[el.getAttribute("data-kb-item")] = el; });
    this.flags.forEach(function (el) { self.byId.flag[el.getAttribute("data-kb-flag")] = el; });
    this.fields = Array.prototype.slice.call(root.querySelectorAll("[data-kb-field]"));
    this.flagAlert = root.querySelector("[data-kb-flag-alert]");
    this.notice = root.querySelector("[data-kb-notice]");
    this.summaryBox = root.querySelector("[data-kb-summary-box]");
    this.facts = !!root.querySelector('[data-kb-answer="fact"]');
    this.summary = root.querySelector("[data-kb-summary]");
    this.tools = root.querySelector("[data-kb-tools]");
    this.bar = root.querySelector("[data-kb-bottom-bar]");
    this.named = Array.prototype.slice.call(root.querySelectorAll("[data-kb-flag-named]"));
    this.summaryState = root.querySelector("[data-kb-summary-state]");
    this.summaryFlags = root.querySelector("[data-kb-summary-flags]");
    this.opener = root.querySelector('[data-kb-action="open-summary"]');
    this.copied = null;   // the text the Copy button last put on the clipboard
    this.touched = null;  // when the answers shown were last saved (or would have been, without storage)
    this.kept = map();    // entries answered since the site was chosen: they stay in view even if unanswered again
  }

  Checklist.prototype.idOf = function (el) {
    return el.getAttribute(el.hasAttribute("data-kb-item") ? "data-kb-item" : "data-kb-flag");
  };

  Checklist.prototype.state = function (el) {
    var checked = el.querySelector("input[type=radio]:checked");
    return checked && checked.value !== "open" ? checked.value : "";
  };

  // The answers an entry offers, Not assessed aside: its scheme, as the page draws it.
  Checklist.prototype.answersOf = function (el) {
    return Array.prototype.map.call(el.querySelectorAll("input[type=radio]"), function (input) { return input.value; })
      .filter(function (value) { return value !== "open"; });
  };

  Checklist.prototype.setState = function (el, state) {
    var input = el.querySelector('input[type=radio][value="' + (state || "open") + '"]');
    if (input) input.checked = true;
  };

  // The answers as saved: each carries its question's fingerprint.
  Checklist.prototype.answers = function (els) {
    var out = map(), self = this;
    els.forEach(function (el) {
      var state = self.state(el);
      if (state) out[self.idOf(el)] = [state, el.getAttribute("data-kb-fp")];
    });
    return out;
  };

  Checklist.prototype.fieldValues = function () {
    var out = map();
    this.fields.forEach(function (field) {
      if (field.value !== "" && this.validField(field, field.value)) out[field.getAttribute("data-kb-field")] = field.value;
    }, this);
    return out;
  };

  Checklist.prototype.validField = function (field, value) {
    if (typeof value !== "string") return false;
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) { return option.value === value; });
    }
    var number = Number(value);
    return value.trim() !== "" && isFinite(number) && number >= Number(field.min) && number <= Number(field.max);
  };

  // Saved answers, dropping any whose question has been reworded since (returned as `changed`).
  Checklist.prototype.read = function () {
    var none = { fields: map(), answers: map(), flags: map(), changed: [], saved: null, note: "" };
    var raw, old = false;
    try {
      raw = localStorage.getItem(storageKey(STORAGE_VERSION));
      for (var version = 1; version < STORAGE_VERSION; version++) {
        if (localStorage.getItem(storageKey(version)) !== null) { old = true; forget(version); }
      }
    } catch (e) { return none; }
    if (old) {
      none.note = "Answers saved by an earlier version of this checklist were not carried over: its questions " +
        "were worded or answered differently. Please answer again.";
    }
    if (raw === null) return none;
    var data;
    try { data = JSON.parse(raw); } catch (e) { data = null; }
    if (!isMap(data) || data.version !== STORAGE_VERSION || !isMap(data.answers) || !isMap(data.flags) || !isMap(data.fields)) {
      forget(STORAGE_VERSION);
      none.note = "Saved checklist data in this browser was unreadable and has been discarded.";
      return none;
    }
    if (typeof data.saved !== "number" || !(Date.now() - data.saved < EXPIRY_MS) || data.saved > Date.now() + 60000) {
      forget(STORAGE_VERSION);
      none.note = EXPIRED;
      return none;
    }
    var out = { fields: map(), answers: map(), flags: map(), changed: [], saved: data.saved, note: none.note };
    var self = this;
    [["answers", this.byId.item], ["flags", this.byId.flag]].forEach(function (kind) {
      var saved = data[kind[0]], known = kind[1];
      Object.keys(saved).forEach(function (id) {
        var mark = saved[id];
        // Ids that no longer exist, and ill-formed answers or answers that are not one of this entry's own (a
        // "likely" saved for a fact answered Yes / No), are ignored.
        if (!known[id] || !Array.isArray(mark) || !self.answersOf(known[id]).includes(mark[0])) return;
        if (mark[1] === known[id].getAttribute("data-kb-fp")) out[kind[0]][id] = mark[0];
        else out.changed.push(known[id]);
      });
    });
    this.fields.forEach(function (field) {
      var name = field.getAttribute("data-kb-field"), value = data.fields[name];
      if (self.validField(field, value)) out.fields[name] = value;
    });
    return out;
  };

  Checklist.prototype.write = function () {
    var now = Date.now();
    this.touched = now;
    try {
      localStorage.setItem(storageKey(STORAGE_VERSION), JSON.stringify({
        version: STORAGE_VERSION, saved: now, fields: this.fieldValues(),
        answers: this.answers(this.items), flags: this.answers(this.flags)
      }));
      return now;
    } catch (e) {
      return null;
    }
  };

  Checklist.prototype.load = function (saved) {
    var self = this;
    this.items.forEach(function (el) { self.setState(el, saved.answers[self.idOf(el)]); });
    this.flags.forEach(function (el) { self.setState(el, saved.flags[self.idOf(el)]); });
    this.fields.forEach(function (field) { field.value = saved.fields[field.getAttribute("data-kb-field")] || ""; });
    this.root.querySelectorAll(".kb-changed").forEach(function (el) { self.unflag(el); });
    saved.changed.forEach(function (el) {
      el.classList.add("kb-changed");
      var note = document.createElement("p");
      note.className = "kb-changed-note";
      note.textContent = "Changed since you answered it: its wording is new, so your answer was removed. Please answer again.";
      el.querySelector(".kb-marks").after(note);
    });
    this.touched = saved.saved;
    this.refresh();
    this.showSaved(saved.saved);
  };

  Checklist.prototype.unflag = function (el) {
    el.classList.remove("kb-changed");
    var note = el.querySelector(".kb-changed-note");
    if (note) note.remove();
  };

  // --- the site filter ---------------------------------------------------------------------------

  Checklist.prototype.site = function () {
    var field = this.root.querySelector('[data-kb-field="site"]');
    return field ? field.value : "";
  };

  Checklist.prototype.siteName = function () {
    var field = this.root.querySelector('[data-kb-field="site"]');
    return field && field.value ? plain(field.options[field.selectedIndex]) : "";
  };

  // True when the chosen site is a joint this entry does not concern and it has not been answered: an answer
  // stays in view, in the alert, the note and on paper whatever site is chosen.
  Checklist.prototype.offSite = function (el) {
    var site = this.site(), joints = (el.getAttribute("data-kb-joints") || "").split(" ").filter(Boolean);
    return !!site && site !== "other" && joints.length > 0 && joints.indexOf(site) === -1 &&
      !this.state(el) && !this.kept[this.idOf(el)];
  };

  Checklist.prototype.applySite = function () {
    var self = this, name = this.siteName().toLowerCase(), site = this.site();
    // The patient's aftercare sheet for the chosen site: a link only, so no answer goes with it.
    Array.prototype.forEach.call(this.root.querySelectorAll("[data-kb-aftercare-joint]"), function (link) {
      link.classList.toggle("kb-shown", link.getAttribute("data-kb-aftercare-joint") === site);
    });
    this.items.concat(this.flags).forEach(function (el) {
      if (self.offSite(el)) el.setAttribute("data-kb-off-site", "Not applicable: does not concern the " + name);
      else el.removeAttribute("data-kb-off-site");
    });
  };

  Checklist.prototype.onSite = function (els) {
    return els.filter(function (el) { return !this.offSite(el); }, this);
  };

  // --- what the page shows ------------------------------------------------------------------------

  // A facet's next steps are on the page once, in its first item: the facet's other items borrow them
  // when marked Likely or Yes (a lean page on a phone).
  Checklist.prototype.steps = function (el) {
    return el.querySelector("[data-kb-next]") ||
      this.root.querySelector('[data-kb-facet="' + el.getAttribute("data-kb-facet") + '"] [data-kb-next]');
  };

  Checklist.prototype.lendSteps = function () {
    this.items.forEach(function (el) {
      if (!isPositive(this.state(el)) || el.querySelector("[data-kb-next]")) return;
      var steps = this.steps(el);
      if (steps) el.querySelector(".kb-marks").after(steps.cloneNode(true));
    }, this);
  };

  Checklist.prototype.refresh = function () {
    this.lendSteps();
    this.applySite();
    this.showFlags();
    this.updateProgress();
    this.showPrintValues();
    this.updateSummary();
  };

  Checklist.prototype.showFlags = function () {
    var present = this.present();
    if (this.flagAlert) {
      this.flagAlert.textContent = present.length ? "Red flag present: " + present.map(function (flag) {
        return plain(flag.querySelector(".kb-flag-title")) + " (" + flag.getAttribute("data-kb-urgency") + ")";
      }).join("; ") + ". Act on it before anything else: see its action below." : "";
      this.flagAlert.hidden = !present.length;
    }
    // The sticky tools (desktop) and the bottom bar (phone) name every present red flag, so it never scrolls away.
    var names = present.map(function (flag) { return plain(flag.querySelector(".kb-flag-title")); }).join("; ");
    this.named.forEach(function (link) {
      link.textContent = present.length ? (present.length === 1 ? "Red flag present: " : present.length +
        " red flags present: ") + names : "";
      link.setAttribute("href", "#" + (present.length ? present[0].id : "kb-red-flags"));
      link.hidden = !present.length;
    });
  };

  Checklist.prototype.present = function () {
    return this.onSite(this.flags).filter(function (el) { return this.state(el) === "present"; }, this);
  };

  Checklist.prototype.updateProgress = function () {
    var self = this, groups = map(), done = 0, items = this.onSite(this.items);
    this.items.forEach(function (item) {
      var group = item.closest(".kb-group"), progress = group && group.querySelector("[data-kb-progress-for]");
      var id = progress && progress.getAttribute("data-kb-progress-for");
      if (!id) return;
      var g = groups[id] = groups[id] || { total: 0, done: 0, likely: 0, yes: 0, off: 0 };
      if (self.offSite(item)) { g.off += 1; return; }
      var state = self.state(item);
      g.total += 1;
      g.done += state ? 1 : 0;
      g.likely += state === "likely" ? 1 : 0;
      g.yes += state === "yes" ? 1 : 0;
    });
    items.forEach(function (item) { done += self.state(item) ? 1 : 0; });
    Object.keys(groups).forEach(function (id) {
      var g = groups[id], el = this.root.querySelector('[data-kb-progress-for="' + id + '"]');
      el.textContent = g.done + " of " + g.total + " answered" + (g.yes ? " · " + g.yes + " found" : "") +
        (g.likely ? " · " + g.likely + " likely" : "") +
        (g.off ? " · " + g.off + " not applicable to this site (hidden)" : "");
    }, this);
    var text = done + " of " + items.length;
    var overall = this.root.querySelector("[data-kb-progress-overall]");
    if (overall) overall.textContent = text;
    var bar = this.root.querySelector("[data-kb-progress-bar]");
    if (bar) bar.textContent = text + " answered";
  };

  // The note shown is the note as the answers are now: once the box is open it follows every change, and says
  // when it no longer matches what was copied. Only the Copy button writes to the clipboard.
  Checklist.prototype.updateSummary = function () {
    if (this.summaryBox.hidden) return;
    var long = this.root.querySelector("[data-kb-long]");
    var text = this.summaryText(!!(long && long.checked));
    if (this.summary.value !== text) {
      this.summary.value = text;
      this.summary.rows = Math.min(text.split("\n").length + 1, 30);
    }
    if (this.summaryFlags) {
      // The red-flag line first, above the note and its Copy button, where the eye lands when the summary opens.
      var flagLines = this.flagLines();
      this.summaryFlags.textContent = flagLines.join("\n");
      this.summaryFlags.toggleAttribute("data-kb-present", this.present().length > 0);
    }
    this.showCopyState();
  };

  Checklist.prototype.showCopyState = function () {
    var state = this.copied === null ? "" : this.copied === this.summary.value ? "copied" : "stale";
    var lines = this.summary.value.split("\n").length;
    if (this.summaryState) {
      this.summaryState.textContent = state === "stale" ? STALE : "";
      this.summaryState.hidden = state !== "stale";
    }
    this.summaryBox.toggleAttribute("data-kb-stale", state === "stale");
    var bar = this.root.querySelector("[data-kb-progress-bar]");
    var shown = this.bar && getComputedStyle(this.bar).display !== "none";
    if (bar && shown && state) bar.textContent = state === "stale" ? STALE : "Summary copied";
    if (state === this.copyState) return;
    // The notice says "copied" only while the box holds the text that was copied.
    if (state === "stale") this.tell(STALE + " The summary shows the note as it is now.");
    else if (state === "copied" && this.copyState === "stale") {
      this.tell("Summary copied (" + lines + " lines). It is also shown in the summary.");
    }
    this.copyState = state;
  };

  Checklist.prototype.showPrintValues = function () {
    this.fields.forEach(function (field) {
      var out = this.root.querySelector('[data-kb-print-value="' + field.getAttribute("data-kb-field") + '"]');
      if (!out) return;
      out.textContent = field.value === "" ? "" : (field.tagName === "SELECT" ? plain(field.options[field.selectedIndex]) : field.value);
    }, this);
    var date = this.root.querySelector("[data-kb-print-date]");
    if (date) date.textContent = isoDate(new Date());
  };

  Checklist.prototype.tell = function (text) {
    if (!this.notice) return;
    this.notice.textContent = text;
    this.notice.hidden = !text;
  };

  Checklist.prototype.showSaved = function (time) {
    var el = this.root.querySelector("[data-kb-saved]");
    if (el) el.textContent = time ? "Saved in this browser at " + when(time) + "; cleared after 12 hours." : "Nothing saved.";
  };

  // --- the summary --------------------------------------------------------------------------------

  Checklist.prototype.fieldText = function (name) {
    var field = this.root.querySelector('[data-kb-field="' + name + '"]');
    if (!field || field.value === "") return "";
    return field.tagName === "SELECT" ? plain(field.options[field.selectedIndex]).toLowerCase() : field.value;
  };

  Checklist.prototype.fieldLines = function () {
    var t = this.fieldText.bind(this), site = this.site() ? this.siteName().toLowerCase() : "";
    if (this.site() === "" || this.site() === "other") site = site.replace(/ \(all items\)$/, "");
    var where = site ? "Site: " + site + (t("side") ? ", " + t("side") : "") : "Site: not recorded" + (t("side") ? " (" + t("side") + ")" : "");
    var weeks = t("weeks") ? t("weeks") + (t("weeks") === "1" ? " week" : " weeks") + " since injection" : "time since injection not recorded";
    var given = t("agent") || "steroid not recorded";
    var amount = [t("dose") ? t("dose") + " mg" : "", t("volume") ? t("volume") + " ml" : ""].filter(Boolean).join(", ");
    return [
      where + "; " + weeks + "; image guidance: " + (t("guided") || "not recorded"),
      "Given: " + given + (amount ? " " + amount : "") + "; anaesthetic-phase relief: " + (t("relief") || "not recorded")
    ];
  };

  Checklist.prototype.flagLines = function () {
    var self = this, flags = this.onSite(this.flags), present = this.present();
    var absent = flags.filter(function (el) { return self.state(el) === "absent"; }).length;
    var open = flags.length - absent - present.length;
    var lines = present.map(function (el) {
      return "RED FLAG PRESENT (" + el.getAttribute("data-kb-level") + "): " + plain(el.querySelector(".kb-flag-title"));
    });
    var scope = flags.length === this.flags.length ? "" : " for this site";
    if (!present.length && !open) lines.push("Red flags: all " + flags.length + scope + " absent");
    else lines.push((present.length ? "Other red flags" : "Red flags") + scope + ": " + absent + " absent, " + open + " not assessed");
    return lines;
  };

  // Each item marked with the answer that points to its cause, in the checklist's order, worded by its scheme: a fact
  // marked Yes is "Found: <label>" (a finding, not a probability), a judgement marked Likely is "Likely: <label>".
  // The other answers are listed by label under their scheme's word ("Not found: ...", "Unlikely: ...").
  Checklist.prototype.summaryText = function (long) {
    var self = this, items = this.onSite(this.items);
    var found = items.filter(function (el) { return isPositive(self.state(el)); });
    var negatives = { no: [], unlikely: [] };
    items.forEach(function (el) { var state = self.state(el); if (negatives[state]) negatives[state].push(el); });
    var na = items.filter(function (el) { return self.state(el) === "na"; }).length;
    var open = items.length - found.length - negatives.no.length - negatives.unlikely.length - na;
    var off = this.items.length - items.length;
    var lines = ["Steroid injection without relief: checklist record " + isoDate(new Date())];
    lines = lines.concat(this.flagLines(), this.fieldLines());
    found.forEach(function (el) {
      var word = el.getAttribute("data-kb-found") || "Likely";
      if (!long) {
        lines.push(word + ": " + el.getAttribute("data-kb-label") + ". Next: " + el.getAttribute("data-kb-key-step"));
        return;
      }
      lines.push(word + ": " + el.getAttribute("data-kb-label") + " (" + el.getAttribute("data-kb-cause") + "). Next steps:");
      self.steps(el).querySelectorAll("li").forEach(function (li) { lines.push("  - " + plain(li)); });
    });
    if (!found.length) lines.push(this.facts ? "Found or likely: none marked" : "Likely: none marked");
    ["no", "unlikely"].forEach(function (state) {
      var els = negatives[state];
      if (!els.length) return;
      var word = els[0].getAttribute("data-kb-not-found") || "Unlikely";
      lines = lines.concat(wrap(word + ": ", els.map(function (el) { return el.getAttribute("data-kb-label"); })));
    });
    var rest = ["Not assessed: " + open];
    if (na) rest.push("N/A: " + na);
    if (off) rest.push("not applicable to this site: " + off);
    lines.push(rest.join("; ") + " (of " + this.items.length + " items)");
    if (this.root.hasAttribute("data-kb-draft")) lines.push(this.root.getAttribute("data-kb-draft"));
    lines.push("Answers marked by the clinician. Educational aid, cortisone-kb " + this.root.getAttribute("data-kb-version") + ":");
    lines.push(this.root.getAttribute("data-kb-address") || location.href.split("#")[0]);
    return lines.join("\n");
  };

  // The summary opens where it is read: on a phone, a panel that slides up from the bottom bar; on a desktop, an area
  // of the page below the tools (never inside them, where it covered the form). Either has its own Copy and Close.
  Checklist.prototype.openSummary = function (focus) {
    var wasHidden = this.summaryBox.hidden;
    this.summaryBox.hidden = false;
    this.root.setAttribute("data-kb-summary-open", "");
    if (this.opener) this.opener.setAttribute("aria-expanded", "true");
    this.updateSummary();
    this.measure();
    if (wasHidden) {
      var rect = this.summaryBox.getBoundingClientRect(), clear = this.covers();
      if (rect.top < clear.top || rect.top > clear.bottom) this.summaryBox.scrollIntoView({ block: "start" });
    }
    if (focus) this.summaryBox.focus({ preventScroll: true });
  };

  Checklist.prototype.closeSummary = function () {
    if (this.summaryBox.hidden) return;
    var inside = this.summaryBox.contains(document.activeElement);
    this.summaryBox.hidden = true;
    this.root.removeAttribute("data-kb-summary-open");
    if (this.opener) this.opener.setAttribute("aria-expanded", "false");
    this.measure();
    if (inside) {
      var back = this.bar && getComputedStyle(this.bar).display !== "none" ? this.opener :
        this.tools.querySelector('[data-kb-action="copy"]');
      if (back) back.focus();
    }
  };

  Checklist.prototype.copySummary = function () {
    var self = this;
    this.openSummary(false);
    this.copied = null;
    this.updateSummary();
    var text = this.summary.value;
    var done = function (notice) {
      if (self.summary.value !== text) return;  // changed while the clipboard was busy: the box already says so
      self.copied = text;
      self.copyState = "copied";
      self.tell(notice);
      self.showCopyState();
    };
    var fallback = function () {
      self.summary.focus();
      self.summary.select();
      done("The summary is in the box: select it and copy it into your note.");
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () {
        done("Summary copied (" + text.split("\n").length + " lines). It is also shown in the summary.");
      }, fallback);
    } else {
      fallback();
    }
  };

  // --- clearing -------------------------------------------------------------------------------------

  Checklist.prototype.reset = function () {
    var self = this;
    this.items.concat(this.flags).forEach(function (el) { self.setState(el, ""); self.unflag(el); });
    this.fields.forEach(function (field) { field.value = ""; });
    this.closeSummary();
    this.summary.value = "";
    this.copied = null;
    this.copyState = "";
    this.touched = null;
    this.kept = map();
    this.refresh();
    this.showSaved(null);
  };

  // A tab left open must forget the last patient too: checked when the tab is shown or focused again, every
  // minute, and before any answer is saved, copied or printed. True when the answers shown were cleared.
  Checklist.prototype.forgetIfOld = function () {
    if (this.touched === null) return false;
    var age = Date.now() - this.touched;
    if (age < EXPIRY_MS && age > -60000) {
      this.showSaved(this.touched);  // "today" may have become "yesterday"
      return false;
    }
    var saved = this.read();  // clears what is saved, unless another tab has saved answers since
    this.reset();
    this.load(saved);
    this.tell(EXPIRED);
    return true;
  };

  Checklist.prototype.newPatient = function () {
    var previous = null, self = this;
    try { previous = localStorage.getItem(storageKey(STORAGE_VERSION)); } catch (e) { /* none */ }
    forget(STORAGE_VERSION);
    this.reset();
    this.tell("Checklist cleared for a new patient.");
    var undo = this.root.querySelector("[data-kb-undo]");
    if (!undo || previous === null) return;
    undo.hidden = false;
    clearTimeout(this.undoTimer);
    this.undoTimer = setTimeout(function () { undo.hidden = true; }, UNDO_MS);
    undo.onclick = function () {
      undo.hidden = true;
      try { localStorage.setItem(storageKey(STORAGE_VERSION), previous); } catch (e) { return; }
      self.load(self.read());
      self.tell("The previous answers are back.");
    };
  };

  // --- keeping focus and anchors clear of the sticky bars (WCAG 2.2, 2.4.11) -------------------------

  Checklist.prototype.covers = function () {
    var top = 0, bottom = window.innerHeight;
    var header = document.querySelector(".md-header");
    if (header) top = Math.max(top, header.getBoundingClientRect().bottom);
    if (this.tools && getComputedStyle(this.tools).position === "sticky") {
      var rect = this.tools.getBoundingClientRect();
      if (rect.top <= top + 1) top = Math.max(top, rect.bottom);
    }
    if (this.bar && getComputedStyle(this.bar).display !== "none") bottom = Math.min(bottom, this.bar.getBoundingClientRect().top);
    return { top: top, bottom: bottom };
  };

  Checklist.prototype.uncover = function (el) {
    if (!el || !el.getBoundingClientRect || (this.tools && this.tools.contains(el)) || (this.bar && this.bar.contains(el)) ||
        this.summaryBox.contains(el)) return;
    var target = el.closest(".kb-mark, .kb-field") || el, rect = target.getBoundingClientRect(), clear = this.covers();
    if (rect.top < clear.top) window.scrollBy(0, rect.top - clear.top - 8);
    else if (rect.bottom > clear.bottom) window.scrollBy(0, rect.bottom - clear.bottom + 8);
  };

  Checklist.prototype.measure = function () {
    var style = document.documentElement.style;
    if (this.tools) style.setProperty("--kb-tools-height", this.tools.getBoundingClientRect().height + "px");
    if (this.bar) style.setProperty("--kb-bar-height", (getComputedStyle(this.bar).display === "none" ? 0 : this.bar.getBoundingClientRect().height) + "px");
  };

  // --- paper ---------------------------------------------------------------------------------------------

  // On paper, Notes and Plan take the space the form leaves on its last page. While the page is laid out for print
  // (the print media query matches), the root's scroll height is one page's printable height and each box's
  // position counts pages end to end: the lines that fit below the form are added, half to each; none once printed.
  Checklist.prototype.fillNotes = function (printing) {
    var notes = this.root.querySelector("[data-kb-print-notes]");
    if (!notes) return;
    notes.querySelectorAll("[data-kb-added]").forEach(function (line) { line.remove(); });
    if (!printing) return;
    var page = document.documentElement.scrollHeight, model = notes.querySelector("[data-kb-notes-for]");
    var bottom = notes.getBoundingClientRect().bottom + window.scrollY, line = model.getBoundingClientRect().height;
    if (!(page > 0) || !(line > 0)) return;
    var left = Math.ceil(bottom / page) * page - bottom - 2, lines = Math.max(0, Math.floor(left / line));
    ["notes", "plan"].forEach(function (name, i) {
      var after = notes.querySelector('[data-kb-notes-for="' + name + '"]');
      for (var n = 0; n < (i === 0 ? Math.ceil(lines / 2) : Math.floor(lines / 2)); n++) {
        var copy = model.cloneNode(true);
        copy.removeAttribute("data-kb-notes-for");
        copy.setAttribute("data-kb-added", "");
        after.after(copy);
      }
    });
  };

  // --- deep links ------------------------------------------------------------------------------------

  // The entry a link's #anchor names, when the chosen site hides it: the page says so and offers to show it,
  // instead of landing nowhere. Otherwise the link lands again below the tools (measured only now).
  Checklist.prototype.followLink = function () {
    var box = this.root.querySelector("[data-kb-hidden-target]"), id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = ""; }
    var target = id ? document.getElementById(id) : null;
    var entry = target && this.root.contains(target) ? target.closest("[data-kb-item], [data-kb-flag]") : null;
    this.target = null;
    if (box) box.hidden = true;
    if (entry && entry.hasAttribute("data-kb-off-site") && box) {
      this.target = entry;
      box.querySelector("[data-kb-hidden-text]").textContent = "The " + (entry.hasAttribute("data-kb-flag") ? "red flag" :
        "item") + " this link points to (\u201c" + plain(entry.querySelector(".kb-ask")) + "\u201d) is hidden: it does not " +
        "concern the " + this.siteName().toLowerCase() + ", the site chosen.";
      box.hidden = false;
      this.measure();
      box.scrollIntoView({ block: "nearest" });
    } else if (target) {
      target.scrollIntoView();
    }
  };

  Checklist.prototype.showTarget = function () {
    var entry = this.target, box = this.root.querySelector("[data-kb-hidden-target]");
    if (box) box.hidden = true;
    if (!entry) return;
    this.kept[this.idOf(entry)] = true;  // shown until another site is chosen, like an entry answered here
    this.refresh();
    this.measure();
    entry.scrollIntoView({ block: "start" });
    var input = entry.querySelector("input:checked") || entry.querySelector("input");
    if (input) input.focus({ preventScroll: true });
    this.target = null;
  };

  // --- set-up -----------------------------------------------------------------------------------------

  Checklist.prototype.start = function () {
    var self = this, saved = this.read();
    this.load(saved);
    var changed = saved.changed.length;
    this.tell([saved.note, changed ? changed + (changed === 1 ? " item was" : " items were") +
      " reworded since you answered: " + (changed === 1 ? "its answer was" : "their answers were") +
      " removed, and " + (changed === 1 ? "it is" : "they are") + " marked \u201cChanged since you answered it\u201d." : ""]
      .filter(Boolean).join(" "));
    var onChange = function (event) {
      var target = event.target;
      if (target.matches("[data-kb-long]")) { self.updateSummary(); return; }
      if (!target.matches("input[type=radio], [data-kb-field]")) return;
      if (self.forgetIfOld()) return;  // the mark was made on the last patient's answers: they are gone
      var active = document.activeElement, before = self.root.contains(active) ? active.getBoundingClientRect().top : null;
      if (target.matches("input[type=radio]")) {
        var entry = target.closest("[data-kb-item], [data-kb-flag]");
        if (entry) { self.unflag(entry); self.kept[self.idOf(entry)] = true; }
      }
      if (target.matches('[data-kb-field="site"]')) self.kept = map();
      self.refresh();
      var time = self.write();
      self.showSaved(time);
      if (!time) self.tell("This browser is not saving answers (storage is unavailable); they will be lost on reload.");
      // The alert, the saved time and the named flag change above the control just used: keep it where it was.
      if (before !== null) {
        var shift = active.getBoundingClientRect().top - before;
        if (shift) window.scrollBy(0, shift);
        self.uncover(active);
      }
    };
    this.root.addEventListener("change", onChange);
    this.root.addEventListener("input", function (event) { if (event.target.matches("input[data-kb-field]")) onChange(event); });
    this.root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-kb-action]");
      if (!button) return;
      if (self.forgetIfOld()) return;
      var action = button.getAttribute("data-kb-action");
      if (action === "copy") self.copySummary();
      if (action === "new-patient") self.newPatient();
      if (action === "open-summary") {
        if (self.summaryBox.hidden) self.openSummary(true); else self.closeSummary();
      }
      if (action === "close-summary") self.closeSummary();
      if (action === "show-target") self.showTarget();
    });
    this.root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !self.summaryBox.hidden && self.summaryBox.contains(document.activeElement)) {
        self.closeSummary();
      }
    });
    this.root.addEventListener("focusin", function (event) { self.uncover(event.target); });
    // Window events outlive the page under instant navigation: each handler lets go once its checklist is gone.
    var onWindow = function (type, handler, target) {
      var on = target || window, listener = function (event) {
        if (!document.contains(self.root)) { on.removeEventListener(type, listener); return; }
        handler(event);
      };
      on.addEventListener(type, listener);
    };
    onWindow("beforeprint", function () { self.forgetIfOld(); self.showPrintValues(); });
    onWindow("focus", function () { self.forgetIfOld(); });
    onWindow("pageshow", function () { self.forgetIfOld(); });
    onWindow("visibilitychange", function () { if (document.visibilityState === "visible") self.forgetIfOld(); }, document);
    var timer = setInterval(function () {
      if (document.contains(self.root)) self.forgetIfOld(); else clearInterval(timer);
    }, AGE_CHECK_MS);
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function () { self.measure(); });
      if (this.tools) observer.observe(this.tools);
      if (this.bar) observer.observe(this.bar);
    }
    this.measure();
    onWindow("hashchange", function () { self.followLink(); });
    if (window.matchMedia) onWindow("change", function (event) { self.fillNotes(event.matches); }, window.matchMedia("print"));
    if (location.hash) this.followLink();
    this.root.setAttribute("data-kb-ready", "");
  };

  function setUp() {
    var root = document.querySelector("[data-kb-checklist]");
    if (!root || root.hasAttribute("data-kb-ready")) return;
    new Checklist(root).start();
  }

  window.cortisoneKb.onPage(setUp);
})();
