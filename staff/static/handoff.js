// Hand-offs (staff/views/handoffs.py): keeps the queue and an open conversation up to date without reloading.
// Both pages work without it (a Refresh / reload link); the Content-Security-Policy allows only this file, no
// inline script. Message text is only ever set as textContent, never parsed as HTML.
"use strict";

(function () {
  var QUEUE_EVERY = 5000; // ms between queue refreshes (the server answers 204 when nothing changed)
  var CHAT_EVERY = 1000; // ms between polls of an open conversation
  var SLOWER = 10000; // after an error, wait this long before trying again

  function stopped(where, text) {
    if (where) { where.textContent = text; where.hidden = false; }
  }

  // --- the queue ---------------------------------------------------------------------------------
  var queue = document.getElementById("handoff-queue");
  var live = document.getElementById("handoff-live");
  var baseTitle = document.title;

  function announce(box) {
    var waiting = Number(box.getAttribute("data-waiting") || "0");
    var crisis = Number(box.getAttribute("data-crisis") || "0");
    document.title = (waiting ? "(" + waiting + ") " : "") + baseTitle;
    return waiting + " waiting" + (crisis ? ", " + crisis + " crisis" : "");
  }

  function refreshQueue() {
    var url = queue.getAttribute("data-refresh") + "?state=" + encodeURIComponent(queue.getAttribute("data-state") || "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.status === 204) { return null; }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        if (html !== null) {
          var template = document.createElement("template");
          template.innerHTML = html; // server-rendered and escaped, from this origin
          var fresh = template.content.getElementById("handoff-queue");
          if (!fresh) { // signed out: the answer was the sign-in page
            stopped(live, "");
            var note = document.createElement("p");
            note.className = "error";
            note.textContent = "This list stopped updating (you may have been signed out). Reload the page.";
            queue.parentNode.insertBefore(note, queue);
            return;
          }
          var focused = document.activeElement && queue.contains(document.activeElement) ? document.activeElement.id : "";
          var before = announce(queue);
          queue.replaceChildren.apply(queue, Array.prototype.slice.call(fresh.childNodes));
          ["data-state", "data-waiting", "data-crisis"].forEach(function (name) {
            queue.setAttribute(name, fresh.getAttribute(name) || "");
          });
          var after = announce(queue);
          if (live && after !== before) { live.textContent = "Hand-offs: " + after; }
          if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
        }
        window.setTimeout(refreshQueue, QUEUE_EVERY);
      })
      .catch(function () { window.setTimeout(refreshQueue, SLOWER); });
  }

  if (queue && window.fetch && queue.getAttribute("data-refresh")) {
    announce(queue);
    window.setTimeout(refreshQueue, QUEUE_EVERY);
  }

  // --- one conversation --------------------------------------------------------------------------
  var chat = document.getElementById("handoff-messages");
  var unsent = document.getElementById("handoff-unsent");
  var empty = document.getElementById("handoff-empty");
  var changed = document.getElementById("handoff-changed");
  var statusText = document.getElementById("handoff-status");
  var lastUnsent = null;
  var failing = false; // the last poll failed: its note goes once one works again

  function item(listClass, who, when, text) {
    var li = document.createElement("li");
    li.className = listClass;
    var name = document.createElement("span");
    name.className = "who";
    name.textContent = who;
    li.appendChild(name);
    if (when) {
      var time = document.createElement("span");
      time.className = "when";
      time.textContent = when;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(time);
    }
    var body = document.createElement("p");
    body.className = "text";
    body.textContent = text;
    li.appendChild(body);
    return li;
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
  }

  function show(data) {
    var stick = nearBottom();
    if (data.reset) {
      chat.replaceChildren();
      var note = item("msg note", "A new conversation started", "", "");
      chat.appendChild(note);
    }
    data.messages.forEach(function (m) {
      var li = item("msg " + m.sender, m.who, m.at, m.text);
      li.setAttribute("data-seq", String(m.seq));
      chat.appendChild(li);
    });
    chat.setAttribute("data-after", String(data.after));
    chat.setAttribute("data-conversation", data.conversation || "");
    if (empty) { empty.hidden = chat.children.length > 0; }
    var unsentKey = JSON.stringify(data.unsent);
    if (unsent && unsentKey !== lastUnsent) {
      lastUnsent = unsentKey;
      unsent.replaceChildren();
      data.unsent.forEach(function (u) { unsent.appendChild(item("msg staff " + u.status, u.label, "", u.text)); });
    }
    if (statusText) { statusText.textContent = data.status; }
    if (changed && data.state !== chat.getAttribute("data-state") && changed.hidden) {
      changed.textContent = "This hand-off changed: " + data.status + ". Reload the page to see what you can do now.";
      changed.hidden = false;
    }
    if (stick && data.messages.length) { window.scrollTo(0, document.body.scrollHeight); }
  }

  function poll() {
    var url = chat.getAttribute("data-poll") + "?after=" + encodeURIComponent(chat.getAttribute("data-after") || "0") +
      "&conversation=" + encodeURIComponent(chat.getAttribute("data-conversation") || "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (failing) { failing = false; changed.hidden = true; }
        show(data);
        window.setTimeout(poll, CHAT_EVERY);
      })
      .catch(function () {
        failing = Boolean(changed);
        stopped(changed, "New messages are not arriving (you may have been signed out). Reload the page.");
        window.setTimeout(poll, SLOWER);
      });
  }

  if (chat && window.fetch && chat.getAttribute("data-poll")) {
    window.setTimeout(poll, CHAT_EVERY);
  }

  // The reply box: Ctrl+Enter (or Cmd+Enter) sends; after taking over or sending, the page comes back at #reply-text, ready to type.
  var reply = document.getElementById("reply-text");
  if (reply) {
    reply.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && reply.form) {
        event.preventDefault();
        if (reply.form.reportValidity()) { reply.form.submit(); }
      }
    });
    if (window.location.hash === "#reply-text") { reply.focus(); }
  }
})();
