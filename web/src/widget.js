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
// and by Quick exit. The session id is 128 random bits from crypto.getRandomValues:
// it is the only key to the conversation, so nobody can guess another person's.
import { io } from "socket.io-client";
import CSS from "./widget.css";

const STORE_KEY = "lantern-widget:v1";
const ESC_WINDOW_MS = 1500;
const MAX_KEPT = 200; // messages kept in sessionStorage

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

function newSessionId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
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

class LanternWidget {
  constructor(config) {
    this.cfg = config;
    this.store = storage();
    this.state = this.load() || this.fresh();
    this.socket = null;
    this.confirmed = false;
    this.queue = [];
    this.lastEsc = 0;
    this.onKey = this.onKey.bind(this);
    this.render();
    document.addEventListener("keydown", this.onKey, true);
    for (const msg of this.state.log) this.show(msg, false);
    if (this.cfg.open || this.state.open) this.open(false);
  }

  // -- state ------------------------------------------------------------------------------
  fresh() {
    return { sid: newSessionId(), log: [], greeted: false, open: false };
  }

  load() {
    if (!this.store) return null;
    try {
      const value = JSON.parse(this.store.getItem(STORE_KEY) || "null");
      if (value && /^[0-9a-f]{32}$/.test(value.sid) && Array.isArray(value.log)) return value;
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
    this.panel = el("section", { id: "lw-panel", class: "panel", role: "region", "aria-labelledby": "lw-title", hidden: true }, [
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
    if (focus) this.input.focus();
    this.scroll();
  }

  close() {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.state.open = false;
    this.save();
    this.launcher.focus();
  }

  scroll() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  setStatus(text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  // Show one message. `msg`: {from: "bot" | "me", text, buttons, crisis, number}.
  show(msg, announce) {
    const item = el("div", { class: "msg " + msg.from + (msg.crisis ? " crisis" : "") }, [
      el("span", { class: "sr-only", text: msg.from === "bot" ? this.cfg.title + " said: " : "You said: " }),
      msg.text ? el("p", { text: msg.text }) : null,
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
      socket.emit("session_request", { session_id: this.state.sid });
    });
    socket.on("session_confirm", (id) => {
      if (!this.state || socket !== this.socket) return;
      if (typeof id === "string" && id !== this.state.sid) { this.state.sid = id; this.save(); }
      this.confirmed = true;
      this.setStatus("");
      if (!this.state.greeted) {
        this.state.greeted = true;
        this.save();
        this.emit(this.cfg.greet);
      }
      const waiting = this.queue.splice(0);
      for (const text of waiting) this.emit(text);
    });
    socket.on("bot_uttered", (data) => this.receive(data));
    socket.on("disconnect", () => {
      this.confirmed = false;
      if (this.state) this.setStatus("Connection lost. Trying again\u2026");
    });
    socket.on("connect_error", () => this.setStatus("Can't reach the chat right now. Trying again\u2026"));
  }

  emit(text) {
    if (this.socket && this.confirmed) {
      this.socket.emit("user_uttered", { message: text, session_id: this.state.sid });
    } else {
      this.queue.push(text);
      this.setStatus("Not connected yet. Your message will be sent when the connection is back.");
    }
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
    const msg = { from: "bot", text, crisis, number: crisis ? number : null, callButton, buttons };
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
    this.emit(sent);
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
    this.host.remove();
    try {
      document.title = "";
      if (document.body) document.body.textContent = "";
    } catch (_) { /* leaving anyway */ }
    window.location.replace(this.cfg.exitUrl);
  }

  onKey(event) {
    if (event.key !== "Escape") return;
    const now = Date.now();
    if (now - this.lastEsc <= ESC_WINDOW_MS) {
      event.preventDefault();
      this.quickExit();
    } else {
      this.lastEsc = now;
    }
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
