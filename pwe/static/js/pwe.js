/* Progressive enhancement only: every page works without this file.
   - moves focus to the error summary so screen reader users hear what to fix;
   - on portfolio and points pages, asks the server (the only authority on the rules) for the
     status of the current choice after each change and shows it in the live region. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

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

  form.addEventListener("change", showCost);
  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
})();
