"""The widget's focus handling in real headless Chromium against a real Lantern (WCAG 2.2 2.4.11, 2.1.2).

On a phone the open chat covers the whole page, so it must be a modal dialog: Tab and
Shift+Tab stay in it, the page behind is inert, Escape minimises it and focus goes back
to the launcher. On a wide screen it sits beside the page and traps nothing.
"""

from __future__ import annotations

import re
import time
from typing import Dict, List, Optional

from tests.integration.test_widget import PHONE, TIMEOUT_MS, browser, demo, wait_bot_count  # noqa: F401 - fixture

DESKTOP = {"width": 1280, "height": 800}

# What has focus: a control in the widget (by its accessible name, or tag) or something of the host page.
FOCUS = """() => {
  const host = document.getElementById('lantern-widget');
  const a = document.activeElement;
  if (host && a === host) {
    const s = host.shadowRoot.activeElement;
    const name = s ? (s.getAttribute('aria-label') || s.textContent.trim() || s.tagName.toLowerCase()) : null;
    return {widget: true, name: name,
            tag: s ? s.tagName : null};
  }
  return {widget: false, name: a ? a.textContent.trim() : null, tag: a ? a.tagName : null};
}"""


def focus(page) -> Dict[str, Optional[str]]:
    return page.evaluate(FOCUS)


def page_inert(page) -> bool:
    """Is the host page's content (everything but the widget) inert?"""
    return page.evaluate("() => document.querySelector('main').inert")


def tab_through(page, key: str, presses: int) -> List[str]:
    """Press Tab (or Shift+Tab) and record where focus lands; it must never leave the widget."""
    names = []
    for _ in range(presses):
        page.keyboard.press(key)
        f = focus(page)
        assert f["widget"] and f["name"], f"{key} moved focus out of the chat, to the page's {f}"
        names.append(f["name"])
    return names


def follows(names: List[str], first: str, then: str) -> bool:
    return any(a.startswith(first) and b.startswith(then) for a, b in zip(names, names[1:], strict=False))


def _context(browser, viewport):  # noqa: F811 - the imported fixture's name
    context = browser.new_context(viewport=viewport, has_touch=viewport is PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def test_on_a_phone_the_open_chat_is_a_modal_dialog_that_keeps_focus(browser, lantern_channels):  # noqa: F811
    context = _context(browser, PHONE)
    page = context.new_page()
    try:
        page.goto(demo(lantern_channels, closed=True))
        launcher = page.get_by_role("button", name=re.compile("Chat with"))
        assert not page_inert(page)
        launcher.click()
        dialog = page.get_by_role("dialog", name="Lantern")  # role dialog, named by its heading
        dialog.wait_for()
        assert dialog.get_attribute("aria-modal") == "true"
        wait_bot_count(page, 1)
        assert page_inert(page)  # the covered page is out of reach: no focus, no clicks, not read out
        page.evaluate("() => document.querySelector('main a').focus()")
        assert focus(page)["widget"]  # a host-page link cannot take focus

        forward = tab_through(page, "Tab", 14)  # more presses than there are controls: it must wrap
        assert follows(forward, "Send", "Quick exit"), forward  # the last control wraps to the first
        assert {"Minimise chat", "Conversation", "textarea", "Clear chat"} <= set(forward)
        backward = tab_through(page, "Shift+Tab", 14)
        assert follows(backward, "Quick exit", "Send"), backward  # and the first back to the last

        # Escape minimises the chat: focus back on the launcher, the page usable again.
        page.get_by_role("textbox", name="Message").focus()
        page.keyboard.press("Escape")
        assert dialog.count() == 0 or not dialog.is_visible()
        assert launcher.evaluate("b => b.getRootNode().activeElement === b")
        assert launcher.get_attribute("aria-expanded") == "false"
        assert not page_inert(page)
        time.sleep(1.6)  # past the Esc-twice window, so the next Escape is not a Quick exit

        # Minimise does the same; reopening with the keyboard traps focus again.
        page.keyboard.press("Enter")
        dialog.wait_for()
        assert page_inert(page)
        page.get_by_role("button", name="Minimise chat").click()
        assert launcher.evaluate("b => b.getRootNode().activeElement === b")
        assert not page_inert(page)
        assert page.url.startswith(lantern_channels.settings.rasa_url)  # no Quick exit on the way
    finally:
        context.close()


def test_on_a_phone_a_chat_open_on_load_takes_focus(browser, lantern_channels):  # noqa: F811
    context = _context(browser, PHONE)
    page = context.new_page()
    try:
        page.goto(demo(lantern_channels))  # the demo opens the chat on load, over the page
        wait_bot_count(page, 1)
        assert page.get_by_role("dialog", name="Lantern").get_attribute("aria-modal") == "true"
        f = focus(page)
        assert f["widget"] and f["tag"] == "SECTION", f  # the dialog itself, so it is announced by name
        assert page_inert(page)
        page.keyboard.press("Tab")
        assert focus(page)["name"].startswith("Quick exit")
        page.keyboard.press("Shift+Tab")
        assert focus(page)["name"] == "Send"
    finally:
        context.close()


def test_on_a_wide_screen_the_chat_is_a_panel_beside_the_page(browser, lantern_channels):  # noqa: F811
    context = _context(browser, DESKTOP)
    page = context.new_page()
    try:
        page.goto(demo(lantern_channels, closed=True))
        launcher = page.get_by_role("button", name=re.compile("Chat with"))
        launcher.click()
        wait_bot_count(page, 1)
        panel = page.get_by_role("region", name="Lantern")
        assert panel.get_attribute("aria-modal") in (None, "false")
        assert page.get_by_role("dialog").count() == 0
        assert not page_inert(page)

        # No trap: Shift+Tab from the first control reaches the page, Tab from the last does not wrap.
        page.get_by_role("button", name=re.compile("Quick exit")).focus()
        page.keyboard.press("Shift+Tab")
        f = focus(page)
        assert not f["widget"] and f["tag"] == "A", f
        page.get_by_role("button", name="Send").focus()
        page.keyboard.press("Tab")
        f = focus(page)
        assert not (f["widget"] and (f["name"] or "").startswith("Quick exit")), f

        # Escape in the chat minimises it here too, and focus returns to the launcher.
        page.get_by_role("textbox", name="Message").focus()
        page.keyboard.press("Escape")
        assert launcher.evaluate("b => b.getRootNode().activeElement === b")
        time.sleep(1.6)

        # Turned into a phone-sized screen with the chat open: it becomes modal, and back again.
        launcher.click()
        panel.wait_for()
        page.set_viewport_size(PHONE)
        dialog = page.get_by_role("dialog", name="Lantern")
        dialog.wait_for()
        assert dialog.get_attribute("aria-modal") == "true" and page_inert(page)
        assert focus(page)["widget"]
        page.set_viewport_size(DESKTOP)
        page.get_by_role("region", name="Lantern").wait_for()
        assert page.get_by_role("region", name="Lantern").get_attribute("aria-modal") is None
        assert not page_inert(page)
    finally:
        context.close()
