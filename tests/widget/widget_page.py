"""The widget as a person uses it, through its shadow DOM (Playwright pierces open roots)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

REPLY_TIMEOUT_MS = 20_000


class Widget:
    """Launcher, conversation, message box and Exit, found by their accessible names."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def exit(self) -> Locator:
        return self.page.get_by_role("button", name="Exit this page")

    @property
    def log(self) -> Locator:
        return self.page.get_by_role("log", name="Conversation")

    @property
    def box(self) -> Locator:
        return self.page.get_by_role("textbox", name="Your message")

    def open(self, launcher: str = "Chat with us") -> None:
        self.page.get_by_role("button", name=launcher).click()
        expect(self.box).to_be_focused()

    def wait_for(self, text: str) -> None:
        expect(self.log).to_contain_text(text, timeout=REPLY_TIMEOUT_MS)

    def say(self, text: str) -> None:
        self.box.fill(text)
        self.box.press("Enter")

    def choose(self, title: str) -> None:
        self.log.get_by_role("button", name=title).last.click()

    def welcome(self) -> None:
        """Open the chat and wait for the assistant's welcome."""
        self.open()
        self.wait_for("Are you safe right now?")
