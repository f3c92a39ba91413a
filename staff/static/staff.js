// The staff console's only script: small enhancements; every page works without it.
"use strict";

// Transcript: "Load more messages" fetches the next rows and appends them (the link still works without it).
document.addEventListener("click", function (event) {
  var link = event.target instanceof Element ? event.target.closest("a.load-more[data-fragment]") : null;
  if (!link) { return; }
  var body = document.getElementById("messages");
  var row = link.closest("tr");
  if (!body || !row || !window.fetch) { return; }
  event.preventDefault();
  link.textContent = "Loading…";
  fetch(link.getAttribute("data-fragment"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    })
    .then(function (html) {
      var template = document.createElement("template");
      template.innerHTML = html;  // server-rendered, escaped rows from this origin
      row.remove();
      body.appendChild(template.content);
    })
    .catch(function () { window.location.href = link.href; });
});
