// Lantern's web chat widget. One <script> tag embeds it:
//   <script src="https://HOST/webhooks/widget/lantern-widget.js" defer data-exit-url="https://www.google.com/"></script>
// Options (data-* attributes on that tag):
//   data-server     Lantern's origin (default: where this script came from)
//   data-exit-url   where Quick exit goes (default https://www.google.com/)
//   data-title      the chat's name (default "Lantern")
//   data-open       "true": open the chat on page load
//
// Privacy: nothing goes to localStorage or cookies. The conversation lives in
// sessionStorage (this tab only, gone when it closes) and is wiped by "Clear chat"
// and by Quick exit. The session id is made by the server (random, with a tag only it
// can make) and kept here so a reload in this tab carries on the same conversation;
// the server gives a session to one live page at a time.
//
// On a narrow screen the open chat covers the page, so it is a modal dialog: the page
// behind is inert, Tab stays in the chat, Escape minimises it and focus goes back to
// the launcher. From WIDE up it is a panel in the corner beside the page (no trap).
import { io } from "socket.io-client";
import CSS from "./widget.css";

const STORE_KEY = "lantern-widget:v1";
const ESC_WINDOW_MS = 1500;
const MAX_KEPT = 200; // messages kept in sessionStorage
const WIDE = "(min-width: 600px)"; // widget.css: narrower than this, the open chat covers the page
const SESSION_SHAPE = /^[0-9a-f]{32,128}$/; // what a stored id may look like; the server decides if it is one of its own
const FOCUSABLE = "button:not([disabled]), a[href], textarea:not([disabled]), input:not([disabled]), " +
  "select:not([disabled]), [tabindex]:not([tabindex='-1'])";
const NOT_PAGE_CONTENT = new Set(["SCRIPT", "STYLE", "LINK", "META", "TEMPLATE", "HEAD", "NOSCRIPT"]);

function readConfig(script) {
  const data = (script && script.dataset) || {};
  let origin = window.location.origin;
  try {
    if (script && script.src) origin = new URL(script.src, window.location.href).origin;
  } catch (_) { /* keep the page's origin */ }
  return {
    server: data.server || origin,
    exitUrl: data.exitUrl || "https://www.google.com/",
    title: data.title || "Lantern",
    open: data.open === "true",
    greet: "/greet",
  };
}

function storage() {
  try {
    const s = window.sessionStorage;
    s.setItem(STORE_KEY + ":probe", "1");
    s.removeItem(STORE_KEY + ":probe");
    return s;
  } catch (_) {
    return null; // storage blocked: the chat still works, in memory only
  }
}

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children || []) if (child) node.appendChild(child);
  return node;
}

function telHref(number) {
  const digits = String(number).replace(/[^\d+]/g, "");
  return digits ? "tel:" + digits : null;
}

// Phone numbers in a bot message: ten-digit numbers in their usual spellings (1-800-662-4357,
// (614) 555-0100, +1 614 555 0100) and the three-digit lines 988, 911 and 211. On a phone a number that
// cannot be tapped has to be copied by hand.
const PHONE_RE = /(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}\b|\b(?:988|911|211)\b(?=[^\d]|$)/g;

// The message as a paragraph of text nodes and tel: links (DOM nodes, never HTML: bot text is not trusted markup).
function linkedText(text) {
  const p = el("p");
  let at = 0;
  for (const m of text.matchAll(PHONE_RE)) {
    const href = telHref(m[0]);
    if (!href) continue;
    if (m.index > at) p.appendChild(document.createTextNode(text.slice(at, m.index)));
    p.appendChild(el("a", { class: "tel", href, text: m[0] }));
    at = m.index + m[0].length;
  }
  if (at < text.length) p.appendChild(document.createTextNode(text.slice(at)));
  return p;
}

