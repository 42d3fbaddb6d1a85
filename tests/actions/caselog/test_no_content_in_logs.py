"""Nothing a person told the case file reaches a log line: not while adding, changing,
tracking, exporting (fpdf2 and fontTools included) or reminding, at any log level."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from actions.caselog.export import build_document
from actions.caselog.export_pdf import render_pdf
from actions.caselog.export_text import render_text
from actions.caselog.field_rules import FieldError
from actions.caselog.status_update import parse_status_update
from actions.caselog.tracking import overdue_reports
from tests.actions.caselog.conftest import NOW

CONVERSATION = "telegram-5550001"
SECRETS = {
    "link": "https://www.reddit.com/r/zqx_sub/comments/QQ77/",
    "description": "the photo from Zanzibar holiday",
    "demand": "pay Bartholomew 900 pounds",
    "username": "@quokka_whisperer",
    "reference": "REF-ZZ-48151623",
    "force": "Wessex Constabulary",
    "crime_reference": "CRN/424242/26",
    "officer": "DS Okonkwo",
    "missing_glyphs": "小明的账号",
    "cyrillic": "Жужелица",
    "reminder": "check the Zanzibar post",
}


@pytest.fixture
def every_log_line(caplog):
    caplog.set_level(logging.DEBUG)  # the root, and so every library's logger
    libraries = [logging.getLogger(name) for name in ("fontTools", "fpdf", "sqlalchemy")]
    levels = [library.level for library in libraries]
    for library in libraries:
        library.setLevel(logging.DEBUG)
    yield caplog
    for library, level in zip(libraries, levels):
        library.setLevel(level)


def test_no_content_is_logged_by_the_case_file(case_file, directory, every_log_line):
    log = case_file.log
    log.add(CONVERSATION, "place", {"link": SECRETS["link"], "platform": "reddit",
                                    "description": SECRETS["description"]},
            now=NOW - dt.timedelta(days=3))
    log.add(CONVERSATION, "threat", {"demand": SECRETS["demand"],
                                     "account": SECRETS["username"]})
    log.add(CONVERSATION, "account", {"username": SECRETS["missing_glyphs"]})
    log.add(CONVERSATION, "account", {"username": SECRETS["cyrillic"]})
    log.add(CONVERSATION, "report", {"platform": "reddit", "place": 1,
                                     "reference": SECRETS["reference"],
                                     "at": NOW - dt.timedelta(days=3)})
    log.add(CONVERSATION, "police", {"force": SECRETS["force"],
                                     "crime_reference": SECRETS["crime_reference"],
                                     "officer": SECRETS["officer"]})
    log.change(CONVERSATION, 2, "demand", SECRETS["demand"] + " now")
    with pytest.raises(FieldError):
        log.change(CONVERSATION, 2, "demand", SECRETS["demand"] + " data:image/png;base64,A")
    entries = log.entries(CONVERSATION)
    assert overdue_reports(entries, directory, "US", NOW)
    assert parse_status_update(f"the {SECRETS['link']} one is gone", entries, directory)
    document = build_document(entries, directory, "Example Charity", NOW)
    assert SECRETS["officer"] in render_text(document)
    assert render_pdf(document).startswith(b"%PDF")
    case_file.reminders.add(CONVERSATION, NOW + dt.timedelta(days=1),
                            text=SECRETS["reminder"], now=NOW)
    case_file.reminders.pending(CONVERSATION)
    case_file.erase(CONVERSATION)

    assert every_log_line.records, "the capture saw nothing: the test would prove nothing"
    logged = every_log_line.text
    for secret in list(SECRETS.values()) + [CONVERSATION, "Zanzibar", "quokka"]:
        assert secret not in logged
    # fpdf2 names glyphs a font lacks; fontTools lists every glyph it keeps (as "uni" and the hex code).
    for character in SECRETS["missing_glyphs"] + SECRETS["cyrillic"]:
        assert character not in logged
        for name in (f"uni{ord(character):04x}", f"\\u{ord(character):04x}"):
            assert name not in logged.lower()
