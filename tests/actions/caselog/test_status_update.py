"""Takedown updates in words, as a table: what happened, to which place; None whenever
the assistant should ask instead."""

from __future__ import annotations

import pytest

from actions.caselog.entries import Account, Entry, Place, Report
from actions.caselog.status_update import StatusUpdate, parse_status_update
from tests.actions.caselog.conftest import NOW


def log(*records) -> list:
    return [Entry(n, record, NOW, NOW) for n, record in enumerate(records, start=1)]


# 1 reddit (reported), 2 instagram (still up), 3 twitter (removed), 4 an account,
# 5 tiktok (not reported), 6 a report about 1.
CASE = log(
    Place(link="https://www.reddit.com/r/abc/comments/xyz1", platform="reddit",
          status="reported"),
    Place(link="instagram.com/p/Cabc123", platform="meta", status="still_up"),
    Place(platform="x", status="removed"),
    Account(username="@rex"),
    Place(description="a video", platform="tiktok", status="not_reported"),
    Report(to="Reddit", place=1),
)


@pytest.mark.parametrize("said, update", [
    ("the reddit one is gone", StatusUpdate(1, "removed")),
    ("Reddit removed it!", StatusUpdate(1, "removed")),
    ("instagram took it down", StatusUpdate(2, "removed")),
    ("Insta has taken it down", StatusUpdate(2, "removed")),
    ("the IG post isn’t there anymore", StatusUpdate(2, "removed")),
    ("the ig post is not online any more", StatusUpdate(2, "removed")),
    ("the ig post is no longer up", StatusUpdate(2, "removed")),
    ("it's back on twitter", StatusUpdate(3, None, reupload=True)),
    ("someone reposted it on X", StatusUpdate(3, None, reupload=True)),
    ("it’s back up on twitter.com", StatusUpdate(3, None, reupload=True)),
    ("reddit refused", StatusUpdate(1, "refused")),
    ("instagram said it doesn't go against their guidelines", StatusUpdate(2, "refused")),
    ("reddit won't remove it", StatusUpdate(1, "refused")),
    ("it's still up on reddit", StatusUpdate(1, "still_up")),
    ("reddit hasn't removed it", StatusUpdate(1, "still_up")),
    ("the reddit post is not gone", StatusUpdate(1, "still_up")),
    ("reddit didn't take it down", StatusUpdate(1, "still_up")),
    ("I reported it on tiktok", StatusUpdate(5, "reported")),
    ("number 2 is gone", StatusUpdate(2, "removed")),
    ("#1 was deleted", StatusUpdate(1, "removed")),
    ("https://www.reddit.com/r/abc/comments/xyz1 is gone", StatusUpdate(1, "removed")),
    # Which place, when none is named: the only one the news can be about.
    ("it's back", StatusUpdate(3, None, reupload=True)),     # the only one removed
    ("I reported it", StatusUpdate(5, "reported")),          # the only one not reported
])
def test_an_update_names_a_place_and_what_happened(directory, said, update):
    assert parse_status_update(said, CASE, directory) == update


@pytest.mark.parametrize("said", [
    "they refused",                       # reddit or instagram?
    "it's gone",                          # reddit or instagram?
    "is the reddit one gone?",            # a question
    "has instagram removed it",           # a question without the mark
    "reddit and instagram both removed it",
    "it's gone from youtube",             # no youtube place
    "number 4 is gone",                   # 4 is an account
    "number 9 is gone",                   # no such entry
    "number 2 on reddit is gone",         # 2 is on instagram
    "thanks, that helps",                 # no update at all
    "the reddit one",                     # no outcome
    "",
])
def test_an_unclear_update_is_none_so_the_assistant_asks(directory, said):
    assert parse_status_update(said, CASE, directory) is None


def test_with_one_place_any_update_is_about_it(directory):
    single = log(Place(platform="onlyfans", status="reported"))
    assert parse_status_update("they refused", single, directory) == \
        StatusUpdate(1, "refused")
    assert parse_status_update("gone!", single, directory) == StatusUpdate(1, "removed")
    assert parse_status_update("they refused", [], directory) is None


def test_two_places_on_one_platform_are_told_apart_by_what_is_possible(directory):
    two = log(Place(link="reddit.com/r/a", platform="reddit", status="removed"),
              Place(link="reddit.com/r/b", platform="reddit", status="reported"))
    assert parse_status_update("the reddit one is gone", two, directory) == \
        StatusUpdate(2, "removed")
    assert parse_status_update("it's back on reddit", two, directory) == \
        StatusUpdate(1, None, reupload=True)
    both_up = log(Place(platform="reddit", status="reported"),
                  Place(platform="reddit", status="still_up"))
    assert parse_status_update("the reddit one is gone", both_up, directory) is None
