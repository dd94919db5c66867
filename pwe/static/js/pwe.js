/* Progressive enhancement only: every page works without this file.
   Drafts are the server's: "Vorige", the language switch and Recalculate send the step's form,
   and the server keeps what was typed (pwe/services/drafts.py), so nothing is kept in the tab.
   - moves focus to the error summary so screen reader users hear what to fix;
   - on portfolio and points pages, asks the server (the only authority on the rules) for the
     status of the current choice after each change and shows it in the live region. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  // A focused field is shown whole, above the sticky summary of a phone (WCAG 2.2 SC 2.4.11):
  // the browser's own scrolling stops as soon as any part of the field is in view.
  function stickyCover() {
    var aside = document.getElementById("summary");
    if (!aside || window.getComputedStyle(aside).position !== "sticky") { return null; }
    var box = aside.getBoundingClientRect();
    return box.top > window.innerHeight / 2 ? box : null;
  }

  function showWhole(element) {
    var cover = stickyCover();
    if (cover && cover.height) {
      document.documentElement.style.scrollPaddingBottom = Math.ceil(cover.height + 8) + "px";
    }
    if (cover && document.getElementById("summary").contains(element)) { return; }
    var box = element.getBoundingClientRect();
    // Where the summary will be once stuck: near the top of its list it still sits lower, and it
    // moves up to the bottom edge as the page scrolls.
    var bottom = window.innerHeight - (cover ? cover.height : 0) - 8;
    if (box.bottom > bottom && box.height < bottom) {
      window.scrollBy(0, box.bottom - bottom);
    } else if (box.top < 0) {
      window.scrollBy(0, box.top - 8);
    }
  }

  document.addEventListener("focusin", function (event) {
    // after the summary has folded (below), so its height is the folded one
    window.setTimeout(function () { showWhole(event.target); }, 0);
  });
  // The live status can change the summary's height after the field was shown; show it again.
  var summaryBox = document.getElementById("summary");
  if (summaryBox && window.ResizeObserver) {
    new window.ResizeObserver(function () {
      var focused = document.activeElement;
      if (focused && focused !== document.body) { showWhole(focused); }
    }).observe(summaryBox);
  }

  // A portfolio page records that the respondent changed something, even if they end at the
  // base plan again: analysts tell "did not engage" from "advised the base plan".
  var stepForm = document.querySelector("form.pwe-step-form");
  var touchedField = stepForm && stepForm.querySelector('input[name="touched"]');
  if (touchedField) {
    stepForm.addEventListener("change", function () { touchedField.value = "1"; });
  }

  var form = document.querySelector("form.js-live");
  if (!form || !window.fetch || !window.FormData) { return; }
  var region = document.getElementById("live-summary");
  var url = form.getAttribute("data-check-url");
  var timer = null;
  var latest = 0;

  function refresh() {
    var ticket = ++latest;
    var body = new FormData(form);
    body.set("action", "check");
    fetch(url, { method: "POST", body: body, credentials: "same-origin",
                 headers: { "X-CSRFToken": body.get("csrf_token") || "" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && ticket === latest) { region.innerHTML = data.html; }
      })
      .catch(function () { /* the recalculate button still works */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  }

  // a card says what an option uses once chosen, and what it would use while it is not
  function showCost(event) {
    var box = event.target;
    if (box.type !== "checkbox") { return; }
    var card = box.closest(".pwe-option");
    if (!card) { return; }
    card.querySelectorAll(".pwe-cost").forEach(function (cost) {
      cost.hidden = (cost.getAttribute("data-when") === "chosen") !== box.checked;
    });
  }

  // On a phone the summary sticks to the bottom as one line; its heading button folds it open.
  // Moving on to a field folds it again, so it never covers the field in focus.
  var aside = document.getElementById("summary");
  var heading = document.getElementById("summary-heading");
  var toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "pwe-summary__toggle";
  toggle.setAttribute("aria-controls", "live-summary");
  toggle.textContent = heading.textContent;
  heading.textContent = "";
  heading.appendChild(toggle);

  function fold(collapsed) {
    aside.classList.toggle("pwe-summary--collapsed", collapsed);
    toggle.setAttribute("aria-expanded", String(!collapsed));
  }
  fold(true);
  toggle.addEventListener("click", function () {
    fold(!aside.classList.contains("pwe-summary--collapsed"));
  });
  form.addEventListener("focusin", function (event) {
    if (!aside.contains(event.target)) { fold(true); }
  });

  form.addEventListener("change", showCost);
  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
})();
