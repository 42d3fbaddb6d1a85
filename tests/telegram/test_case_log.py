"""The person's log on Telegram, through the real Rasa server and action server: a story's
link fills it, a copy arrives as a PDF file in the chat, and /clear deletes the file."""

from __future__ import annotations

from tests.support.pdf import pdf_text
from tests.telegram.fake_bot_api import joined


def test_a_copy_of_the_log_is_a_pdf_in_the_chat_and_goes_with_clear(polling):
    chat = polling.new_chat()
    told = chat.say("my ex posted my nudes on reddit.com/r/somewhere/123 im 24 in leeds")
    assert "private log (entry 1)" in told
    replies = chat.after(lambda: chat.send("send me a copy of my log"))
    [document] = [m for m in replies if m.document]
    assert document.document["filename"].startswith("case-log-")
    content = document.document["content"]
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Case log" in text and "reddit.com/r/somewhere/123" in text
    assert "the file below" in joined(replies)
    assert polling.bot.calls_to("sendDocument", chat.id)
    chat.after(lambda: chat.send("/clear"))
    assert document.deleted


def test_a_copy_as_text_stays_in_the_chat(polling):
    chat = polling.new_chat()
    chat.say("he shared it on x.com/someone/status/42 im 30 from cardiff")
    replies = chat.after(lambda: chat.send("can i have my log as text"))
    assert not [m for m in replies if m.document]
    assert "x.com/someone/status/42" in joined(replies)
