"""A story's links and @usernames fill the log, once, and never what the log refuses."""

from __future__ import annotations

import pytest

from actions.caselog.from_story import note_volunteered, volunteered


@pytest.mark.parametrize("text,links,names", [
    ("he put it on reddit.com/r/somewhere/123, his account is @night_owl",
     ["reddit.com/r/somewhere/123"], ["@night_owl"]),
    ("see https://x.com/a/status/1.", ["https://x.com/a/status/1"], []),
    ("www.example.net/v/55 and @bad.guy_1 and @x", ["www.example.net/v/55"],
     ["@bad.guy_1", "@x"]),
    ("email me at jo@example.com", [], []),          # an address, not a username
    ("it's on reddit, no link", [], []),
    ("the same https://a.org/1 twice https://a.org/1", ["https://a.org/1"], []),
])
def test_links_and_usernames_in_the_persons_words(text, links, names):
    assert volunteered(text) == (links, names)


def test_a_story_fills_the_log_once(case_file):
    said = "he posted it on reddit.com/r/somewhere/123, his account is @night_owl"
    assert note_volunteered(case_file.log, "c-1", said, "reddit") == [1, 2]
    place, account = case_file.log.entries("c-1")
    assert place.record.link == "reddit.com/r/somewhere/123"
    assert place.record.platform == "reddit"
    assert account.record.username == "@night_owl"
    # Said again: nothing new.
    assert note_volunteered(case_file.log, "c-1", said, "reddit") == []
    assert len(case_file.log.entries("c-1")) == 2


def test_what_the_log_refuses_is_left_out(case_file):
    said = "here https://x.com/a/1 and data:image/png;base64,iVBORw0KGgo https://y.org/" + \
           "a" * 3000
    added = note_volunteered(case_file.log, "c-2", said, None)
    links = [e.record.link for e in case_file.log.entries("c-2")]
    assert added == [1] and links == ["https://x.com/a/1"]
