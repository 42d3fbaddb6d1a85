"""Every field is checked, bounded and cleaned; nothing that looks like an image is kept."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from actions.caselog.entries import Place, PoliceContact, Report, Threat
from actions.caselog.field_rules import (
    FieldError,
    changed_record,
    clean_link,
    clean_moment,
    clean_text,
    looks_like_an_image,
    make_record,
)
from tests.actions.caselog.conftest import NOW

PLATFORMS = {"reddit", "meta", "x"}
PNG = base64.b64encode(bytes(range(256)) * 2).decode()


@pytest.mark.parametrize("raw, kept", [
    ("  he said   pay me\n\tor else ", "he said pay me or else"),
    ("nul\x00byte", "nulbyte"),
    ("bell\x07 and escape\x1b[31m", "bell and escape[31m"),
    # A right-to-left override could make "exe.txt" read as "txt.exe" in the export.
    ("file\u202etxt.exe", "filetxt.exe"),
    ("zero\u200bwidth", "zerowidth"),
    ("e\u0301", "\u00e9"),                       # normalised to one character
    ("Привет, это я", "Привет, это я"),          # any script is kept
    ("   ", None),
])
def test_text_is_cleaned(raw, kept):
    assert clean_text(raw, "description") == kept


@pytest.mark.parametrize("value", [42, b"bytes", ["a"], {"a": 1}, True])
def test_only_text_is_text(value):
    with pytest.raises(FieldError) as error:
        clean_text(value, "description")
    assert error.value.reason == "not_text"


def test_text_has_a_length_limit_per_field():
    assert clean_text("x" * 100, "username") == "x" * 100
    with pytest.raises(FieldError) as error:
        clean_text("x" * 101, "username")
    assert (error.value.field, error.value.reason) == ("username", "too_long")
    assert clean_text("word " * 200, "demand")  # 1000 characters of demand fit


@pytest.mark.parametrize("value", [
    "data:image/png;base64,iVBORw0KGgo=",
    "look: DATA:image/jpeg;base64,/9j/4AAQ",
    "data:,hello",
    "data: text/plain , hi",
    f"here it is {PNG}",
    "\x89PNG\r\n\x1a\n",
    "\xff\xd8\xff\xe0 JFIF",
    "GIF89a....",
    "see attached \x89PNG\r\n\x1a\n",
    "RIFF\x00\x00WEBPVP8",
    "<svg xmlns='http://www.w3.org/2000/svg'>",
    "\n".join(PNG[i:i + 76] for i in range(0, 400, 76)),   # base64 in lines, as in mail
])
def test_anything_that_looks_like_an_image_is_refused(value):
    assert looks_like_an_image(value)
    for field in ("description", "link", "demand"):
        with pytest.raises(FieldError) as error:
            clean_text(value, field)
        assert error.value.reason == "image"


@pytest.mark.parametrize("value", [
    "da\u200bta:image/png;base64,iVBORw0KGgo=",              # hidden by a zero-width space
    "data\u2060:image/png;base64,iVBORw0KGgo=",
])
def test_an_invisible_character_cannot_hide_an_image(value):
    with pytest.raises(FieldError) as error:
        clean_text(value, "description")
    assert error.value.reason == "image"


@pytest.mark.parametrize("value", [
    "https://www.reddit.com/r/something/comments/abc123/title_here/",
    "the account is database_admin and he wrote data science",
    "a" * 250,                                   # long, but not base64 of a file
    "https://example.com/" + "AbC1" * 10,
    "I paid 500 to John on Friday and he said he wants 1000 more by Monday. " * 12,
])
def test_ordinary_text_is_not_an_image(value):
    assert not looks_like_an_image(value)


@pytest.mark.parametrize("link", [
    "https://www.reddit.com/r/sub/comments/abc123/",
    "http://example.org",
    "reddit.com/r/sub/comments/abc",
    "www.tiktok.com/@someone/video/123",
    "t.me/somechannel",
    "HTTPS://EXAMPLE.COM/Path?q=1#frag",
    "example.com:8080/x",
])
def test_web_links_are_kept_as_typed(link):
    assert clean_link(link, "link") == link


@pytest.mark.parametrize("link", [
    "javascript:alert(1)",
    "file:///etc/passwd",
    "blob:https://web.whatsapp.com/1234",
    "ftp://example.com/file",
    "the post on reddit",
    "https://",
    "https://user:pass@example.com/x",
    "not a link at all",
])
def test_anything_else_is_not_a_link(link):
    with pytest.raises(FieldError) as error:
        clean_link(link, "link")
    assert error.value.reason == "not_a_link"


def test_moments_are_days_or_times_in_utc():
    bst = dt.timezone(dt.timedelta(hours=1))
    assert clean_moment(dt.datetime(2026, 12, 1, 21, 30, tzinfo=bst), "at", NOW) == \
        dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.timezone.utc)
    assert clean_moment("2026-12-01", "at", NOW) == dt.date(2026, 12, 1)
    assert clean_moment("2026-12-01T08:00:00+00:00", "at", NOW) == \
        dt.datetime(2026, 12, 1, 8, tzinfo=dt.timezone.utc)
    # "Today" where the person is may be tomorrow in UTC.
    assert clean_moment(dt.date(2026, 12, 5), "at", NOW) == dt.date(2026, 12, 5)


@pytest.mark.parametrize("value, reason", [
    (dt.datetime(2026, 12, 1, 9, 0), "no_time_zone"),
    ("2026-12-01T09:00", "no_time_zone"),
    (dt.date(2027, 1, 1), "in_the_future"),
    (NOW + dt.timedelta(days=2), "in_the_future"),
    (dt.date(1989, 12, 31), "too_early"),
    ("last tuesday", "not_a_moment"),
    ("2026-02-30", "not_a_moment"),
    (1733300000, "not_a_moment"),
])
def test_a_moment_is_refused_when_it_cannot_be_right(value, reason):
    with pytest.raises(FieldError) as error:
        clean_moment(value, "at", NOW)
    assert error.value.reason == reason


def test_a_record_is_built_from_checked_values():
    place = make_record("place", {"link": " reddit.com/r/x ", "platform": "Reddit",
                                  "found_at": "2026-12-01", "description": None}, PLATFORMS, NOW)
    assert place == Place(link="reddit.com/r/x", platform="reddit",
                          found_at=dt.date(2026, 12, 1))
    report = make_record("report", {"to": "Reddit", "platform": "reddit", "place": "1",
                                    "reference": "REF-1"}, PLATFORMS, NOW)
    assert report == Report(to="Reddit", platform="reddit", place=1, reference="REF-1")
    police = make_record("police", {"force": "Met", "crime_reference": "CR/123/26"},
                         PLATFORMS, NOW)
    assert police == PoliceContact(force="Met", crime_reference="CR/123/26")


@pytest.mark.parametrize("kind, values, field, reason", [
    ("photo", {"link": "x.com"}, "kind", "unknown_kind"),
    ("place", {"image": "x"}, "image", "unknown_field"),
    ("place", {"platform": "myspace"}, "platform", "unknown_platform"),
    ("place", {"link": "x.com", "status": "deleted"}, "status", "unknown_status"),
    ("place", {"link": "x.com", "status": None}, "status", "unknown_status"),
    ("place", {"reupload_of": 0, "link": "x.com"}, "reupload_of", "not_a_number"),
    ("place", {"reupload_of": True, "link": "x.com"}, "reupload_of", "not_a_number"),
    ("place", {}, "place", "empty"),
    ("place", {"status": "removed"}, "place", "empty"),
    ("threat", {"demand": "   "}, "threat", "empty"),
    ("account", {"profile_link": "data:image/png;base64,AAAA"}, "profile_link", "image"),
])
def test_a_record_is_refused_with_the_field_and_the_reason(kind, values, field, reason):
    with pytest.raises(FieldError) as error:
        make_record(kind, values, PLATFORMS, NOW)
    assert (error.value.field, error.value.reason) == (field, reason)
    # The error never repeats the value (errors may be logged).
    for value in values.values():
        if isinstance(value, str) and value.strip():
            assert value not in str(error.value)


def test_one_field_changes_and_a_record_never_becomes_empty():
    threat = Threat(account="@someone", demand="pay £500")
    assert changed_record("threat", threat, "demand", "pay £1000", PLATFORMS, NOW) == \
        Threat(account="@someone", demand="pay £1000")
    assert changed_record("threat", threat, "account", None, PLATFORMS, NOW) == \
        Threat(demand="pay £500")
    with pytest.raises(FieldError):
        changed_record("threat", Threat(demand="pay"), "demand", "", PLATFORMS, NOW)
    with pytest.raises(FieldError):
        changed_record("threat", threat, "username", "x", PLATFORMS, NOW)
