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


def test_an_overdue_report_is_said_once_with_where_to_escalate(polling, servers):
    """A report to the platform made three days ago, in the US (the TAKE IT DOWN Act's 48
    hours): the next reply says so once, with the FTC."""
    import datetime as dt

    from cryptography.fernet import Fernet, MultiFernet

    from actions.caselog.case_file import CaseFile
    from bot.directory import load_directory

    chat = polling.new_chat()
    chat.say("someone posted fakes of me on reddit.com/r/somewhere/999 im 30 in texas")
    keys = [Fernet(k.strip()) for k in servers.env["OUTBOX_ENCRYPTION_KEYS"].split(",")]
    case_file = CaseFile.open(f"sqlite:///{servers.env['OUTBOX_PATH']}", MultiFernet(keys),
                              {p.id for p in load_directory().platforms})
    try:
        conversation = polling.ids.for_chat(chat.id)
        [place] = case_file.log.entries(conversation)
        three_days_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)
        case_file.log.add(conversation, "report", {"platform": "reddit", "at": three_days_ago,
                                                   "place": place.number})
    finally:
        case_file.close()
    first = chat.say("what else can i do")
    assert "passed its time limit" in first and "FTC" in first
    again = chat.say("what else can i do")
    assert "passed its time limit" not in again  # said once
