/* cortisone-kb worked cases: reveal a case step by step, check the self-test and print it with or without the
   answers. Everything a reader sees was drawn, escaped, by the page's template; this file only shows, hides and
   marks it, and writes nothing into the page but its own fixed words (textContent). Nothing is saved and nothing
   leaves the browser. Without this file every step and every answer shows. */
(function () {
  "use strict";

  var QUESTIONS = 2;
  var followCurrentHash = null;  // the shown case's handler: one listener serves every page of instant navigation

  window.addEventListener("hashchange", function () { if (followCurrentHash) followCurrentHash(); });

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }

  function setUp() {
    var root = document.querySelector("[data-kb-case]");
    if (!root) { followCurrentHash = null; return; }
    if (root.hasAttribute("data-kb-ready")) return;
    var steps = all(root, "[data-kb-step]");
    var reveals = all(root, "[data-kb-reveal]");
    var selfTest = root.querySelector("[data-kb-self-test]");
    var after = root.querySelector("[data-kb-case-after]");
    var score = root.querySelector("[data-kb-score]");
    var checkButton = root.querySelector('[data-kb-action="check"]');
    var againButton = root.querySelector('[data-kb-action="try-again"]');
    var printAnswers = root.querySelector("[data-kb-print-answers]");
    var shown = 0;  // how many steps are revealed, in order

    function show(count) {
      shown = Math.max(0, Math.min(steps.length, count));
      steps.forEach(function (step, i) { step.hidden = i >= shown; });
      reveals.forEach(function (button) {
        var index = steps.findIndex(function (step) { return step.getAttribute("data-kb-step") === button.getAttribute("data-kb-reveal"); });
        button.parentNode.hidden = index !== shown;  // only the next step can be revealed
        button.setAttribute("aria-expanded", String(index < shown));
      });
      // The self-test follows what was found; what the case teaches follows the last step.
      var found = steps.findIndex(function (step) { return step.getAttribute("data-kb-stage") === "found"; });
      selfTest.hidden = shown <= found;
      after.hidden = shown < steps.length;
    }

    function focusStep(index) {
      var heading = steps[index] && steps[index].querySelector("h2");
      if (heading) heading.focus({ preventScroll: true });
      if (heading) heading.scrollIntoView({ block: "start" });
    }

    function stepOfHash() {
      var id = decodeURIComponent(location.hash.slice(1));
      return steps.findIndex(function (step) { return step.getAttribute("data-kb-step") === id; });
    }

    function answers(hide) {
      all(root, "[data-kb-question]").forEach(function (question) {
        var answer = question.querySelector("[data-kb-answer]");
        answer.hidden = hide;
        all(question, "[data-kb-choice]").forEach(function (line) { line.classList.remove("kb-feedback--chosen"); });
        question.querySelector("[data-kb-result]").textContent = "";
        all(question, "input").forEach(function (input) { input.disabled = !hide; });
      });
    }

    function check() {
      var right = 0;
      all(root, "[data-kb-question]").forEach(function (question) {
        var chosen = question.querySelector("input:checked");
        var result = question.querySelector("[data-kb-result]");
        var line = chosen && question.querySelector('[data-kb-choice="' + chosen.value + '"]');
        var isRight = !!line && line.classList.contains("kb-feedback--right");
        if (line) line.classList.add("kb-feedback--chosen");
        right += isRight ? 1 : 0;
        result.textContent = !chosen ? "No answer chosen. The best answer is marked below."
          : isRight ? "Right." : "Not the best answer: see why below, and the best answer.";
        result.className = "kb-result " + (isRight ? "kb-result--right" : "kb-result--wrong");
        question.querySelector("[data-kb-answer]").hidden = false;
        all(question, "input").forEach(function (input) { input.disabled = true; });
      });
      score.textContent = "Score: " + right + " of " + QUESTIONS + ".";
      checkButton.hidden = true;
      againButton.hidden = false;
      score.focus({ preventScroll: false });
    }

    function tryAgain() {
      all(root, "[data-kb-question] input").forEach(function (input) { input.checked = false; });
      answers(true);
      score.textContent = "";
      checkButton.hidden = false;
      againButton.hidden = true;
      var first = root.querySelector("[data-kb-question] input");
      if (first) first.focus();
    }

    function print(withAnswers) {
      printAnswers.checked = withAnswers;
      window.print();
    }

    root.addEventListener("click", function (event) {
      var target = event.target.closest("button");
      if (!target || !root.contains(target)) return;
      var reveal = target.getAttribute("data-kb-reveal");
      var action = target.getAttribute("data-kb-action");
      if (reveal) {
        var index = steps.findIndex(function (step) { return step.getAttribute("data-kb-step") === reveal; });
        show(index + 1);
        focusStep(index);
      } else if (action === "reveal-all") {
        show(steps.length);
      } else if (action === "start-again") {
        tryAgain();
        show(0);
        var story = document.getElementById("kb-story");
        if (story) story.scrollIntoView({ block: "start" });
      } else if (action === "check") {
        check();
      } else if (action === "try-again") {
        tryAgain();
      } else if (action === "print-tutorial") {
        print(false);
      } else if (action === "print-tutor") {
        print(true);
      }
    });

    // A link to one step (cases/<case>/#<step>) opens the case with that step and those before it revealed.
    function followHash() {
      var index = stepOfHash();
      if (index >= 0) {
        if (index >= shown) show(index + 1);
        focusStep(index);
      }
    }
    followCurrentHash = followHash;

    score.setAttribute("tabindex", "-1");
    steps.forEach(function (step) {
      var heading = step.querySelector("h2");
      if (heading) heading.setAttribute("tabindex", "-1");
    });
    answers(true);
    show(0);
    root.setAttribute("data-kb-ready", "");
    followHash();
  }

  window.cortisoneKb.onPage(setUp);
})();
