// The "Try it" page (staff/views/try_it.py): sends a message without reloading the page and adds the
// bot's answer with its inspector, rendered and escaped by the server. Without this file the form
// posts normally and the server renders the page again.
"use strict";

(function () {
  var form = document.getElementById("try-form");
  var list = document.getElementById("try-turns");
  var box = document.getElementById("try-message");
  var button = document.getElementById("try-send");
  var status = document.getElementById("try-status");
  var error = document.getElementById("try-error");
  var empty = document.getElementById("try-empty");
  if (!form || !list || !box || !button || !status || !error || !window.fetch || !window.FormData) { return; }

  function done(message) {
    button.disabled = false;
    status.textContent = message;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) { return; }
    if (!box.value.trim()) {
      error.textContent = "Type a message first.";
      box.focus();
      return;
    }
    var data = new FormData(form);
    error.textContent = "";
    button.disabled = true;
    status.textContent = "Sending…";
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": String(data.get("csrf_token") || "") }
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { error: "The console answered with an error (HTTP " + response.status + "). Reload the page." };
        });
      })
      .then(function (answer) {
        if (!answer || typeof answer.html !== "string") {
          error.textContent = (answer && answer.error) || "Something went wrong. Reload the page.";
          done("Not sent.");
          return;
        }
        var template = document.createElement("template");
        template.innerHTML = answer.html;  // rendered and escaped by the console itself
        list.appendChild(template.content);
        if (empty) { empty.hidden = true; }
        box.value = "";
        done("The bot answered (" + answer.turn.bot.length + " message" + (answer.turn.bot.length === 1 ? "" : "s") + ").");
        box.focus();
      })
      .catch(function () {
        error.textContent = "The console could not be reached. Check the connection and try again.";
        done("Not sent.");
      });
  });

  // Ctrl+Enter (or Cmd+Enter) sends, as in most chat boxes; Enter alone makes a new line.
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { button.click(); }
    }
  });
}());