class LanternWidget {
  constructor(config) {
    this.cfg = config;
    this.store = storage();
    this.state = this.load() || this.fresh();
    this.socket = null;
    this.confirmed = false;
    this.queue = [];
    this.lastEsc = 0;
    this.modal = false;
    this.inertPage = []; // host-page elements this widget made inert (or aria-hidden), to restore
    this.pageObserver = null;
    this.onKey = this.onKey.bind(this);
    this.onFocusIn = this.onFocusIn.bind(this);
    this.onPageHide = this.onPageHide.bind(this);
    this.onPageShow = this.onPageShow.bind(this);
    this.render();
    document.addEventListener("keydown", this.onKey, true);
    document.addEventListener("focusin", this.onFocusIn, true);
    window.addEventListener("pagehide", this.onPageHide);
    window.addEventListener("pageshow", this.onPageShow);
    this.wide = window.matchMedia ? window.matchMedia(WIDE) : null;
    if (this.wide) {
      const onResize = () => this.updateModal(true);
      if (this.wide.addEventListener) this.wide.addEventListener("change", onResize);
      else if (this.wide.addListener) this.wide.addListener(onResize); // Safari 13
    }
    for (const msg of this.state.log) this.show(msg, false);
    if (this.cfg.open || this.state.open) this.open(false);
  }

  // -- state ------------------------------------------------------------------------------
  fresh() {
    return { sid: null, log: [], greeted: false, open: false }; // the server issues the id
  }

  load() {
    if (!this.store) return null;
    try {
      const value = JSON.parse(this.store.getItem(STORE_KEY) || "null");
      if (value && (value.sid === null || SESSION_SHAPE.test(value.sid)) && Array.isArray(value.log)) return value;
    } catch (_) { /* corrupt: start over */ }
    return null;
  }

  save() {
    if (!this.store || !this.state) return;
    this.state.log = this.state.log.slice(-MAX_KEPT);
    try { this.store.setItem(STORE_KEY, JSON.stringify(this.state)); } catch (_) { /* full: keep in memory */ }
  }

  wipe() {
    if (this.store) {
      try { this.store.removeItem(STORE_KEY); } catch (_) { /* nothing to wipe */ }
    }
    this.state = null;
    this.queue = [];
  }

