"""Answer first, through a real Rasa server and action server: every example in issue 8's
"Why" gets concrete help in the very next reply, in at most three messages."""

from __future__ import annotations

import re

import aiohttp
import pytest

from tests.support.chat import Chat, joined

FALLBACK = "didn't quite follow"
SCREENSHOT_ADVICE = re.compile(r"(?<!never )(?<!not )\bscreenshot (each|the|every)", re.I)


@pytest.fixture
async def chat(servers):
    async with aiohttp.ClientSession() as session:
        yield Chat(session, servers.rasa)


async def first_reply(chat, text):
    replies = await chat.say(text, channel="widget")
    assert 1 <= len(replies) <= 3, replies  # at most three bubbles
    return joined(replies)


@pytest.mark.parametrize("text", [
    "someone made a deepfake video of me and sent it round my office",
    "my ex made nude edits of me and shared them in a group chat",
])
async def test_a_story_gets_the_first_steps(chat, text):
    reply = await first_reply(chat, text)
    assert "Revenge Porn Helpline" in reply and "StopNCII" in reply
    assert "0345 6000 459" in reply and FALLBACK not in reply
    assert not SCREENSHOT_ADVICE.search(reply)  # age in the images unknown: child-safe
    assert "Report Remove" in reply  # the one line for under-18s


async def test_a_platform_alone_gets_its_report_route(chat):
    reply = await first_reply(chat, "it's on snapchat")
    assert "Snapchat" in reply and "https://values.snap.com" in reply


async def test_facts_alone_are_acted_on(chat):
    reply = await first_reply(chat, "I'm 19 and I live in Cardiff")
    assert "Revenge Porn Helpline" in reply and "StopNCII" in reply
    assert "Report Remove" not in reply  # an adult now


async def test_what_take_it_down_does_is_answered_first(chat):
    reply = await first_reply(chat, "what does Take It Down do?")
    assert "Take It Down" in reply and "https://takeitdown.ncmec.org" in reply
    assert not reply.startswith("So I can point you")


async def test_what_to_keep_is_answered(chat):
    reply = await first_reply(chat, "what do I need to keep before I report it?")
    assert "web address" in reply and FALLBACK not in reply


async def test_which_police_is_answered_not_a_welcome(chat):
    reply = await first_reply(chat, "which police do I contact?")
    assert "101" in reply and "I'm the automated assistant" not in reply


async def test_a_13_year_old_gets_childrens_routes(chat):
    reply = await first_reply(chat, "I'm 13 and someone put my face on a naked picture and "
                                    "posted it in our class group chat")
    for expected in ("Report Remove", "Childline", "0800 1111", "adult you trust"):
        assert expected in reply
    assert "StopNCII" not in reply and not SCREENSHOT_ADVICE.search(reply)


async def test_perth_names_esafety(chat):
    reply = await first_reply(chat, "I'm in Perth, my ex is posting edited sex pics of me")
    assert "eSafety" in reply


async def test_a_negated_crisis_gets_the_removal_it_asked_for(chat):
    reply = await first_reply(chat, "I'm not going to hurt myself, I just need it removed")
    assert "116 123" not in reply and "Report" in reply


async def test_blackmail_gets_do_not_pay_and_gift_cards_are_no_false_alarm(chat):
    first = await first_reply(chat, "a man is blackmailing me with fake nudes")
    assert "Don't pay" in first and "StopNCII" in first
    assert not first.startswith("So I can point you")
    second = await first_reply(chat, "oh and he's asking for gift cards now")
    assert "If you are in danger right now" not in second and "Don't pay" in second


async def test_a_typed_button_title_is_its_button(chat):
    reply = await first_reply(chat, "Get images taken down")
    assert "taken down" in reply and "Report" in reply and "StopNCII makes" not in reply


async def test_images_from_childhood_get_take_it_down(chat):
    reply = await first_reply(chat, "These pictures were taken at a sleepover when I was 15; "
                                    "I'm 22 now")
    assert "Take It Down" in reply and "https://takeitdown.ncmec.org" in reply
    assert "StopNCII" not in reply and not SCREENSHOT_ADVICE.search(reply)


async def test_made_and_shared_and_age_and_country_never_fall_back(chat):
    first = await first_reply(chat, "he made fakes of me and now hes sharing them everywhere")
    assert FALLBACK not in first and "StopNCII" in first
    second = await first_reply(chat, "17 scotland")
    assert FALLBACK not in second and "Report Remove" in second


async def test_the_one_question_comes_after_help_and_is_not_asked_twice(chat):
    first = await chat.say("someone posted my nudes", channel="widget")
    assert joined(first).index("StopNCII") < joined(first).index("are you under 18?")
    second = joined(await chat.say("rather not say", channel="widget"))
    assert "are you under 18?" not in second and FALLBACK not in second
