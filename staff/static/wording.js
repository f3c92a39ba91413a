// The Wording page's checks as the trainer types (staff/views/wording.py). Loaded only on that page; the
// page works without it (the server shows the same findings after Add, Remove or Save, and re-checks on Save).
"use strict";

(function () {
  var DELAY_MS = 250;  // after the last keystroke: one request per pause, not one per letter
  var form = document.getElementById("wording-form");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-check-url");
  var token = form.querySelector("input[name=csrf_token]").value;
  var status = document.getElementById("check-status");
  var timer = null;
  var sent = 0;
  var shown = 0;

  function draft() {
    var variations = [];
    form.querySelectorAll("fieldset.variation").forEach(function (fieldset) {
      variations.push({
        text: fieldset.querySelector("textarea[name=text]").value,
        mi: fieldset.querySelector("select[name=mi]").value
      });
    });
    return { file: form.getAttribute("data-file"), key: form.getAttribute("data-key"), variations: variations };
  }

  // The same markup as the template's findings_list macro; text only, never HTML.
  function render(list, findings) {
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    findings.forEach(function (f) {
      var item = document.createElement("li");
      item.className = f.blocking ? "problem" : "advice";
      var title = document.createElement("strong");
      title.textContent = f.title;
      var fix = document.createElement("span");
      fix.className = "fix";
      fix.textContent = f.fix;
      item.appendChild(title);
      item.appendChild(document.createTextNode(": " + f.detail + ". "));
      item.appendChild(fix);
      list.appendChild(item);
    });
  }

  function show(result) {
    form.querySelectorAll("fieldset.variation").forEach(function (fieldset, index) {
      var findings = result.variations[index] || [];
      render(fieldset.querySelector("ul.checks"), findings);
      var bad = findings.some(function (f) { return f.blocking; });
      fieldset.querySelector("textarea[name=text]").setAttribute("aria-invalid", bad ? "true" : "false");
    });
    render(document.getElementById("checks-line"), result.line);
    status.textContent = result.ok ? "All checks pass." : "Fix the problems marked above before saving.";
  }

  function check() {
    var number = ++sent;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify(draft())
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (result) {
        if (number < shown) { return; }  // an older answer arriving late never replaces a newer one
        shown = number;
        show(result);
      })
      .catch(function () {
        if (number >= shown) { status.textContent = "The checks could not run just now; Save still checks everything."; }
      });
  }

  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, DELAY_MS);
  });
}());