  // -- DOM ----------------------------------------------------------------------------------
  render() {
    this.host = el("div", { id: "lantern-widget", "data-lantern-widget": "" });
    const root = this.host.attachShadow({ mode: "open" });
    if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", { text: CSS }));
    }
    const title = this.cfg.title;
    this.launcher = el("button", {
      class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "lw-panel",
      text: "Chat with " + title, onclick: () => this.open(true),
    });
    this.log = el("div", {
      class: "log", role: "log", "aria-live": "off", "aria-label": "Conversation", tabindex: "0",
    });
    this.announcer = el("div", { class: "sr-only", "aria-live": "polite", "aria-atomic": "false" });
    this.status = el("p", { class: "status", role: "status" });
    this.input = el("textarea", {
      id: "lw-input", rows: "2", maxlength: "2000", autocomplete: "off", enterkeyhint: "send",
      "aria-describedby": "lw-hint", onkeydown: (e) => {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.submit(); }
      },
    });
    // role and aria-modal are set by updateModal(): a modal dialog while it covers the page, else a region.
    this.panel = el("section", {
      id: "lw-panel", class: "panel", role: "region", "aria-labelledby": "lw-title", tabindex: "-1", hidden: true,
      onkeydown: (e) => this.trapTab(e),
    }, [
      el("header", {}, [
        el("h2", { id: "lw-title", text: title }),
        el("button", { class: "exit", type: "button", onclick: () => this.quickExit() }, [
          document.createTextNode("Quick exit"),
          el("span", { class: "sr-only", text: " (leaves this site now; or press Escape twice)" }),
        ]),
        el("button", { class: "minimise", type: "button", "aria-label": "Minimise chat", text: "\u2013", onclick: () => this.close() }),
      ]),
      el("p", { class: "note", id: "lw-hint", text: "Automated chat. Don't share your name or address. Esc twice leaves fast." }),
      this.log,
      this.status,
      el("form", { class: "compose", onsubmit: (e) => { e.preventDefault(); this.submit(); } }, [
        el("label", { for: "lw-input", class: "sr-only", text: "Message" }),
        this.input,
        el("div", { class: "actions" }, [
          el("button", { class: "clear", type: "button", text: "Clear chat", onclick: () => this.clear() }),
          el("button", { class: "send", type: "submit", text: "Send" }),
        ]),
      ]),
      this.announcer,
    ]);
    this.root = root;
    root.appendChild(el("div", { class: "lw" }, [this.launcher, this.panel]));
    (document.body || document.documentElement).appendChild(this.host);
  }

  open(focus) {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.state.open = true;
    this.save();
    this.connect();
    this.updateModal(false);
    if (focus) this.input.focus();
    else if (this.modal && !this.hasFocus()) this.panel.focus({ preventScroll: true }); // opened on load, covering the page
    this.scroll();
  }

  close() {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    if (this.state) { this.state.open = false; this.save(); }
    this.updateModal(false); // give the page back before focus goes to the launcher
    this.launcher.focus();
  }

  // -- modal while covering the page ------------------------------------------------------------
  covers() {
    return !this.panel.hidden && !(this.wide && this.wide.matches);
  }

  hasFocus() {
    return document.activeElement === this.host;
  }

  // Make the chat a modal dialog while it covers the page, a non-modal region otherwise.
  // `moveFocus`: the screen changed size under an open chat that now covers the page.
  updateModal(moveFocus) {
    const modal = this.covers();
    if (modal === this.modal) return;
    this.modal = modal;
    if (modal) {
      this.panel.setAttribute("role", "dialog");
      this.panel.setAttribute("aria-modal", "true");
      this.hidePage();
      if (moveFocus && !this.hasFocus()) this.panel.focus({ preventScroll: true });
    } else {
      this.panel.setAttribute("role", "region");
      this.panel.removeAttribute("aria-modal");
      this.showPage();
    }
  }

  // The page behind the chat: inert (no focus, no clicks, hidden from screen readers), or
  // aria-hidden where `inert` is unsupported (the Tab trap still keeps focus in the chat).
  hidePage() {
    this.showPage();
    for (let node = this.host; node.parentElement && node !== document.body; node = node.parentElement) {
      for (const sibling of node.parentElement.children) {
        if (sibling !== node) this.hideElement(sibling);
      }
    }
    if (window.MutationObserver && this.host.parentElement) {
      // Content the page adds while the chat covers it is hidden too.
      this.pageObserver = new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) if (n !== this.host && n.nodeType === 1) this.hideElement(n);
      });
      this.pageObserver.observe(this.host.parentElement, { childList: true });
    }
  }

  hideElement(node) {
    if (NOT_PAGE_CONTENT.has(node.tagName)) return;
    if ("inert" in HTMLElement.prototype) {
      if (node.inert) return; // the page's own: leave it as it is
      node.inert = true;
    } else {
      if (node.getAttribute("aria-hidden") === "true") return;
      node.setAttribute("aria-hidden", "true");
    }
    this.inertPage.push(node);
  }

  showPage() {
    if (this.pageObserver) { this.pageObserver.disconnect(); this.pageObserver = null; }
    for (const node of this.inertPage.splice(0)) {
      if ("inert" in HTMLElement.prototype) node.inert = false;
      else node.removeAttribute("aria-hidden");
    }
  }

  focusables() {
    return Array.from(this.panel.querySelectorAll(FOCUSABLE)).filter((n) => n.getClientRects().length > 0);
  }

  // Tab and Shift+Tab cycle inside the chat while it covers the page.
  trapTab(event) {
    if (event.key !== "Tab" || !this.modal) return;
    const items = this.focusables();
    if (!items.length) return;
    const i = items.indexOf(this.root.activeElement);
    if (event.shiftKey && i <= 0) {
      event.preventDefault();
      items[items.length - 1].focus();
    } else if (!event.shiftKey && (i === -1 || i === items.length - 1)) {
      event.preventDefault();
      items[0].focus();
    }
  }

  // Where `inert` is missing, focus that still reaches the page is brought back into the chat.
  onFocusIn(event) {
    if (!this.modal || event.target === this.host) return;
    const items = this.focusables();
    (items[0] || this.panel).focus({ preventScroll: true });
  }

  scroll() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  setStatus(text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  // Show one message. `msg`: {from: "bot" | "me", text, buttons, crisis, number, handoff}.
  // `handoff` (docs/handoffs.md): "staff" for a message a staff member wrote, "joined" / "left" for the notices.
  show(msg, announce) {
    const staff = msg.handoff === "staff";
    const notice = msg.handoff === "joined" || msg.handoff === "left";
    const who = staff ? "Staff" : this.cfg.title;
    const kind = msg.from + (msg.crisis ? " crisis" : "") + (staff ? " staff" : "") + (notice ? " notice" : "");
    const item = el("div", { class: "msg " + kind }, [
      el("span", { class: "sr-only", text: msg.from === "bot" ? who + " said: " : "You said: " }),
      staff ? el("span", { class: "who", "aria-hidden": "true", text: "Staff" }) : null,
      msg.text ? (msg.from === "bot" ? linkedText(msg.text) : el("p", { text: msg.text })) : null,
    ]);
    const href = msg.number && telHref(msg.number);
    if (href && msg.callButton) {
      item.appendChild(el("a", { class: "call", href, text: "Call " + msg.number }));
    }
    if (msg.buttons && msg.buttons.length) {
      const group = el("div", { class: "choices", role: "group", "aria-label": "Reply options" });
      for (const b of msg.buttons) {
        group.appendChild(el("button", {
          type: "button", text: b.title || b.payload, disabled: msg.answered ? true : null,
          onclick: () => this.choose(msg, b, group),
        }));
      }
      item.appendChild(group);
    }
    this.log.appendChild(item);
    if (announce && msg.from === "bot") {
      const words = [msg.text, href && msg.callButton ? "Call " + msg.number + " button." : "",
        msg.buttons && msg.buttons.length ? msg.buttons.length + " reply options." : ""].filter(Boolean).join(" ");
      this.announcer.appendChild(el("p", { text: words }));
      while (this.announcer.childNodes.length > 5) this.announcer.removeChild(this.announcer.firstChild);
    }
    this.scroll();
  }

  // -- conversation ---------------------------------------------------------------------------
  connect() {
    if (this.socket) return;
    this.setStatus("Connecting\u2026");
    const socket = io(this.cfg.server, {
      path: "/socket.io",
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelayMax: 10000,
    });
    this.socket = socket;
    socket.on("connect", () => {
      this.confirmed = false;
      socket.emit("session_request", { session_id: (this.state && this.state.sid) || null });
    });
    socket.on("session_confirm", (id) => {
      if (!this.state || socket !== this.socket || typeof id !== "string") return;
      // A different id from the one asked for: the server will not resume that conversation here
      // (it is open in another tab or window, or was not one of its ids), so start afresh.
      const restarted = !!this.state.sid && id !== this.state.sid;
      if (restarted) this.startedOver();
      if (id !== this.state.sid) { this.state.sid = id; this.save(); }
      this.confirmed = true;
      this.setStatus(restarted ? "This chat is open in another tab or window, or has ended, so a new one started here." : "");
      if (!this.state.greeted) {
        this.state.greeted = true;
        this.save();
        this.emit(this.cfg.greet);
      }
      const waiting = this.queue.splice(0);
      for (const q of waiting) this.emit(q.text, q.shown);
    });
    // The server asks the page holding a session whether it is still there before it lets
    // another page resume that session (see rasa_plugins/channels/widget.py).
    socket.on("session_check", (ack) => { if (typeof ack === "function" && socket === this.socket) ack(true); });
    socket.on("bot_uttered", (data) => this.receive(data));
    socket.on("disconnect", (reason) => {
      this.confirmed = false;
      if (!this.state || socket !== this.socket) return;
      this.setStatus("Connection lost. Trying again\u2026");
      if (reason === "io server disconnect") socket.connect(); // socket.io does not retry these by itself
    });
    socket.on("connect_error", () => this.setStatus("Can't reach the chat right now. Trying again\u2026"));
  }

  emit(text, shown) {
    if (this.socket && this.confirmed) {
      this.socket.emit("user_uttered", { message: text, session_id: this.state.sid });
    } else {
      this.queue.push({ text, shown });
      this.setStatus("Not connected yet. Your message will be sent when the connection is back.");
    }
  }

  // The server gave this tab a new session: what is shown is not a conversation it will carry on.
  startedOver() {
    const unsent = this.queue.splice(0).map((q) => q.shown).filter(Boolean);
    const open = this.state.open;
    this.state = this.fresh();
    this.state.open = open;
    this.log.textContent = "";
    this.announcer.textContent = "";
    if (unsent.length && !this.input.value) this.input.value = unsent.join("\n"); // not lost: send it again
  }

  receive(data) {
    if (!this.state || !data || typeof data !== "object") return;
    const custom = data.custom && typeof data.custom === "object" ? data.custom : null;
    const crisis = custom && typeof custom.crisis === "string" ? custom.crisis : null;
    const number = custom && custom.emergency_number ? String(custom.emergency_number) : null;
    const text = typeof data.text === "string" ? data.text : "";
    if (!text && !crisis && !(data.buttons && data.buttons.length)) return;
    // One call button per run of crisis messages with the same number, not one per message.
    const prev = this.state.log[this.state.log.length - 1];
    const callButton = !!(crisis && number && !(prev && prev.from === "bot" && prev.number === number && prev.crisis));
    const buttons = Array.isArray(data.buttons)
      ? data.buttons.filter((b) => b && (b.title || b.payload)).map((b) => ({ title: String(b.title || ""), payload: String(b.payload || b.title) }))
      : [];
    const handoff = custom && ["staff", "joined", "left"].includes(custom.handoff) ? custom.handoff : null;
    const msg = { from: "bot", text, crisis, number: crisis ? number : null, callButton, buttons, handoff };
    this.state.log.push(msg);
    this.save();
    this.show(msg, true);
    if (!this.marked && window.performance && performance.mark) {
      this.marked = true; // for bench/channels.py: time from navigation to the first bot message shown
      performance.mark("lantern:first-bot-message");
    }
  }

  submit() {
    const text = this.input.value.trim();
    if (!text || !this.state) return;
    this.input.value = "";
    this.say(text, text);
  }

  say(shown, sent) {
    const msg = { from: "me", text: shown };
    this.state.log.push(msg);
    this.save();
    this.show(msg, false);
    this.connect();
    this.emit(sent, shown);
  }

  choose(msg, button, group) {
    msg.answered = true;
    for (const b of group.querySelectorAll("button")) b.disabled = true;
    this.say(button.title || button.payload, button.payload);
    this.input.focus();
  }

  disconnect() {
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.disconnect();
      this.socket = null;
    }
    this.confirmed = false;
  }

  clear() {
    this.disconnect();
    this.wipe();
    this.state = this.fresh();
    this.state.open = true;
    this.log.textContent = "";
    this.announcer.textContent = "";
    this.save();
    this.setStatus("Chat cleared.");
    this.connect();
    this.input.focus();
  }

  quickExit() {
    this.disconnect();
    this.wipe();
    document.removeEventListener("keydown", this.onKey, true);
    document.removeEventListener("focusin", this.onFocusIn, true);
    this.modal = false;
    this.showPage();
    this.host.remove();
    try {
      document.title = "";
      if (document.body) document.body.textContent = "";
    } catch (_) { /* leaving anyway */ }
    window.location.replace(this.cfg.exitUrl);
  }

  // Escape once minimises the open chat when it has focus (always, while it covers the page):
  // the conversation is out of sight at once. Escape twice, anywhere, is Quick exit.
  onKey(event) {
    if (event.key !== "Escape" || event.isComposing) return;
    const now = Date.now();
    if (now - this.lastEsc <= ESC_WINDOW_MS) {
      event.preventDefault();
      this.quickExit();
      return;
    }
    this.lastEsc = now;
    if (!this.panel.hidden && (this.modal || this.hasFocus())) {
      event.preventDefault();
      this.close();
    }
  }

  // Leaving the page (reload, link): say so now, so the server frees the session for the next page.
  onPageHide() {
    if (this.socket && this.socket.connected) this.socket.disconnect();
  }

  // Back from the back/forward cache: the socket was closed on the way out.
  onPageShow(event) {
    if (event.persisted && this.socket && !this.socket.connected && this.state) this.socket.connect();
  }
}

(function start() {
  if (window.__lanternWidget) return;
  const script = document.currentScript || document.querySelector("script[src*='lantern-widget']");
  const config = readConfig(script);
  const boot = () => { window.__lanternWidget = true; new LanternWidget(config); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot, { once: true });
  else boot();
})();
